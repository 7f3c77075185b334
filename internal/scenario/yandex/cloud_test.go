package yandex_test

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/yandex"
)

// yandexID is a Yandex Cloud id with a given prefix.
func yandexID(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + prefix + `[0-9a-v]{17}$`)
}

// Ids come in the forms ru-central1 mints, the same for the same seed.
func TestCloud_ids(t *testing.T) {
	f := newFixture()
	tests := []struct {
		name string
		id   string
		re   *regexp.Regexp
	}{
		{"folder", f.accts[0].ID, yandexID("b1g")},
		{"outside folder", f.accts[2].ID, yandexID("b1g")},
		{"user", f.alice.ID, yandexID("aje")},
		{"service account", f.robot.ID, yandexID("aje")},
		{"disk in zone a", f.c.ResourceID(f.r, scenario.VolumeID, f.accts[0], "ru-central1-a", "d"), yandexID("fhm")},
		{"disk in zone b", f.c.ResourceID(f.r, scenario.VolumeID, f.accts[0], "ru-central1-b", "d"), yandexID("epd")},
		{"instance in zone d", f.c.ResourceID(f.r, scenario.InstanceID, f.accts[0], "ru-central1-d", "i"), yandexID("fv4")},
		{"snapshot", f.id(scenario.SnapshotID, "s"), yandexID("fd8")},
		{"image", f.id(scenario.ImageID, "i"), yandexID("fd8")},
		{"security group", f.id(scenario.NetID, "sg"), yandexID("enp")},
		{"database", f.id(scenario.DatabaseID, "db"), yandexID("c9q")},
		{"event", f.c.EventID(f.r), yandexID("fd8")},
	}
	for _, tt := range tests {
		if !tt.re.MatchString(tt.id) {
			t.Errorf("%s id %q does not match %s", tt.name, tt.id, tt.re)
		}
	}
	backup := f.id(scenario.DBSnapshotID, "b")
	cluster, name, ok := strings.Cut(backup, ":")
	if !ok || !yandexID("c9q").MatchString(cluster) || !strings.HasPrefix(name, "base_") {
		t.Errorf("backup id %q, want <cluster id>:base_…", backup)
	}
	if g := newFixture(); g.alice.ID != f.alice.ID || g.accts[1].ID != f.accts[1].ID {
		t.Error("the same seed made different ids")
	}
	if f.accts[0].Regions[0] != "ru-central1-a" || len(f.accts) != 3 {
		t.Errorf("accounts %+v", f.accts)
	}
}

// People are federated or Yandex ID users on the console or the CLI;
// automation calls from Yandex Cloud addresses; no volume scanner exists.
func TestCloud_principals(t *testing.T) {
	c := &yandex.Cloud{}
	r := rand.New(rand.NewPCG(3, 4))
	acct := c.Accounts(r, 3)[0]
	for i := range 40 {
		p := c.NewPrincipal(r, scenario.Human, acct, "user"+string(rune('a'+i%26)))
		if p.IP == "" || p.UserAgent == "" || p.Name == "" {
			t.Errorf("person %+v lacks an address, agent or name", p)
		}
		if (p.IP == "cloud.yandex") != (p.UserAgent == "Yandex Cloud") {
			t.Errorf("person %+v mixes console and CLI", p)
		}
	}
	robot := c.NewPrincipal(r, scenario.Automation, acct, "terraform-ci")
	if !strings.HasPrefix(robot.IP, "158.160.") || !strings.Contains(robot.UserAgent, "terraform-provider-yandex") {
		t.Errorf("automation %+v", robot)
	}
	if c.NewPrincipal(r, scenario.ServiceAccount, acct, "scanner") != nil || c.ServiceAccount() != "" {
		t.Error("a volume-scanning service on Yandex")
	}
}

// Files are JSON arrays under trail/<trail id>/YYYY/MM/DD/HHMMSSmmm.json,
// one per five minutes of event time; the company's folders share their
// cloud's trail, the outside folder has its own. Close counts every byte.
func TestWriter_layout(t *testing.T) {
	f := newFixture()
	var ops []*scenario.Op
	for i := range 60 {
		op := with(f.op(scenario.Read, f.alice), func(o *scenario.Op) { o.Name = "Decrypt" })
		op.Time = f.t.Add(time.Duration(i) * 20 * time.Second) // 20 minutes of reads
		op.Account = f.accts[i%3]
		ops = append(ops, op)
	}
	dir, n := render(t, f.c, ops...)
	name := regexp.MustCompile(`^trail/cnp[0-9a-v]{17}/\d{4}/\d{2}/\d{2}/\d{9}\.json$`)
	var size int64
	trails := map[string]int{}
	for _, p := range files(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		if !name.MatchString(filepath.ToSlash(rel)) {
			t.Errorf("file %s", rel)
		}
		trails[strings.Split(filepath.ToSlash(rel), "/")[1]]++
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		size += int64(len(b))
		var recs []struct {
			EventTime time.Time `json:"event_time"`
		}
		if err := json.Unmarshal(b, &recs); err != nil || len(recs) == 0 {
			t.Fatalf("%s: %v (%d records)", rel, err, len(recs))
		}
		window := recs[0].EventTime.Truncate(5 * time.Minute)
		for _, r := range recs {
			if r.EventTime.Truncate(5*time.Minute) != window {
				t.Errorf("%s holds %v and %v", rel, recs[0].EventTime, r.EventTime)
			}
		}
	}
	if size != n {
		t.Errorf("Close reported %d bytes, files hold %d", n, size)
	}
	if len(trails) != 2 {
		t.Errorf("trails %v, want the company's and the outside cloud's", trails)
	}
	for tr, files := range trails {
		if files < 4 {
			t.Errorf("trail %s: %d files for 20 minutes", tr, files)
		}
	}
}

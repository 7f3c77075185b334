package openstack_test

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/openstack"
)

var (
	notePath  = regexp.MustCompile(`^openstack/notifications/(nova|cinder|neutron|glance|keystone|trove)/(\d{4}-\d\d-\d\d)/(\d\d)\.ndjson$`)
	auditPath = regexp.MustCompile(`^openstack/audit/(\d{4}-\d\d-\d\d)/(\d\d)\.ndjson$`)
)

// Files are hourly per stream; a notification file is in time order and
// holds its hour's records; an audit file may open with a response of the
// hour before (files rotate forward on the first record of a new hour).
func TestWriter_Layout(t *testing.T) {
	dir, st := generate(t, 3)
	streams := map[string]bool{}
	lines := 0
	for _, p := range files(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		if !strings.HasPrefix(rel, "openstack/") {
			continue
		}
		var day, hour string
		audit := false
		if m := notePath.FindStringSubmatch(rel); m != nil {
			streams[m[1]] = true
			day, hour = m[2], m[3]
		} else if m := auditPath.FindStringSubmatch(rel); m != nil {
			streams["audit"] = true
			day, hour, audit = m[1], m[2], true
		} else {
			t.Errorf("unexpected file %s", rel)
			continue
		}
		from, err := time.Parse("2006-01-02 15", day+" "+hour)
		if err != nil {
			t.Fatal(err)
		}
		var last time.Time
		for i, ts := range stamps(t, p) {
			lines++
			low := from
			if audit {
				low = from.Add(-time.Second)
			}
			if ts.Before(low) || !ts.Before(from.Add(time.Hour)) {
				t.Errorf("%s:%d: stamped %v", rel, i+1, ts)
			}
			if !audit && ts.Before(last) {
				t.Errorf("%s:%d: %v after %v", rel, i+1, ts, last)
			}
			last = ts
		}
	}
	for _, s := range []string{"audit", "nova", "cinder", "neutron", "keystone", "trove"} {
		if !streams[s] {
			t.Errorf("no %s files", s)
		}
	}
	if lines < 2*st.Events-100 {
		t.Errorf("%d lines for %d events", lines, st.Events)
	}
}

// stamps returns each line's timestamp: the notification's, unwrapped from
// its messagingv2 envelope when it has one.
func stamps(t *testing.T, path string) []time.Time {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			Message   string `json:"oslo.message"`
			Version   string `json:"oslo.version"`
			Timestamp string `json:"timestamp"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if rec.Message != "" {
			if rec.Version != "2.0" || json.Unmarshal([]byte(rec.Message), &rec) != nil {
				t.Fatalf("%s: bad envelope %s", path, sc.Text())
			}
		}
		ts, err := time.Parse("2006-01-02 15:04:05.999999", rec.Timestamp)
		if err != nil {
			t.Fatalf("%s: timestamp %q: %v", path, rec.Timestamp, err)
		}
		out = append(out, ts)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Ids take the forms OpenStack writes: UUIDs for events and resources,
// 32 hex digits for keystone projects and users.
func TestCloud_IDs(t *testing.T) {
	var (
		uuid  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
		hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)
	)
	c := &openstack.Cloud{}
	r := rand.New(rand.NewPCG(5, 5))
	accts := c.Accounts(r, 3)
	seen := map[string]bool{}
	for _, a := range accts {
		if !hex32.MatchString(a.ID) || a.Name == "" || len(a.Regions) != 1 || seen[a.ID] {
			t.Errorf("account %+v", a)
		}
		seen[a.ID] = true
		if c.ShareTarget(a) != a.ID {
			t.Errorf("ShareTarget(%s) = %s", a.ID, c.ShareTarget(a))
		}
	}
	for _, k := range []scenario.PrincipalKind{scenario.Human, scenario.Automation} {
		p := c.NewPrincipal(r, k, accts[0], "terraform-ci")
		if !hex32.MatchString(p.ID) || p.Name != "terraform-ci" || p.IP == "" || p.UserAgent == "" || p.Account != accts[0] {
			t.Errorf("principal %+v", p)
		}
	}
	if p := c.NewPrincipal(r, scenario.ServiceAccount, accts[0], "malware-scanner"); p != nil || c.ServiceAccount() != "" {
		t.Errorf("service account %+v %q", p, c.ServiceAccount())
	}
	for k := scenario.VolumeID; k <= scenario.DBSnapshotID; k++ {
		if id := c.ResourceID(r, k, accts[0], openstack.Region, "x"); !uuid.MatchString(id) || seen[id] {
			t.Errorf("resource id %q", id)
		} else {
			seen[id] = true
		}
	}
	for range 100 {
		if id := c.EventID(r); !uuid.MatchString(id) || seen[id] {
			t.Fatalf("event id %q", id)
		} else {
			seen[id] = true
		}
	}
}

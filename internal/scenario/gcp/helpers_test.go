package gcp_test

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/gcp"
)

// fixture is a small world: the company's projects, a stranger's, and
// actors of each kind.
type fixture struct {
	c                     gcp.Cloud
	r                     *rand.Rand
	main, dev, outside    *scenario.Account
	human, other, backup  *scenario.Principal
	newcomer, stranger    *scenario.Principal
	zone                  string
	at                    time.Time
	seq                   int
	disk, snap, img, inst string
	tag, db               string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	c := gcp.Cloud{}
	r := rand.New(rand.NewPCG(7, 11))
	accts := c.Accounts(r, 3)
	f := &fixture{c: c, r: r, main: accts[0], dev: accts[1], outside: accts[2],
		at: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	f.zone = f.main.Regions[0]
	f.human = c.NewPrincipal(r, scenario.Human, f.main, "anna.ops")
	f.other = c.NewPrincipal(r, scenario.Human, f.main, "boris.dev")
	f.backup = c.NewPrincipal(r, scenario.Automation, f.main, "backup-automation")
	f.newcomer = c.NewPrincipal(r, scenario.Human, f.main, "svc-sync-42")
	f.stranger = c.NewPrincipal(r, scenario.Human, f.outside, "operator")
	f.disk = f.id(scenario.VolumeID, "prod-db-01-data")
	f.snap = f.id(scenario.SnapshotID, "prod-db-adhoc")
	f.img = f.id(scenario.ImageID, "golden")
	f.inst = f.id(scenario.InstanceID, "exfil-box")
	f.tag = f.id(scenario.NetID, "exfil-sg")
	f.db = f.id(scenario.DatabaseID, "prod-db-orders")
	return f
}

func (f *fixture) id(k scenario.ResourceKind, name string) string {
	return f.c.ResourceID(f.r, k, f.main, f.zone, name)
}

// op makes an op a minute after the previous one.
func (f *fixture) op(k scenario.Kind, actor *scenario.Principal, set func(op *scenario.Op)) *scenario.Op {
	f.seq++
	op := &scenario.Op{ID: f.c.EventID(f.r), Time: f.at.Add(time.Duration(f.seq) * time.Minute), Kind: k,
		Account: f.main, Region: f.zone, Actor: actor}
	if set != nil {
		set(op)
	}
	return op
}

// files lists the regular files under dir in name order.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// write renders ops into a fresh directory and returns it and the bytes
// Close reported.
func write(t testing.TB, ops ...*scenario.Op) (string, int64) {
	t.Helper()
	dir := t.TempDir()
	w, err := gcp.Cloud{}.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := w.Write(op); err != nil {
			t.Fatalf("write %v: %v", op.Kind, err)
		}
	}
	n, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return dir, n
}

// decodeOps renders ops and decodes them with the real decoders, format
// auto-detected, pairs joined; it fails on any bad record.
func decodeOps(t testing.TB, ops ...*scenario.Op) []*event.Event {
	t.Helper()
	dir, _ := write(t, ops...)
	res := decodetest.DecodeFiles(t, nil, formats.All(), files(t, dir)...)
	evs := res.Clean(t)
	for name, n := range res.Stats.PerFormat {
		if name != "gcpaudit" {
			t.Errorf("%d records detected as %s", n, name)
		}
	}
	return evs
}

// byID indexes events by id.
func byID(evs []*event.Event) map[string]*event.Event {
	m := map[string]*event.Event{}
	for _, e := range evs {
		m[e.ID] = e
	}
	return m
}

func hasResource(e *event.Event, role event.Role, typ event.ResourceType, id string) bool {
	return slices.ContainsFunc(e.Resources, func(r event.Resource) bool {
		return r.Role == role && r.Type == typ && r.ID == id
	})
}

func describe(e *event.Event) string {
	var b strings.Builder
	for _, r := range e.Resources {
		b.WriteString(string(r.Role) + " " + string(r.Type) + " " + r.ID + "; ")
	}
	return b.String()
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package openstack_test

import (
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/openstack"
)

// fixture is a small world: a cloud, its projects and people.
type fixture struct {
	cloud          *openstack.Cloud
	r              *rand.Rand
	main, outside  *scenario.Account
	alice, bob     *scenario.Principal
	backup         *scenario.Principal
	t              time.Time
	vol, snap, srv string
	net, img, db   string
}

func newFixture() *fixture {
	c := &openstack.Cloud{}
	r := rand.New(rand.NewPCG(7, 11))
	accts := c.Accounts(r, 3)
	f := &fixture{cloud: c, r: r, main: accts[0], outside: accts[2], t: time.Date(2026, 11, 3, 9, 59, 30, 0, time.UTC)}
	f.alice = c.NewPrincipal(r, scenario.Human, f.main, "alice.ops")
	f.bob = c.NewPrincipal(r, scenario.Human, f.main, "bob.dev")
	f.backup = c.NewPrincipal(r, scenario.Automation, f.main, "backup-automation")
	id := func(k scenario.ResourceKind, name string) string {
		return c.ResourceID(r, k, f.main, openstack.Region, name)
	}
	f.vol, f.snap, f.srv = id(scenario.VolumeID, "prod-db-01-data"), id(scenario.SnapshotID, "adhoc"), id(scenario.InstanceID, "box")
	f.net, f.img, f.db = id(scenario.NetID, "web-sg"), id(scenario.ImageID, "golden"), id(scenario.DatabaseID, "prod-db-orders")
	return f
}

// op makes an op of alice's in the main project, a minute after the last.
func (f *fixture) op(k scenario.Kind, set func(op *scenario.Op)) *scenario.Op {
	f.t = f.t.Add(time.Minute)
	op := &scenario.Op{ID: f.cloud.EventID(f.r), Time: f.t, Kind: k, Account: f.main, Region: openstack.Region, Actor: f.alice}
	if set != nil {
		set(op)
	}
	return op
}

// render writes ops with a Writer under a temporary directory and decodes
// every file written, auto-detecting among all formats.
func render(t *testing.T, c *openstack.Cloud, ops ...*scenario.Op) (dir string, events []*event.Event, bytes int64) {
	t.Helper()
	dir = t.TempDir()
	w, err := c.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := w.Write(op); err != nil {
			t.Fatalf("write %v: %v", op.Kind, err)
		}
	}
	if bytes, err = w.Close(); err != nil {
		t.Fatal(err)
	}
	res := decodetest.DecodeFiles(t, nil, formats.All(), files(t, dir)...)
	return dir, res.Clean(t), bytes
}

// files lists the files under dir, in name order.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
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

// byID finds the event with id.
func byID(events []*event.Event, id string) *event.Event {
	for _, e := range events {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// has reports whether e holds the resource.
func has(e *event.Event, role event.Role, typ event.ResourceType, id string) bool {
	return slices.ContainsFunc(e.Resources, func(r event.Resource) bool { return r.Role == role && r.Type == typ && r.ID == id })
}

package yandex_test

import (
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/yandex"
)

// fixture is a small Yandex world: the company's folders, people, a robot.
type fixture struct {
	c      *yandex.Cloud
	r      *rand.Rand
	accts  []*scenario.Account
	alice  *scenario.Principal
	bob    *scenario.Principal
	robot  *scenario.Principal
	region string
	t      time.Time
}

func newFixture() *fixture {
	c := &yandex.Cloud{}
	r := rand.New(rand.NewPCG(7, 11))
	f := &fixture{c: c, r: r, accts: c.Accounts(r, 3), t: time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)}
	f.region = f.accts[0].Regions[0]
	f.alice = c.NewPrincipal(r, scenario.Human, f.accts[0], "alice.ops")
	f.bob = c.NewPrincipal(r, scenario.Human, f.accts[0], "bob.dev")
	f.robot = c.NewPrincipal(r, scenario.Automation, f.accts[0], "backup-automation")
	return f
}

// id makes a resource id of the main folder.
func (f *fixture) id(k scenario.ResourceKind, name string) string {
	return f.c.ResourceID(f.r, k, f.accts[0], f.region, name)
}

// op makes an op of the main folder a minute after the previous one.
func (f *fixture) op(k scenario.Kind, actor *scenario.Principal) *scenario.Op {
	f.t = f.t.Add(time.Minute + 250*time.Millisecond)
	return &scenario.Op{ID: f.c.EventID(f.r), Time: f.t, Kind: k, Account: f.accts[0], Region: f.region, Actor: actor}
}

// render writes ops through a new writer into a temporary directory and
// returns the directory and the bytes Close reported.
func render(t *testing.T, c *yandex.Cloud, ops ...*scenario.Op) (string, int64) {
	t.Helper()
	dir := t.TempDir()
	w, err := c.NewWriter(dir)
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

// files lists the JSON files under dir in name order.
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

// decodeDir decodes every file under dir with format auto-detection, as a
// hunt does, failing on any bad record, and indexes the events by id.
func decodeDir(t *testing.T, dir string) map[string]*event.Event {
	t.Helper()
	evs := decodetest.DecodeFiles(t, nil, formats.All(), files(t, dir)...).Clean(t)
	out := make(map[string]*event.Event, len(evs))
	for _, e := range evs {
		if e.Cloud != event.Yandex {
			t.Errorf("event %s decoded as %s", e.ID, e.Cloud)
		}
		if out[e.ID] != nil {
			t.Errorf("two events with id %s", e.ID)
		}
		out[e.ID] = e
	}
	return out
}

// res is an expected resource.
type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

// hasResource reports whether e lists the resource.
func hasResource(e *event.Event, want res) bool {
	return slices.ContainsFunc(e.Resources, func(r event.Resource) bool {
		return r.Role == want.role && r.Type == want.typ && r.ID == want.id
	})
}

func describe(e *event.Event) string {
	var b strings.Builder
	for _, r := range e.Resources {
		b.WriteString(string(r.Role) + " " + string(r.Type) + " " + r.ID + "; ")
	}
	return b.String()
}

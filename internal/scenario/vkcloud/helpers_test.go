package vkcloud_test

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	decvk "github.com/snapwarden/snapwarden/internal/decode/vkcloud"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/vkcloud"
)

// world is a small VK Cloud setting for tests: three projects, two people
// of the company, ids made by the cloud under test.
type world struct {
	c                  *vkcloud.Cloud
	r                  *rand.Rand
	main, dev, outside *scenario.Account
	alice, bob         *scenario.Principal
	at                 time.Time
}

func newWorld() *world {
	c := &vkcloud.Cloud{}
	r := rand.New(rand.NewPCG(7, 11))
	accts := c.Accounts(r, 3)
	w := &world{c: c, r: r, main: accts[0], dev: accts[1], outside: accts[2],
		at: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
	w.alice = c.NewPrincipal(r, scenario.Human, w.main, "alice.ops")
	w.bob = c.NewPrincipal(r, scenario.Automation, w.main, "terraform-ci")
	return w
}

// id makes a resource id of the main project.
func (w *world) id(k scenario.ResourceKind, name string) string {
	return w.c.ResourceID(w.r, k, w.main, "RegionOne", name)
}

// op makes an op of the main project, a minute after the previous one.
func (w *world) op(k scenario.Kind, actor *scenario.Principal, set func(op *scenario.Op)) *scenario.Op {
	w.at = w.at.Add(time.Minute + 250*time.Millisecond)
	op := &scenario.Op{ID: w.c.EventID(w.r), Time: w.at, Kind: k, Account: w.main, Region: "RegionOne", Actor: actor}
	if set != nil {
		set(op)
	}
	return op
}

// write renders ops into a fresh folder and returns it with the bytes
// Close reported.
func write(t testing.TB, c *vkcloud.Cloud, ops ...*scenario.Op) (string, int64) {
	t.Helper()
	dir := t.TempDir()
	wr, err := c.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := wr.Write(op); err != nil {
			t.Fatalf("write %v: %v", op.Kind, err)
		}
	}
	n, err := wr.Close()
	if err != nil {
		t.Fatal(err)
	}
	return dir, n
}

// pages returns every file under dir, in path order.
func pages(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeDir decodes every page under dir with the VK Cloud decoder, failing
// on any bad record, and returns the events by id.
func decodeDir(t testing.TB, dir string) map[string]*event.Event {
	t.Helper()
	out := map[string]*event.Event{}
	for _, p := range pages(t, dir) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range decodetest.MustDecode(t, decvk.Format{}, p, b) {
			if out[e.ID] != nil {
				t.Errorf("event id %s twice", e.ID)
			}
			out[e.ID] = e
		}
	}
	return out
}

// render writes ops and decodes them.
func render(t testing.TB, c *vkcloud.Cloud, ops ...*scenario.Op) map[string]*event.Event {
	t.Helper()
	dir, _ := write(t, c, ops...)
	return decodeDir(t, dir)
}

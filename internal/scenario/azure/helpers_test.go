package azure_test

import (
	"bytes"
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
	"github.com/snapwarden/snapwarden/internal/scenario/azure"
)

// fixture is a small Azure world for rendering single ops.
type fixture struct {
	c                  azure.Cloud
	r                  *rand.Rand
	main, dev, outside *scenario.Account
	region             string
	anna, boris, bot   *scenario.Principal
}

func newFixture() *fixture {
	f := &fixture{r: rand.New(rand.NewPCG(7, 11))}
	accts := f.c.Accounts(f.r, 3)
	f.main, f.dev, f.outside = accts[0], accts[1], accts[2]
	f.region = f.main.Regions[0]
	f.anna = f.c.NewPrincipal(f.r, scenario.Human, f.main, "anna.ops")
	f.boris = f.c.NewPrincipal(f.r, scenario.Human, f.main, "boris.dev")
	f.bot = f.c.NewPrincipal(f.r, scenario.Automation, f.main, "terraform-ci")
	return f
}

func (f *fixture) id(k scenario.ResourceKind, name string) string {
	return f.c.ResourceID(f.r, k, f.main, f.region, name)
}

// op makes an op of kind k by actor at a fixed time.
func (f *fixture) op(k scenario.Kind, actor *scenario.Principal) *scenario.Op {
	return &scenario.Op{ID: f.c.EventID(f.r), Time: time.Date(2026, 11, 3, 14, 5, 9, 123456789, time.UTC),
		Kind: k, Account: f.main, Region: f.region, Actor: actor}
}

// write renders ops into a temporary directory and returns it.
func write(t testing.TB, ops ...*scenario.Op) string {
	t.Helper()
	dir := t.TempDir()
	w, err := azure.Cloud{}.NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := w.Write(op); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// blobs lists the PT1H.json files under dir, in path order.
func blobs(t testing.TB, dir string) []string {
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

// decodeDir decodes every blob under dir with format auto-detection, as a
// hunt does, failing on any bad record.
func decodeDir(t testing.TB, dir string) []*event.Event {
	t.Helper()
	res := decodetest.DecodeFiles(t, nil, formats.All(), blobs(t, dir)...)
	evs := res.Clean(t)
	for _, e := range evs {
		if e.Format != "azureactivity" {
			t.Errorf("event %s decoded as %q", e.ID, e.Format)
		}
	}
	return evs
}

// byID returns the one event with id, failing otherwise.
func byID(t testing.TB, evs []*event.Event, id string) *event.Event {
	t.Helper()
	var hit *event.Event
	for _, e := range evs {
		if e.ID == id {
			if hit != nil {
				t.Fatalf("two events with id %s", id)
			}
			hit = e
		}
	}
	if hit == nil {
		var ids []string
		for _, e := range evs {
			ids = append(ids, e.ID+" "+e.Operation)
		}
		t.Fatalf("no event with id %s; got:\n%s", id, strings.Join(ids, "\n"))
	}
	return hit
}

// has reports whether e holds a resource with that role, type and id.
func has(e *event.Event, role event.Role, typ event.ResourceType, id string) bool {
	return slices.ContainsFunc(e.Resources, func(r event.Resource) bool {
		return r.Role == role && r.Type == typ && r.ID == id
	})
}

// readAll concatenates the blobs under dir.
func readAll(t testing.TB, dir string) []byte {
	t.Helper()
	var all bytes.Buffer
	for _, p := range blobs(t, dir) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	return all.Bytes()
}

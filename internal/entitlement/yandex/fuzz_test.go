package yandex_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/yandex"
)

// FuzzEvaluate feeds arbitrary bytes as a folder's bindings, a listing and
// a group's members beside the acme fixture: no panic, and every grant is
// well formed.
func FuzzEvaluate(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.json")
	more, _ := filepath.Glob("testdata/rules/*/*.json")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte(`[]`), []byte(`[]`))
		f.Add([]byte(`[]`), data, data)
	}
	f.Add([]byte(`[{"role_id":"admin","subject":{"id":"a","type":"serviceAccount"}}]`),
		[]byte(`[{"id":"a","folder_id":"a"},{"id":"b1gf","cloud_id":"b1gf"}]`), []byte(`[{"subject_id":"a"}]`))
	base := loadDir(f, "testdata/acme")
	f.Fuzz(func(t *testing.T, bindings, listing, members []byte) {
		in := base
		in.Bindings = append(slices.Clone(base.Bindings), yandex.BindingFile{Name: "folder-b1gfuzz.json", Data: bindings})
		in.Resources = append(slices.Clone(base.Resources), yandex.File{Name: "list-fuzz.json", Data: listing})
		in.Groups = append(slices.Clone(base.Groups), yandex.GroupFile{Name: "members-fuzz.json", GroupID: "ajeg1r2o3u4p5a6d7m8n", Data: members})
		r, err := yandex.Evaluate(in)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, g := range r.Grants {
			if g.Principal == "" || len(g.Via) == 0 || g.Scope == "" || !slices.Contains(entitlement.Capabilities, g.Capability) {
				t.Fatalf("malformed grant %+v", g)
			}
			if g.Verdict != entitlement.Allow && g.Verdict != entitlement.Conditional {
				t.Fatalf("verdict %s", g.Verdict)
			}
			if (g.Verdict == entitlement.Conditional) != (len(g.Conditions) > 0) {
				t.Fatalf("verdict %s with conditions %q", g.Verdict, g.Conditions)
			}
			if seen[g.ID] {
				t.Fatalf("grant id %s twice", g.ID)
			}
			seen[g.ID] = true
		}
		if r.Principals < 21 {
			t.Fatalf("Principals = %d, fewer than the fixture's 21", r.Principals)
		}
	})
}

// FuzzLoad feeds arbitrary bytes as a file given without a level: sniffing
// and evaluating it must not panic.
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob("testdata/acme/*.json")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := yandex.Load([]string{"folder-b1gfuzz.json"}, func(string) ([]byte, error) { return data, nil })
		if err != nil {
			return
		}
		if _, err := yandex.Evaluate(in); err != nil && !strings.Contains(err.Error(), "folder-b1gfuzz.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

package yandex_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/yandex"
)

// loadDir reads a test case folder: list-*.json are resource listings,
// members-GROUP.json group members, every other *.json access bindings
// whose name says where they sit.
func loadDir(tb testing.TB, dir string) yandex.Input {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(paths)
	var in yandex.Input
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		base := filepath.Base(p)
		switch {
		case strings.HasPrefix(base, "list-"):
			in.Resources = append(in.Resources, yandex.File{Name: base, Data: data})
		case strings.HasPrefix(base, "members-"):
			id := strings.TrimSuffix(strings.TrimPrefix(base, "members-"), ".json")
			in.Groups = append(in.Groups, yandex.GroupFile{Name: base, GroupID: id, Data: data})
		default:
			in.Bindings = append(in.Bindings, yandex.BindingFile{Name: base, Data: data})
		}
	}
	return in
}

func evaluateDir(tb testing.TB, dir string) *entitlement.Report {
	tb.Helper()
	r, err := yandex.Evaluate(loadDir(tb, dir))
	if err != nil {
		tb.Fatalf("Evaluate(%s): %v", dir, err)
	}
	return r
}

// grantsOf indexes a report's grants by principal and capability.
func grantsOf(r *entitlement.Report) map[string]map[entitlement.Capability]entitlement.Grant {
	out := map[string]map[entitlement.Capability]entitlement.Grant{}
	for _, g := range r.Grants {
		if out[g.Principal] == nil {
			out[g.Principal] = map[entitlement.Capability]entitlement.Grant{}
		}
		out[g.Principal][g.Capability] = g
	}
	return out
}

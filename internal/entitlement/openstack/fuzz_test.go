package openstack_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/openstack"
)

// validGrants checks what every report must hold, whatever the input.
func validGrants(t *testing.T, r *entitlement.Report) {
	t.Helper()
	verdicts := []entitlement.Verdict{entitlement.Allow, entitlement.Conditional, entitlement.Denied}
	for _, g := range r.Grants {
		if g.Principal == "" || !slices.Contains(verdicts, g.Verdict) || len(g.Via) == 0 ||
			g.ID != entitlement.GrantID(g.Cloud, g.Principal, g.Capability) {
			t.Fatalf("bad grant %+v", g)
		}
	}
}

func FuzzEvaluate(f *testing.F) {
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	pols, _ := filepath.Glob("testdata/policies/*/*")
	for _, asg := range []string{"assignments.json", "assignments_api.json"} {
		for _, p := range pols {
			f.Add(read(asg), []byte(nil), read(p[len("testdata/"):]), filepath.Base(p), false)
		}
		f.Add(read(asg), read("implied_cli.json"), []byte(nil), "nova.yaml", true)
		f.Add(read(asg), read("implied_api.json"), []byte(`"a": [["role:x"]]`), "glance.json", false)
	}
	f.Fuzz(func(t *testing.T, asg, implied, pol []byte, polName string, legacy bool) {
		in := openstack.Input{
			Assignments:    openstack.File{Name: "assignments.json", Data: asg},
			Implied:        openstack.File{Name: "implied.json", Data: implied},
			LegacyDefaults: legacy,
		}
		if len(pol) > 0 {
			in.Policies = []openstack.File{{Name: polName, Data: pol}}
		}
		r, err := openstack.Evaluate(in)
		if err != nil {
			return
		}
		validGrants(t, r)
	})
}

func FuzzEvaluateVK(f *testing.F) {
	b, err := os.ReadFile("testdata/vk_members.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`[{"user": "u", "project": "p", "role": "mcs_admin"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := openstack.EvaluateVK(openstack.File{Name: "members.json", Data: data})
		if err != nil {
			return
		}
		validGrants(t, r)
	})
}

package gcp_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/gcp"
)

// FuzzEvaluate feeds arbitrary bytes as an allow policy, a deny policy, a
// custom role export and an ancestry (or, when those fail, two group
// membership exports): no panic, and a report that holds together.
func FuzzEvaluate(f *testing.F) {
	read := func(p string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		return data
	}
	f.Add(read("deny/project-p1.json"), read("deny/deny-p1.json"), read("deny/roles.json"), []byte(`[]`))
	f.Add(read("admin/project-p1.json"), []byte(`[]`), read("admin/roles.json"), []byte(`[]`))
	f.Add(read("impersonate/serviceAccount-backup@p1.iam.gserviceaccount.com.json"), []byte(`{"policies":[]}`), read("and/roles.json"), read("inherit/ancestry-p1.json"))
	f.Add(read("condition/project-p1.json"), read("inherit/deny-folder-200.json"), []byte(`{}`), read("inherit/ancestry-p2.json"))
	f.Add(read("groups/project-p1.json"), read("groups/deny-p1.json"), read("groups/group-oncall@example.com.json"), read("groups/group-storage@example.com.json"))
	f.Fuzz(func(t *testing.T, policy, deny, roles, ancestry []byte) {
		in := gcp.Input{
			Policies: []gcp.PolicyFile{
				{File: gcp.File{Name: "p.json", Data: policy}, Resource: gcp.Resource{Level: gcp.Project, ID: "p1"}},
				{File: gcp.File{Name: "sa.json", Data: policy}, Resource: gcp.Resource{Level: gcp.ServiceAccount, ID: "backup@p1.iam.gserviceaccount.com"}},
				{File: gcp.File{Name: "organization-100.json", Data: policy}},
			},
			Deny:     []gcp.PolicyFile{{File: gcp.File{Name: "project-p1.json", Data: deny}}},
			Roles:    []gcp.File{{Name: "roles.json", Data: roles}},
			Ancestry: []gcp.File{{Name: "ancestry.json", Data: ancestry}},
		}
		if r, err := gcp.Evaluate(in); err != nil || r == nil {
			// The last two inputs as group memberships instead.
			in.Roles, in.Ancestry = nil, nil
			in.Groups = []gcp.GroupFile{{File: gcp.File{Name: "group-a@example.com.json", Data: roles}}, {File: gcp.File{Name: "x.json", Data: ancestry}, Group: "group:b@example.com"}}
		}
		r, err := gcp.Evaluate(in)
		if err != nil {
			return
		}
		for _, g := range r.Grants {
			if g.Principal == "" || len(g.Via) == 0 || !slices.Contains(entitlement.Capabilities, g.Capability) {
				t.Fatalf("incomplete grant %+v", g)
			}
			switch g.Verdict {
			case entitlement.Allow, entitlement.Conditional, entitlement.Denied:
			default:
				t.Fatalf("verdict %q", g.Verdict)
			}
		}
		if r.Principals < 0 || (len(r.Grants) > 0 && r.Principals == 0) {
			t.Fatalf("principals %d with %d grants", r.Principals, len(r.Grants))
		}
	})
}

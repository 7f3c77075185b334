package azure_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/azure"
)

// FuzzEvaluate feeds arbitrary exports: Evaluate returns an error or a
// report whose every grant is well formed, and never panics.
func FuzzEvaluate(f *testing.F) {
	in := fullInput(f)
	f.Add(in.Roles.Data, in.Assignments.Data, in.Eligible.Data, in.Deny.Data)
	f.Add(in.Roles.Data, []byte(nil), []byte(nil), []byte(nil))
	f.Add([]byte(`[{"name":"r","roleName":"R","permissions":[{"actions":["*"],"notActions":["a/*/b"],"condition":"ActionMatches{'x'} @Resource[k]"}]}]`),
		[]byte(`{"value":[{"properties":{"principalId":"p","scope":"/","roleDefinitionId":"/r","condition":"@Request[x"}}]}`),
		[]byte(`[{"principalId":"p","roleDefinitionName":"R","scope":"/subscriptions/s"}]`),
		[]byte(`[{"properties":{"scope":"/","principals":[{"id":"00000000-0000-0000-0000-000000000000"}],"permissions":[{"actions":["*"]}]}}]`))
	f.Fuzz(func(t *testing.T, roles, assignments, eligible, deny []byte) {
		rep, err := azure.Evaluate(azure.Input{
			Roles:       azure.File{Name: "roles.json", Data: roles},
			Assignments: azure.File{Name: "assignments.json", Data: assignments},
			Eligible:    azure.File{Name: "eligible.json", Data: eligible},
			Deny:        azure.File{Name: "deny.json", Data: deny},
		})
		if err != nil {
			return
		}
		for _, g := range rep.Grants {
			if g.Principal == "" || len(g.Via) == 0 || !slices.Contains(entitlement.Capabilities, g.Capability) {
				t.Fatalf("malformed grant %+v", g)
			}
			switch g.Verdict {
			case entitlement.Allow, entitlement.Conditional, entitlement.Eligible, entitlement.Denied:
			default:
				t.Fatalf("verdict %q", g.Verdict)
			}
			if g.Verdict != entitlement.Denied && g.Standing == (g.Verdict == entitlement.Eligible) {
				t.Fatalf("standing %v with verdict %s", g.Standing, g.Verdict)
			}
		}
	})
}

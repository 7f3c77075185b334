package azure_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/azure"
)

func TestEvaluate_badInput(t *testing.T) {
	const role = `[{"name":"r1","roleName":"R","permissions":[{"actions":["*"]}]}]`
	cases := map[string]struct {
		roles, assignments, eligible, deny string
		want                               string
	}{
		"no roles":              {want: "azure: no role definitions given"},
		"roles not JSON":        {roles: "[\n {\"name\": \"r1\",\n  oops}]", want: "roles.json:3:3: invalid character 'o'"},
		"roles of another kind": {roles: `{"bindings": []}`, want: `roles.json: want a JSON array, or an object with a "value" or "data" array`},
		"roles empty":           {roles: `[]`, want: "roles.json: no role definitions"},
		"actions not a list":    {roles: `[{"name":"r1","roleName":"R","permissions":[{"actions":"*"}]}]`, want: "roles.json: [0]: permissions.actions: want []string, got JSON string"},
		"role without id":       {roles: `[{"roleName":"R","permissions":[]}]`, want: "roles.json: [0]: role definition without a name (GUID) or id"},
		"not a role":            {roles: `[{"name":"x"}]`, want: "roles.json: [0]: role definition x has neither roleName nor permissions"},
		"assignment without principal": {roles: role,
			assignments: `[{"principalId":"p","roleDefinitionName":"R","scope":"/"},{"roleDefinitionName":"R","scope":"/"}]`,
			want:        "assignments.json: [1]: no principalId"},
		"assignment without scope": {roles: role,
			assignments: `[{"principalId":"p","roleDefinitionName":"R"}]`,
			want:        "assignments.json: [0]: no scope"},
		"assignment without role": {roles: role,
			assignments: `{"value":[{"properties":{"principalId":"p","scope":"/"}}]}`,
			want:        "assignments.json: [0]: no roleDefinitionId or roleDefinitionName"},
		"assignment file truncated": {roles: role, assignments: `[{"principalId":"p",`, want: "assignments.json:1:20: unexpected end of JSON input"},
		"eligibility of the wrong shape": {roles: role,
			eligible: `{"value":[{"properties":{"principalId":7}}]}`,
			want:     "eligible.json: [0]: properties.principalId: want string, got JSON number"},
		"deny file holding an assignment": {roles: role, assignments: `[]`,
			deny: `[{"principalId":"p","roleDefinitionName":"R","scope":"/"}]`,
			want: "deny.json: [0]: not a deny assignment"},
		"deny without scope": {roles: role, assignments: `[]`,
			deny: `[{"properties":{"denyAssignmentName":"d","principals":[{"id":"p"}]}}]`,
			want: "deny.json: [0]: deny assignment without a scope"},
		"deny without principals": {roles: role, assignments: `[]`,
			deny: `[{"properties":{"denyAssignmentName":"d","scope":"/"}}]`,
			want: "deny.json: [0]: deny assignment without principals"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			file := func(n, s string) azure.File { return azure.File{Name: n, Data: []byte(s)} }
			_, err := azure.Evaluate(azure.Input{
				Roles:       file("roles.json", c.roles),
				Assignments: file("assignments.json", c.assignments),
				Eligible:    file("eligible.json", c.eligible),
				Deny:        file("deny.json", c.deny),
			})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

// Records that are neither assignments nor eligibility are skipped and
// said so, not taken for grants.
func TestEvaluate_skippedRecords(t *testing.T) {
	roles := `[{"name":"r1","roleName":"R","permissions":[{"actions":["Microsoft.Compute/snapshots/write"]}]}]`
	assignments := `{"data":[
		{"type":"microsoft.authorization/roledefinitions","properties":{"roleName":"X"}},
		{"type":"microsoft.authorization/roleassignments","properties":{"principalId":"P1","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/R1","scope":"/subscriptions/s"}}]}`
	eligible := `{"value":[{"type":"Microsoft.Authorization/roleAssignmentScheduleInstances","properties":{"principalId":"p2","roleDefinitionId":"/r1","scope":"/"}}]}`
	rep, err := azure.Evaluate(azure.Input{
		Roles:       azure.File{Name: "roles.json", Data: []byte(roles)},
		Assignments: azure.File{Name: "arg.json", Data: []byte(assignments)},
		Eligible:    azure.File{Name: "pim.json", Data: []byte(eligible)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Principals != 1 || len(rep.Grants) != 1 {
		t.Fatalf("principals %d grants %+v", rep.Principals, rep.Grants)
	}
	// Object ids compare and print lower-cased; GUIDs of role ids too.
	if g := rep.Grants[0]; g.Principal != "p1" || g.Capability != "create" || g.Scope != "/subscriptions/s" || g.PrincipalType != "unknown" {
		t.Errorf("grant %+v", g)
	}
	notes := strings.Join(rep.Notes, "\n")
	for _, want := range []string{"arg.json: 1 role definitions in the assignment export skipped", "pim.json: 1 records of the eligibility export that are not eligibility schedules"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// The other shapes the exports come in: Get-AzRoleAssignment's PascalCase
// objects, a time-bound active schedule instance, a PIM eligibility a
// group gives.
func TestEvaluate_exportShapes(t *testing.T) {
	roles := `{"value":[{"id":"/providers/Microsoft.Authorization/roleDefinitions/R1","name":"R1","type":"Microsoft.Authorization/roleDefinitions",
		"properties":{"roleName":"Snapper","type":"CustomRole","assignableScopes":["/subscriptions/s"],"permissions":[{"actions":["Microsoft.Compute/snapshots/write"]}]}}]}`
	assignments := `[
		{"RoleAssignmentId":"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x1","Scope":"/subscriptions/s","DisplayName":"Ann","SignInName":"ann@contoso.example","RoleDefinitionName":"Snapper","RoleDefinitionId":"r1","ObjectId":"ANN","ObjectType":"User"},
		{"name":"x2","type":"Microsoft.Authorization/roleAssignmentScheduleInstances","properties":{"principalId":"ben","principalType":"ServicePrincipal","roleDefinitionId":"/x/R1","scope":"/subscriptions/s/resourceGroups/g","endDateTime":"2030-01-01T00:00:00Z"}}]`
	eligible := `[{"name":"x3","properties":{"principalId":"cal","roleDefinitionId":"/x/r1","scope":"/subscriptions/s","memberType":"Group","expandedProperties":{"principal":{"displayName":"Cal","type":"User"}}}}]`
	rep, err := azure.Evaluate(azure.Input{
		Roles:       azure.File{Name: "roles.json", Data: []byte(roles)},
		Assignments: azure.File{Name: "assignments.json", Data: []byte(assignments)},
		Eligible:    azure.File{Name: "eligible.json", Data: []byte(eligible)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(rep)
	want := map[string]struct {
		ptype   string
		verdict string
		via     string
	}{
		"ann create": {"user", "ALLOW", "assignment x1 to ann@contoso.example at /subscriptions/s (subscription)"},
		"ben create": {"service_principal", "ALLOW", "assignment x2 at /subscriptions/s/resourceGroups/g (resource group), until 2030-01-01T00:00:00Z"},
		"cal create": {"user", "ELIGIBLE", "eligible (PIM) assignment x3 to Cal at /subscriptions/s (subscription), member type Group"},
	}
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("no grant %s", key)
			continue
		}
		if g.PrincipalType != w.ptype || string(g.Verdict) != w.verdict || len(g.Via) != 3 || g.Via[2] != w.via || g.Via[0] != "role Snapper (r1, custom)" {
			t.Errorf("%s: %s %s %q; want %s %s …%q", key, g.PrincipalType, g.Verdict, g.Via, w.ptype, w.verdict, w.via)
		}
	}
}

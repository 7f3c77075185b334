package azure_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/azure"
)

func testFile(tb testing.TB, name string) azure.File {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return azure.File{Name: name, Data: data}
}

func fullInput(tb testing.TB) azure.Input {
	tb.Helper()
	return azure.Input{
		Roles:       testFile(tb, "roles.json"),
		Assignments: testFile(tb, "assignments.json"),
		Eligible:    testFile(tb, "eligible.json"),
		Deny:        testFile(tb, "deny.json"),
	}
}

func byKey(rep *entitlement.Report) map[string]entitlement.Grant {
	out := map[string]entitlement.Grant{}
	for _, g := range rep.Grants {
		out[g.Principal+" "+string(g.Capability)] = g
	}
	return out
}

const (
	owner       = "role Owner (8e3af657-a8ff-443c-a75c-2fe8c4bcb635, built-in)"
	contributor = "role Contributor (b24988ac-6180-42a0-ab88-20f7382dd24c, built-in)"
	diskSnap    = "role Disk Snapshot Contributor (7efff54f-a5b4-42b5-a1c5-5411624893ce, built-in)"
)

type want struct {
	principal  string
	capability entitlement.Capability
	verdict    entitlement.Verdict
	scope      string
	ptype      string
	standing   bool
	indirect   bool
	via        []string // the whole chain, when set
	viaHas     []string // elements the chain must hold, when via is not set
	conds      []string
}

func TestEvaluate_rules(t *testing.T) {
	rep, err := azure.Evaluate(fullInput(t))
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(rep)
	cases := map[string]want{
		"role at a resource group": {
			principal: "alice-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope: "/subscriptions/s1/resourceGroups/rg1",
			via: []string{contributor, `permissions[0].actions "*" matches Microsoft.Compute/snapshots/write`,
				"assignment a0000 to alice@contoso.example at /subscriptions/s1/resourceGroups/rg1 (resource group)"},
		},
		"union across roles: Contributor lacks gallery share, a second role has it": {
			principal: "bob-oid", capability: entitlement.Share, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope: "/subscriptions/s1",
			via: []string{contributor, `permissions[0].actions "*" matches Microsoft.Compute/snapshots/beginGetAccess/action`,
				"assignment a0001 to bob@contoso.example at /subscriptions/s1 (subscription)",
				"also: Compute Gallery Sharing Admin at /subscriptions/s1/resourceGroups/rg2, ALLOW"},
		},
		"AND requirement met by two roles at two scopes": {
			principal: "carol-oid", capability: entitlement.Restore, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope: "/subscriptions/s1/resourceGroups/rg1",
			via: []string{"role Compute Operator (c0000000-0000-0000-0000-000000000001, custom)",
				`permissions[0].actions "Microsoft.Compute/*" matches Microsoft.Compute/disks/write`,
				"assignment a0003 to carol@contoso.example at /subscriptions/s1/resourceGroups/rg1 (resource group)",
				`with Microsoft.Compute/snapshots/read from role Reader (acdd72a7-3385-48ef-bd42-f606fba81ae7, built-in); permissions[0].actions "*/read" matches Microsoft.Compute/snapshots/read; assignment a0004 to carol@contoso.example at /subscriptions/s1 (subscription)`},
		},
		"management group scope, service principal": {
			principal: "eve-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "service_principal", standing: true,
			scope: "/providers/Microsoft.Management/managementGroups/mg1",
			via: []string{owner, `permissions[0].actions "*" matches Microsoft.Compute/snapshots/write`,
				"assignment a0006 to eve at /providers/Microsoft.Management/managementGroups/mg1 (management group)"},
		},
		"Owner has no dataActions: read-data only by assigning itself a role": {
			principal: "eve-oid", capability: entitlement.ReadData, verdict: entitlement.Allow, ptype: "service_principal", standing: true, indirect: true,
			scope: "/providers/Microsoft.Management/managementGroups/mg1",
			via: []string{owner, `permissions[0].actions "*" matches Microsoft.Authorization/roleAssignments/write`,
				"assignment a0006 to eve at /providers/Microsoft.Management/managementGroups/mg1 (management group)",
				"can assign itself any role at /providers/Microsoft.Management/managementGroups/mg1 (management group)",
				"and so Microsoft.Compute/snapshots/download/action: read a snapshot's bytes (data plane, Entra-authorised SAS)"},
		},
		"delegation condition restricts role assignment only": {
			principal: "frank-oid", capability: entitlement.AdminEquivalent, verdict: entitlement.Conditional, ptype: "user", standing: true,
			scope: "/subscriptions/s2",
			via: []string{owner, `permissions[0].actions "*" matches Microsoft.Authorization/roleAssignments/write`,
				"assignment a0007 to frank@contoso.example at /subscriptions/s2 (subscription)",
				"under the assignment's condition",
				"can assign itself any role at /subscriptions/s2 (subscription)"},
			conds: []string{"@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId]"},
		},
		"delegation condition leaves snapshot operations alone": {
			principal: "frank-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s2",
			viaHas: []string{`permissions[0].actions "*" matches Microsoft.Compute/snapshots/write`},
		},
		"ABAC condition on a data action": {
			principal: "grace-oid", capability: entitlement.ReadData, verdict: entitlement.Conditional, ptype: "user", standing: true,
			scope: "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1",
			via: []string{"role Blob Operator (c0000000-0000-0000-0000-000000000007, custom)",
				`permissions[0].dataActions "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*" matches Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read`,
				"assignment a0008 to grace@contoso.example at /subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1 (resource)",
				"under the assignment's condition"},
			conds: []string{"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name]"},
		},
		"group principal": {
			principal: "ops-group-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "group", standing: true,
			scope:  "/subscriptions/s1/resourceGroups/rg1",
			viaHas: []string{diskSnap, "assignment a0009 to ops-group at /subscriptions/s1/resourceGroups/rg1 (resource group)"},
		},
		"deny assignment at the subscription caps a resource group grant": {
			principal: "heidi-oid", capability: entitlement.Create, verdict: entitlement.Denied, ptype: "user", standing: true,
			scope: "/subscriptions/s3/resourceGroups/rg9",
			via: []string{diskSnap, `permissions[0].actions "Microsoft.Compute/snapshots/write" matches Microsoft.Compute/snapshots/write`,
				"assignment a0010 to heidi@contoso.example at /subscriptions/s3/resourceGroups/rg9 (resource group)",
				"deny assignment no-snapshots-in-s3 at /subscriptions/s3 (subscription) denies Microsoft.Compute/snapshots/write"},
		},
		"a deny of snapshots leaves disk SAS export": {
			principal: "heidi-oid", capability: entitlement.Export, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s3/resourceGroups/rg9",
			viaHas: []string{`permissions[0].actions "Microsoft.Compute/disks/beginGetAccess/action" matches Microsoft.Compute/disks/beginGetAccess/action`},
		},
		"deny assignment at a sibling resource group does not apply": {
			principal: "ivan-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s3/resourceGroups/rg8",
			viaHas: []string{diskSnap},
		},
		"excluded from an everyone deny": {
			principal: "judy-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s3/resourceGroups/rg7",
			viaHas: []string{diskSnap},
		},
		"everyone deny": {
			principal: "kate-oid", capability: entitlement.Create, verdict: entitlement.Denied, ptype: "user", standing: true,
			scope:  "/subscriptions/s3/resourceGroups/rg7",
			viaHas: []string{"deny assignment managed-app-lock at /subscriptions/s3/resourceGroups/rg7 (resource group) denies Microsoft.Compute/snapshots/write"},
		},
		"PIM eligible": {
			principal: "kim-oid", capability: entitlement.Create, verdict: entitlement.Eligible, ptype: "user", standing: false,
			scope: "/subscriptions/s1",
			via: []string{owner, `permissions[0].actions "*" matches Microsoft.Compute/snapshots/write`,
				"eligible (PIM) assignment e0001 to Kim at /subscriptions/s1 (subscription), until 2025-11-01T10:00:00Z"},
		},
		"PIM eligible admin": {
			principal: "kim-oid", capability: entitlement.AdminEquivalent, verdict: entitlement.Eligible, ptype: "user", standing: false,
			scope:  "/subscriptions/s1",
			viaHas: []string{"can assign itself any role at /subscriptions/s1 (subscription)"},
		},
		"standing grant wins over a wider eligible one, which is named": {
			principal: "leo-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope: "/subscriptions/s1/resourceGroups/rg1",
			via: []string{contributor, `permissions[0].actions "*" matches Microsoft.Compute/snapshots/write`,
				"assignment a0014 to leo@contoso.example at /subscriptions/s1/resourceGroups/rg1 (resource group)",
				"also: Disk Snapshot Contributor at /subscriptions/s1 (eligible), ELIGIBLE"},
		},
		"roleDefinitions/write on a custom role it holds": {
			principal: "mallory-oid", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s1",
			viaHas: []string{"can add any operation to custom role Role Author (c0000000-0000-0000-0000-000000000005, custom), which it holds by assignment a0015 to mallory@contoso.example at /subscriptions/s1 (subscription)"},
		},
		"widening a custom role held at a resource group": {
			principal: "nora-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true, indirect: true,
			scope: "/subscriptions/s1/resourceGroups/rg1",
			via: []string{"role Role Definition Writer (c0000000-0000-0000-0000-000000000008, built-in)",
				`permissions[0].actions "Microsoft.Authorization/roleDefinitions/*" matches Microsoft.Authorization/roleDefinitions/write`,
				"assignment a0024 to nora@contoso.example at /subscriptions/s1 (subscription)",
				"can add any operation to custom role Helpdesk (c0000000-0000-0000-0000-000000000006, custom), which it holds by assignment a0025 to nora@contoso.example at /subscriptions/s1/resourceGroups/rg1 (resource group)",
				"and so Microsoft.Compute/snapshots/write: snapshot a managed disk"},
		},
		"wildcard inside an action": {
			principal: "nina-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s1",
			viaHas: []string{`permissions[0].actions "Microsoft.Compute/*/write" matches Microsoft.Compute/snapshots/write`},
		},
		"operations match whatever their case": {
			principal: "oscar-oid", capability: entitlement.Export, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s1",
			viaHas: []string{`permissions[0].actions "microsoft.compute/SNAPSHOTS/beginGetAccess/ACTION" matches Microsoft.Compute/snapshots/beginGetAccess/action`},
		},
		"notActions subtract within their block only": {
			principal: "pat-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s1",
			viaHas: []string{`permissions[1].actions "Microsoft.Compute/snapshots/write" matches Microsoft.Compute/snapshots/write`},
		},
		"dataActions": {
			principal: "quinn-oid", capability: entitlement.ReadData, verdict: entitlement.Allow, ptype: "user", standing: true,
			scope:  "/subscriptions/s1",
			viaHas: []string{`permissions[0].dataActions "Microsoft.Compute/snapshots/download/action" matches Microsoft.Compute/snapshots/download/action`},
		},
		"User Access Administrator grants itself": {
			principal: "sam-oid", capability: entitlement.Create, verdict: entitlement.Allow, ptype: "user", standing: true, indirect: true,
			scope: "/subscriptions/s1",
			via: []string{"role User Access Administrator (18d7d88d-d35e-4fb5-a5c3-7773c20a72d9, built-in)",
				`permissions[0].actions "Microsoft.Authorization/*" matches Microsoft.Authorization/roleAssignments/write`,
				"assignment a0022 to sam@contoso.example at /subscriptions/s1 (subscription)",
				"can assign itself any role at /subscriptions/s1 (subscription)",
				"and so Microsoft.Compute/snapshots/write: snapshot a managed disk"},
		},
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			g, ok := got[w.principal+" "+string(w.capability)]
			if !ok {
				t.Fatalf("no %s grant for %s", w.capability, w.principal)
			}
			if g.Verdict != w.verdict || g.Scope != w.scope || g.Standing != w.standing || g.Indirect != w.indirect || g.PrincipalType != w.ptype {
				t.Errorf("got verdict %s scope %q standing %v indirect %v type %s; want %s %q %v %v %s",
					g.Verdict, g.Scope, g.Standing, g.Indirect, g.PrincipalType, w.verdict, w.scope, w.standing, w.indirect, w.ptype)
			}
			if w.via != nil && !slices.Equal(g.Via, w.via) {
				t.Errorf("via:\n got %q\nwant %q", g.Via, w.via)
			}
			for _, v := range w.viaHas {
				if !slices.Contains(g.Via, v) {
					t.Errorf("via %q lacks %q", g.Via, v)
				}
			}
			if !slices.Equal(g.Conditions, w.conds) {
				t.Errorf("conditions %q, want %q", g.Conditions, w.conds)
			}
			if g.Cloud != "azure" || g.ID != entitlement.GrantID("azure", w.principal, w.capability) {
				t.Errorf("cloud %q id %q", g.Cloud, g.ID)
			}
		})
	}
}

func TestEvaluate_notGranted(t *testing.T) {
	rep, err := azure.Evaluate(fullInput(t))
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(rep)
	absent := map[string][]entitlement.Capability{
		// Contributor's notActions take Microsoft.Authorization/*/Write
		// (any case) and data actions are not actions.
		"alice-oid": {entitlement.AdminEquivalent, entitlement.ReadData},
		// notActions of a custom role; disks/write without snapshots/read.
		"dave-oid":  {entitlement.Create, entitlement.Copy, entitlement.Restore},
		"carol-oid": {entitlement.Create, entitlement.Copy},
		// a data action does not give the action of the same name.
		"quinn-oid": {entitlement.Export, entitlement.Create},
		// roleDefinitions/write without a custom role to widen.
		"omar-oid": entitlement.Capabilities,
		// Reader, and an assignment of a role the export lacks.
		"ted-oid":  entitlement.Capabilities,
		"rita-oid": entitlement.Capabilities,
	}
	for p, caps := range absent {
		for _, c := range caps {
			if g, ok := got[p+" "+string(c)]; ok {
				t.Errorf("%s holds %s: %s via %q", p, c, g.Verdict, g.Via)
			}
		}
	}
	// Everyone assigned or eligible is counted, holding something or not.
	if rep.Principals != 24 {
		t.Errorf("principals = %d, want 24", rep.Principals)
	}
	var unknown bool
	for _, n := range rep.Notes {
		unknown = unknown || strings.Contains(n, "1 assignments name a role the role definitions do not hold (first: /subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/dead0000-0000-0000-0000-000000000000)")
	}
	if !unknown {
		t.Errorf("no note of the unknown role in %q", rep.Notes)
	}
}

func TestEvaluate_roleOnly(t *testing.T) {
	rep, err := azure.Evaluate(azure.Input{Roles: testFile(t, "roles.json")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Principals != 15 {
		t.Errorf("principals = %d, want one per role (15)", rep.Principals)
	}
	got := byKey(rep)
	g, ok := got["role:Compute Operator restore"]
	if ok {
		t.Errorf("Compute Operator alone restores: %q", g.Via)
	}
	g, ok = got["role:Disk Snapshot Contributor create"]
	if !ok {
		t.Fatal("Disk Snapshot Contributor does not create")
	}
	wantVia := []string{diskSnap, `permissions[0].actions "Microsoft.Compute/snapshots/write" matches Microsoft.Compute/snapshots/write`, "assignable at /"}
	if g.Verdict != entitlement.Allow || g.PrincipalType != "role" || g.Scope != "/" || !slices.Equal(g.Via, wantVia) {
		t.Errorf("got %s %s %q %q", g.Verdict, g.PrincipalType, g.Scope, g.Via)
	}
	g = got["role:Helpdesk admin-equivalent"]
	if g.Verdict != "" {
		t.Errorf("Helpdesk is admin-equivalent: %q", g.Via)
	}
	g = got["role:Role Author admin-equivalent"]
	if g.Verdict != entitlement.Allow || g.Scope != "/subscriptions/s1" {
		t.Errorf("Role Author admin-equivalent: %s %q %q", g.Verdict, g.Scope, g.Via)
	}
	if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], `"role:NAME"`) {
		t.Errorf("notes %q do not say roles are evaluated as principals", rep.Notes)
	}
}

func TestEvaluate_deterministic(t *testing.T) {
	a, err := azure.Evaluate(fullInput(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := azure.Evaluate(fullInput(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Grants) != len(b.Grants) {
		t.Fatalf("%d grants, then %d", len(a.Grants), len(b.Grants))
	}
	for i := range a.Grants {
		if a.Grants[i].ID != b.Grants[i].ID || !slices.Equal(a.Grants[i].Via, b.Grants[i].Via) {
			t.Fatalf("grant %d differs: %+v / %+v", i, a.Grants[i], b.Grants[i])
		}
	}
}

// A deny assignment with doNotApplyToChildScopes caps grants at its own
// scope, not below it; notActions of a deny leave operations alone.
func TestEvaluate_denyScope(t *testing.T) {
	roles := `[{"name":"r1","roleName":"Snapper","permissions":[{"actions":["Microsoft.Compute/snapshots/*"]}]}]`
	assignments := `[
		{"name":"at-sub","principalId":"p1","roleDefinitionId":"/r1","scope":"/subscriptions/s"},
		{"name":"at-rg","principalId":"p2","roleDefinitionId":"/r1","scope":"/subscriptions/s/resourceGroups/g"}]`
	deny := `[{"properties":{"denyAssignmentName":"here-only","scope":"/subscriptions/s","doNotApplyToChildScopes":true,
		"principals":[{"id":"00000000-0000-0000-0000-000000000000","type":"SystemDefined"}],
		"permissions":[{"actions":["Microsoft.Compute/*"],"notActions":["Microsoft.Compute/snapshots/beginGetAccess/action"]}]}}]`
	rep, err := azure.Evaluate(azure.Input{
		Roles:       azure.File{Name: "roles.json", Data: []byte(roles)},
		Assignments: azure.File{Name: "assignments.json", Data: []byte(assignments)},
		Deny:        azure.File{Name: "deny.json", Data: []byte(deny)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(rep)
	for key, want := range map[string]entitlement.Verdict{
		"p1 create": entitlement.Denied,
		"p1 export": entitlement.Allow,
		"p2 create": entitlement.Allow,
	} {
		if g := got[key]; g.Verdict != want {
			t.Errorf("%s: %s via %q, want %s", key, g.Verdict, g.Via, want)
		}
	}
	if via := got["p1 create"].Via; via[len(via)-1] != "deny assignment here-only at /subscriptions/s (subscription) denies Microsoft.Compute/snapshots/write" {
		t.Errorf("via %q", via)
	}
}

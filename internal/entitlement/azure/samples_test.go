package azure_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/azure"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// builtInRoles reads iann0036/iam-dataset's azure/built-in-roles-raw.json
// (MIT; see its LICENSE beside it), the 928 built-in roles as `az role
// definition list` prints them.
func builtInRoles(tb testing.TB) azure.File {
	tb.Helper()
	dir := testenv.Shared(tb, "samples")
	path := filepath.Join(dir, "iam", "azure", "iam-dataset", "built-in-roles-raw.json")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return azure.File{Name: path, Data: data}
}

// iam-capabilities.md §10: Microsoft.Compute/snapshots/write is held by
// exactly these built-in roles.
func TestEvaluate_builtInSnapshotWriters(t *testing.T) {
	rep, err := azure.Evaluate(azure.Input{Roles: builtInRoles(t)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Principals != 928 {
		t.Errorf("principals = %d, want the 928 roles", rep.Principals)
	}
	const writes = "matches Microsoft.Compute/snapshots/write"
	var holders []string
	for _, g := range rep.Grants {
		// The direct create grant names the first create operation it
		// meets, snapshots/write, whenever the role holds it at all.
		if g.Capability == entitlement.Create && !g.Indirect && len(g.Via) > 1 && strings.HasSuffix(g.Via[1], writes) {
			holders = append(holders, strings.TrimPrefix(g.Principal, "role:"))
			if g.Verdict != entitlement.Allow || g.Scope != "/" {
				t.Errorf("%s: %s at %q", g.Principal, g.Verdict, g.Scope)
			}
		}
	}
	slices.Sort(holders)
	want := []string{"Azure Red Hat OpenShift Disk Storage Operator", "Contributor", "Disk Snapshot Contributor", "Elastic SAN Snapshot Exporter", "Owner"}
	if !slices.Equal(holders, want) {
		t.Errorf("snapshots/write holders:\n got %q\nwant %q", holders, want)
	}
}

// iam-capabilities.md §4 and §5: what some well-known built-in roles hold.
func TestEvaluate_builtInRoles(t *testing.T) {
	rep, err := azure.Evaluate(azure.Input{Roles: builtInRoles(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := byKey(rep)
	cases := []struct {
		role     string
		c        entitlement.Capability
		verdict  entitlement.Verdict // "" = not granted
		indirect bool
		viaPart  string
	}{
		{"Contributor", entitlement.Export, entitlement.Allow, false, "matches Microsoft.Compute/snapshots/beginGetAccess/action"},
		{"Contributor", entitlement.AdminEquivalent, "", false, ""},
		{"Contributor", entitlement.ReadData, "", false, ""},
		{"Owner", entitlement.AdminEquivalent, entitlement.Allow, false, "can assign itself any role at / (root)"},
		{"Owner", entitlement.ReadData, entitlement.Allow, true, "can assign itself any role at / (root)"},
		{"Reader", entitlement.Create, "", false, ""},
		{"Virtual Machine Contributor", entitlement.Create, entitlement.Allow, false, "matches Microsoft.Compute/virtualMachines/capture/action"},
		{"Compute Gallery Sharing Admin", entitlement.Share, entitlement.Allow, false, "matches Microsoft.Compute/galleries/share/action"},
		{"User Access Administrator", entitlement.Create, entitlement.Allow, true, "and so Microsoft.Compute/snapshots/write: snapshot a managed disk"},
		{"Data Operator for Managed Disks", entitlement.ReadData, entitlement.Allow, false, `dataActions "Microsoft.Compute/snapshots/download/action"`},
		// A delegation condition in the role itself (§ pitfall: conditions).
		{"Key Vault Data Access Administrator", entitlement.AdminEquivalent, entitlement.Conditional, false, "under the block's condition"},
	}
	for _, c := range cases {
		g, ok := got["role:"+c.role+" "+string(c.c)]
		if c.verdict == "" {
			if ok {
				t.Errorf("%s holds %s: %q", c.role, c.c, g.Via)
			}
			continue
		}
		if !ok {
			t.Errorf("%s does not hold %s", c.role, c.c)
			continue
		}
		if g.Verdict != c.verdict || g.Indirect != c.indirect || !slices.ContainsFunc(g.Via, func(v string) bool { return strings.Contains(v, c.viaPart) }) {
			t.Errorf("%s %s: %s indirect=%v via %q; want %s indirect=%v via with %q", c.role, c.c, g.Verdict, g.Indirect, g.Via, c.verdict, c.indirect, c.viaPart)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	in := azure.Input{Roles: builtInRoles(b)}
	b.SetBytes(int64(len(in.Roles.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := azure.Evaluate(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate_tenant: the built-in roles with a made-up tenant of
// principals, each with a few assignments at subscription, resource-group
// and resource scope, some eligible, and deny assignments.
func BenchmarkEvaluate_tenant(b *testing.B) {
	roles := builtInRoles(b)
	var defs []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(roles.Data, &defs); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("principals=%d", n), func(b *testing.B) {
			in := syntheticTenant(roles, defs, n)
			b.ReportAllocs()
			for b.Loop() {
				rep, err := azure.Evaluate(in)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(rep.Grants)), "grants")
			}
		})
	}
}

func syntheticTenant(roles azure.File, defs []struct {
	Name string `json:"name"`
}, principals int) azure.Input {
	rng := rand.New(rand.NewPCG(1, 2))
	scopes := []string{"/subscriptions/s1", "/subscriptions/s2/resourceGroups/rg%d", "/subscriptions/s3/resourceGroups/rg%d/providers/Microsoft.Compute/snapshots/snap%d"}
	type assignment struct {
		PrincipalID      string `json:"principalId"`
		PrincipalType    string `json:"principalType"`
		RoleDefinitionID string `json:"roleDefinitionId"`
		Scope            string `json:"scope"`
	}
	var standing, eligible []assignment
	for p := range principals {
		for k := range 3 {
			a := assignment{
				PrincipalID:      fmt.Sprintf("p%06d", p),
				PrincipalType:    "User",
				RoleDefinitionID: "/providers/Microsoft.Authorization/roleDefinitions/" + defs[rng.IntN(len(defs))].Name,
				Scope:            fmt.Sprintf(scopes[k], rng.IntN(50), rng.IntN(50)),
			}
			if rng.IntN(10) == 0 {
				eligible = append(eligible, a)
			} else {
				standing = append(standing, a)
			}
		}
	}
	var denies []map[string]any
	for i := range 50 {
		denies = append(denies, map[string]any{"properties": map[string]any{
			"denyAssignmentName": fmt.Sprintf("d%d", i),
			"scope":              fmt.Sprintf("/subscriptions/s2/resourceGroups/rg%d", i),
			"principals":         []map[string]string{{"id": "00000000-0000-0000-0000-000000000000"}},
			"permissions":        []map[string][]string{{"actions": {"Microsoft.Compute/snapshots/*"}}},
		}})
	}
	enc := func(v any) []byte {
		data, _ := json.Marshal(v)
		return data
	}
	return azure.Input{
		Roles:       roles,
		Assignments: azure.File{Name: "assignments.json", Data: enc(standing)},
		Eligible:    azure.File{Name: "eligible.json", Data: enc(eligible)},
		Deny:        azure.File{Name: "deny.json", Data: enc(denies)},
	}
}

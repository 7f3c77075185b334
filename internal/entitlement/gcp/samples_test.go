package gcp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/gcp"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// everyRole binds each predefined role of the shared data set to its own
// user in one project, user:<role name>@example.com.
func everyRole(tb testing.TB) (gcp.Input, []string) {
	tb.Helper()
	dir := testenv.Shared(tb, "samples")
	files, err := filepath.Glob(filepath.Join(dir, "iam", "gcp", "iam-dataset", "roles", "*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no role files under %s: %v", dir, err)
	}
	type binding struct {
		Role    string   `json:"role"`
		Members []string `json:"members"`
	}
	var policy struct {
		Bindings []binding `json:"bindings"`
		Etag     string    `json:"etag"`
	}
	var roles []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var def struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(data, &def); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		role := def.Name
		roles = append(roles, role)
		policy.Bindings = append(policy.Bindings, binding{Role: role, Members: []string{userOf(role)}})
	}
	policy.Etag = "BwY="
	data, err := json.Marshal(policy)
	if err != nil {
		tb.Fatal(err)
	}
	return gcp.Input{Policies: []gcp.PolicyFile{{File: gcp.File{Name: "every-role.json", Data: data}, Resource: gcp.Resource{Level: gcp.Project, ID: "p1"}}}}, roles
}

func userOf(role string) string { return "user:" + strings.TrimPrefix(role, "roles/") + "@example.com" }

// §10 and §5 of iam-capabilities.md over the predefined roles.
func TestEvaluate_predefinedRoles(t *testing.T) {
	in, roles := everyRole(t)
	start := time.Now()
	r := evaluate(t, in)
	t.Logf("%d roles → %d principals, %d grants in %v", len(roles), r.Principals, len(r.Grants), time.Since(start))
	if r.Principals != len(roles) {
		t.Errorf("principals %d, want %d", r.Principals, len(roles))
	}
	for _, n := range r.Notes {
		if strings.Contains(n, "is neither in the predefined role catalog") {
			t.Errorf("a data set role is missing from the catalog: %s", n)
		}
	}
	// Direct holders of the disk-snapshot AND-requirement, service agents
	// aside: exactly the roles holding compute.snapshots.create (§5), since
	// each of them also holds compute.disks.createSnapshot. (Holders of
	// setIamPolicy on the hierarchy get it too, indirect.)
	wantDisk := []string{"backupdr.computeEngineOperator", "cloudmigration.inframanager", "compute.admin", "compute.editor",
		"compute.instanceAdmin.v1", "compute.storageAdmin", "editor", "iam.infrastructureAdmin", "iam.networkAdmin",
		"iam.siteReliabilityEngineer", "notebooks.legacyAdmin", "owner"}
	var gotDisk []string
	for _, g := range r.Grants {
		if g.Capability == entitlement.Create && !g.Indirect && strings.HasPrefix(g.Via[0], "disk snapshot =") &&
			!strings.Contains(strings.ToLower(g.Principal), "serviceagent") {
			gotDisk = append(gotDisk, strings.TrimSuffix(strings.TrimPrefix(g.Principal, "user:"), "@example.com"))
		}
	}
	slices.Sort(gotDisk)
	if !slices.Equal(gotDisk, wantDisk) {
		t.Errorf("disk snapshot holders:\n got %q\nwant %q", gotDisk, wantDisk)
	}
	for _, w := range []want{
		// §10: instanceAdmin cannot create a snapshot; instanceAdmin.v1 can.
		{principal: userOf("roles/compute.instanceAdmin"), cap: entitlement.Create, verdict: entitlement.Allow,
			via: []string{"machine image", "project"}, notVia: []string{"disk snapshot"}},
		{principal: userOf("roles/compute.instanceAdmin.v1"), cap: entitlement.Create, verdict: entitlement.Allow,
			via: []string{diskSnapshot, "roles/compute.instanceAdmin.v1: compute.snapshots.create, compute.disks.createSnapshot"}},
		// §10, pitfall 15: viewer exports Cloud SQL data.
		{principal: userOf("roles/viewer"), cap: entitlement.Export, verdict: entitlement.Allow,
			via: []string{"Cloud SQL export = cloudsql.instances.export", "roles/viewer: cloudsql.instances.export", "also: Cloud SQL backup export"}},
		{principal: userOf("roles/viewer"), cap: entitlement.Create},
		{principal: userOf("roles/cloudsql.viewer"), cap: entitlement.Export, verdict: entitlement.Allow, via: []string{"roles/cloudsql.viewer: cloudsql.instances.export"}},
		// Admin-equivalent by permission; the rest through a self-grant.
		{principal: userOf("roles/resourcemanager.projectIamAdmin"), cap: entitlement.AdminEquivalent, verdict: entitlement.Allow,
			via: []string{"project IAM policy = resourcemanager.projects.setIamPolicy"}},
		{principal: userOf("roles/resourcemanager.projectIamAdmin"), cap: entitlement.Share, verdict: entitlement.Allow, indirect: true,
			via: []string{"snapshot IAM policy", "can grant itself any role"}},
		{principal: userOf("roles/owner"), cap: entitlement.AdminEquivalent, verdict: entitlement.Allow, via: []string{"roles/owner: resourcemanager.projects.setIamPolicy"}},
		{principal: userOf("roles/browser"), cap: entitlement.Create},
	} {
		w.check(t, r)
	}
	// Share (§5): compute.snapshots.setIamPolicy holders hold share first
	// through it, direct.
	for _, role := range []string{"owner", "compute.admin", "compute.instanceAdmin.v1", "compute.storageAdmin", "iam.securityAdmin"} {
		want{principal: userOf("roles/" + role), cap: entitlement.Share, verdict: entitlement.Allow,
			via: []string{"snapshot IAM policy = compute.snapshots.setIamPolicy", fmt.Sprintf("roles/%s: compute.snapshots.setIamPolicy", role)}}.check(t, r)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	b.Run("roles=all", func(b *testing.B) {
		in, _ := everyRole(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gcp.Evaluate(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("case=impersonate", func(b *testing.B) {
		in := loadCase(b, "impersonate")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gcp.Evaluate(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

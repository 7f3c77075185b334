package gcp_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// want is one expected grant; an empty verdict means no grant at all.
type want struct {
	principal string
	cap       entitlement.Capability
	verdict   entitlement.Verdict
	indirect  bool
	scope     string   // when set, exactly
	via       []string // each a substring of a via entry, in this order
	notVia    []string // substrings no via entry may hold
	conds     []string // substrings of the conditions, in order
}

func (w want) check(t *testing.T, r *entitlement.Report) {
	t.Helper()
	g := grant(r, w.principal, w.cap)
	if w.verdict == "" {
		if g != nil {
			t.Errorf("%s %s: got %s via %q, want no grant", w.principal, w.cap, g.Verdict, g.Via)
		}
		return
	}
	if g == nil {
		t.Errorf("%s %s: no grant, want %s", w.principal, w.cap, w.verdict)
		return
	}
	if g.Verdict != w.verdict || g.Indirect != w.indirect {
		t.Errorf("%s %s: got %s indirect=%v, want %s indirect=%v (via %q)", w.principal, w.cap, g.Verdict, g.Indirect, w.verdict, w.indirect, g.Via)
	}
	if w.scope != "" && g.Scope != w.scope {
		t.Errorf("%s %s: scope %q, want %q", w.principal, w.cap, g.Scope, w.scope)
	}
	if !inOrder(g.Via, w.via) {
		t.Errorf("%s %s: via %q\n\twant, in order, entries holding %q", w.principal, w.cap, g.Via, w.via)
	}
	for _, n := range w.notVia {
		if slices.ContainsFunc(g.Via, func(v string) bool { return strings.Contains(v, n) }) {
			t.Errorf("%s %s: via %q holds %q", w.principal, w.cap, g.Via, n)
		}
	}
	if !inOrder(g.Conditions, w.conds) || (len(w.conds) == 0 && len(g.Conditions) > 0) {
		t.Errorf("%s %s: conditions %q, want %q", w.principal, w.cap, g.Conditions, w.conds)
	}
	if g.ID != entitlement.GrantID(event.GCP, w.principal, w.cap) || g.Cloud != event.GCP || !g.Standing {
		t.Errorf("%s %s: id %q cloud %q standing %v", w.principal, w.cap, g.ID, g.Cloud, g.Standing)
	}
}

// inOrder reports whether each of subs is a substring of an entry of list,
// the entries in increasing order.
func inOrder(list, subs []string) bool {
	i := 0
	for _, s := range subs {
		for i < len(list) && !strings.Contains(list[i], s) {
			i++
		}
		if i == len(list) {
			return false
		}
		i++
	}
	return true
}

const (
	diskSnapshot = "disk snapshot = compute.snapshots.create AND compute.disks.createSnapshot"
	denyP1       = "denied at projects/p1 by policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp1/denypolicies/snapshot-guard"
)

func TestEvaluate_rules(t *testing.T) {
	tests := []struct {
		dir        string
		principals int
		notes      []string
		want       []want
	}{{
		dir: "and", principals: 8,
		want: []want{
			{principal: "user:both@example.com", cap: entitlement.Create, verdict: entitlement.Allow, scope: "projects/p1",
				via: []string{diskSnapshot, "projects/p1 bindings[1] projects/p1/roles/snapshotBoth: compute.snapshots.create, compute.disks.createSnapshot"}},
			// compute.snapshots.create alone is not enough.
			{principal: "user:half@example.com", cap: entitlement.Create},
			// The two halves from two bindings are.
			{principal: "user:split@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "bindings[3] projects/p1/roles/snapshotOnly: compute.snapshots.create", "bindings[2] projects/p1/roles/diskOnly: compute.disks.createSnapshot"}},
			// §10: instanceAdmin has compute.disks.createSnapshot without
			// compute.snapshots.create: no disk snapshot (a machine image, yes).
			{principal: "user:instance-admin@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via:    []string{"machine image = compute.machineImages.create AND compute.disks.createSnapshot AND compute.instances.useReadOnly", "roles/compute.instanceAdmin:"},
				notVia: []string{"disk snapshot"}},
			{principal: "user:instance-admin-v1@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "projects/p1 bindings[5] roles/compute.instanceAdmin.v1: compute.snapshots.create, compute.disks.createSnapshot", "also: machine image"}},
			// §10: viewer can export Cloud SQL data, and nothing else here.
			{principal: "user:viewer@example.com", cap: entitlement.Export, verdict: entitlement.Allow,
				via: []string{"Cloud SQL export = cloudsql.instances.export", "projects/p1 bindings[6] roles/viewer: cloudsql.instances.export"}},
			{principal: "user:viewer@example.com", cap: entitlement.Create},
			{principal: "user:viewer@example.com", cap: entitlement.Restore},
			{principal: "user:logs@example.com", cap: entitlement.Export},
		},
	}, {
		dir: "inherit", principals: 6,
		notes: []string{"roles/compute.snapshotSchedulerServiceAgent", "1 group(s) without a membership export (group:storage@example.com)"},
		want: []want{
			{principal: "group:storage@example.com", cap: entitlement.Create, verdict: entitlement.Allow, scope: "organizations/100",
				via: []string{diskSnapshot, "organizations/100 bindings[0] roles/compute.storageAdmin: compute.snapshots.create, compute.disks.createSnapshot"}},
			{principal: "user:folder-admin@example.com", cap: entitlement.Create, verdict: entitlement.Allow, scope: "folders/200",
				via: []string{diskSnapshot, "folders/200 bindings[0] roles/compute.instanceAdmin.v1"}},
			{principal: "user:p2-admin@example.com", cap: entitlement.Share, verdict: entitlement.Allow, scope: "projects/p2",
				via: []string{"snapshot IAM policy", "projects/p2 bindings[0] roles/compute.instanceAdmin.v1: compute.snapshots.setIamPolicy"}},
			// Denied under folder 200 (p1), allowed in p2, which sits
			// directly under the organization.
			{principal: "user:dba@example.com", cap: entitlement.Create, verdict: entitlement.Allow, scope: "organizations/100",
				via: []string{"Cloud SQL backup = cloudsql.backupRuns.create", "organizations/100 bindings[2] roles/cloudsql.admin: cloudsql.backupRuns.create",
					"except where denied at folders/200 by policies/cloudresourcemanager.googleapis.com%2Ffolders%2F200/denypolicies/no-sql-backups rules[0]: cloudsql.backupRuns.create"}},
			{principal: "user:dba@example.com", cap: entitlement.Export, verdict: entitlement.Allow, notVia: []string{"denied"}},
			{principal: "domain:example.com", cap: entitlement.Create},
		},
	}, {
		dir: "condition", principals: 3,
		want: []want{
			{principal: "user:temp@example.com", cap: entitlement.Create, verdict: entitlement.Conditional,
				via:   []string{diskSnapshot, `projects/p1 bindings[0] roles/compute.storageAdmin if "until-2026" (request.time < timestamp("2026-01-01T00:00:00Z")): compute.snapshots.create, compute.disks.createSnapshot`},
				conds: []string{`"until-2026" (request.time < timestamp("2026-01-01T00:00:00Z"))`}},
			// An unconditional binding of the same role wins.
			{principal: "user:both@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "projects/p1 bindings[2] roles/compute.storageAdmin:"}, notVia: []string{"prod-only"}},
			// Half unconditional, half conditional: conditional.
			{principal: "user:mixed@example.com", cap: entitlement.Create, verdict: entitlement.Conditional,
				via:   []string{diskSnapshot, "bindings[3] projects/p1/roles/snapshotOnly: compute.snapshots.create", `bindings[4] roles/compute.instanceAdmin if "weekdays"`},
				conds: []string{`"weekdays"`}},
		},
	}, {
		dir: "deny", principals: 5,
		notes: []string{"principalSet://goog/cloudIdentityCustomerId/C01abc cannot be matched"},
		want: []want{
			// exceptionPrincipals
			{principal: "user:alice@example.com", cap: entitlement.Create, verdict: entitlement.Allow, via: []string{diskSnapshot}, notVia: []string{"denied"}},
			{principal: "user:bob@example.com", cap: entitlement.Create, verdict: entitlement.Denied,
				via: []string{diskSnapshot, "projects/p1 bindings[0] projects/p1/roles/snapshotBoth: compute.snapshots.create, compute.disks.createSnapshot", denyP1 + " rules[0]: compute.snapshots.create"}},
			// exceptionPermissions: snapshots.* but not setIamPolicy.
			{principal: "user:carol@example.com", cap: entitlement.Share, verdict: entitlement.Allow,
				via: []string{"snapshot IAM policy = compute.snapshots.setIamPolicy", "roles/compute.storageAdmin: compute.snapshots.setIamPolicy"}, notVia: []string{"denied"}},
			{principal: "user:carol@example.com", cap: entitlement.Restore, verdict: entitlement.Allow,
				via: []string{"disk from an image = compute.disks.create AND compute.images.useReadOnly", "denied: disk from a snapshot"}},
			{principal: "user:carol@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{"image from a disk", "denied: disk snapshot"}},
			// A conditional deny leaves a conditional grant.
			{principal: "group:contractors@example.com", cap: entitlement.Copy, verdict: entitlement.Conditional,
				via:   []string{"image from a snapshot", denyP1 + ` rules[2] if "tagged prod" (resource.matchTag('100/env', 'prod')): compute.images.create`},
				conds: []string{`unless "tagged prod"`}},
			// Wildcard *.setIamPolicy on a service account.
			{principal: "serviceAccount:ci@p1.iam.gserviceaccount.com", cap: entitlement.Share, verdict: entitlement.Denied,
				via: []string{"snapshot IAM policy", denyP1 + " rules[3]: compute.snapshots.setIamPolicy"}},
		},
	}, {
		dir: "impersonate", principals: 6,
		want: []want{
			{principal: "serviceAccount:backup@p1.iam.gserviceaccount.com", cap: entitlement.Create, verdict: entitlement.Allow, via: []string{diskSnapshot}},
			// Token creator on the project reaches its service accounts.
			{principal: "user:ops@example.com", cap: entitlement.Create, verdict: entitlement.Allow, indirect: true, scope: "projects/p1",
				via: []string{"acts as serviceAccount:backup@p1.iam.gserviceaccount.com with iam.serviceAccounts.getAccessToken",
					"projects/p1 bindings[2] roles/iam.serviceAccountTokenCreator: iam.serviceAccounts.getAccessToken",
					diskSnapshot, "projects/p1 bindings[0] roles/compute.storageAdmin"}},
			// actAs on the service account's own policy, under a condition.
			{principal: "user:dev@example.com", cap: entitlement.Create, verdict: entitlement.Conditional, indirect: true,
				via:   []string{"acts as serviceAccount:backup@p1.iam.gserviceaccount.com with iam.serviceAccounts.actAs", `serviceAccounts/backup@p1.iam.gserviceaccount.com bindings[0] roles/iam.serviceAccountUser if "business hours"`, diskSnapshot},
				conds: []string{`"business hours"`}},
			// Its own viewer role stays direct.
			{principal: "user:dev@example.com", cap: entitlement.Export, verdict: entitlement.Allow, via: []string{"roles/viewer"}},
			// Two hops: hopper → relay → backup.
			{principal: "user:hopper@example.com", cap: entitlement.Create, verdict: entitlement.Allow, indirect: true,
				via: []string{"acts as serviceAccount:relay@p2.iam.gserviceaccount.com", "serviceAccounts/relay@p2.iam.gserviceaccount.com bindings[0]",
					"acts as serviceAccount:backup@p1.iam.gserviceaccount.com", "serviceAccounts/backup@p1.iam.gserviceaccount.com bindings[2]", diskSnapshot}},
			// A direct grant beats the same through impersonation.
			{principal: "serviceAccount:deployer@p1.iam.gserviceaccount.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "roles/compute.admin"}, notVia: []string{"acts as"}},
		},
	}, {
		dir: "admin", principals: 8,
		notes: []string{
			"role roles/compute.snapshotsEverything (first at projects/p1 bindings[6]) is neither in the predefined role catalog nor in the custom role exports",
			"1 deleted principal(s)",
		},
		want: []want{
			{principal: "user:iam-admin@example.com", cap: entitlement.AdminEquivalent, verdict: entitlement.Allow,
				via: []string{"project IAM policy = resourcemanager.projects.setIamPolicy", "projects/p1 bindings[0] roles/resourcemanager.projectIamAdmin: resourcemanager.projects.setIamPolicy"}},
			// It can bind itself to any role.
			{principal: "user:iam-admin@example.com", cap: entitlement.Create, verdict: entitlement.Allow, indirect: true,
				via: []string{diskSnapshot, "can grant itself any role: projects/p1 bindings[0] roles/resourcemanager.projectIamAdmin: compute.snapshots.create, compute.disks.createSnapshot"}},
			{principal: "user:owner@example.com", cap: entitlement.AdminEquivalent, verdict: entitlement.Allow, via: []string{"roles/owner"}},
			{principal: "user:owner@example.com", cap: entitlement.Create, verdict: entitlement.Allow, via: []string{diskSnapshot, "roles/owner"}, notVia: []string{"grant itself"}},
			// Admin by permissions, not by the role's name.
			{principal: "serviceAccount:reader@p1.iam.gserviceaccount.com", cap: entitlement.AdminEquivalent, verdict: entitlement.Allow,
				via: []string{"projects/p1 bindings[2] projects/p1/roles/reader: resourcemanager.projects.setIamPolicy"}},
			{principal: "user:tinker@example.com", cap: entitlement.AdminEquivalent, verdict: entitlement.Allow,
				via: []string{"update of custom role projects/p1/roles/tinker it holds = iam.roles.update at projects/p1", "projects/p1 bindings[4] roles/iam.roleAdmin: iam.roles.update", "holds it through projects/p1 bindings[3] projects/p1/roles/tinker"}},
			{principal: "user:role-admin-only@example.com", cap: entitlement.AdminEquivalent},
			{principal: "deleted:user:gone@example.com?uid=123456", cap: entitlement.Create},
			{principal: "user:future@example.com", cap: entitlement.Create},
			// A deleted custom role grants nothing.
			{principal: "user:retired@example.com", cap: entitlement.AdminEquivalent},
		},
	}, {
		dir: "groups", principals: 8,
		notes: []string{"1 group(s) without a membership export (group:empty@example.com)"},
		want: []want{
			{principal: "group:storage@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "projects/p1 bindings[0] roles/compute.storageAdmin"}, notVia: []string{"through"}},
			{principal: "user:alice@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "through group:storage@example.com: projects/p1 bindings[0] roles/compute.storageAdmin: compute.snapshots.create, compute.disks.createSnapshot"}},
			// A service account told by its domain in the basic view.
			{principal: "serviceAccount:ci@p1.iam.gserviceaccount.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{"through group:storage@example.com:"}},
			// Nested: bob is in oncall, which is in platform.
			{principal: "user:bob@example.com", cap: entitlement.Create, verdict: entitlement.Allow,
				via: []string{diskSnapshot, "through group:oncall@example.com in group:platform@example.com: projects/p1 bindings[1] roles/compute.instanceAdmin.v1"}},
			// A deny naming the group reaches its members...
			{principal: "user:alice@example.com", cap: entitlement.Share, verdict: entitlement.Allow,
				via: []string{"image IAM policy", "denied: snapshot IAM policy"}},
			{principal: "group:storage@example.com", cap: entitlement.Share, verdict: entitlement.Allow, via: []string{"image IAM policy"}},
			// ...but not those in its exception group.
			{principal: "user:carol@example.com", cap: entitlement.Share, verdict: entitlement.Allow,
				via: []string{"snapshot IAM policy = compute.snapshots.setIamPolicy", "through group:"}, notVia: []string{"denied"}},
			{principal: "group:empty@example.com", cap: entitlement.Export, verdict: entitlement.Allow, via: []string{"roles/viewer"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			r := evaluate(t, loadCase(t, tt.dir))
			if r.Principals != tt.principals {
				t.Errorf("principals %d, want %d", r.Principals, tt.principals)
			}
			for _, n := range tt.notes {
				if !slices.ContainsFunc(r.Notes, func(s string) bool { return strings.Contains(s, n) }) {
					t.Errorf("no note holds %q: %q", n, r.Notes)
				}
			}
			for _, w := range tt.want {
				w.check(t, r)
			}
		})
	}
}

// Without the ancestry, project p2 is taken to sit under folder 200 too:
// the deny there caps the organization's grant everywhere, and a note says
// the hierarchy was assumed.
func TestEvaluate_withoutAncestry(t *testing.T) {
	in := loadCase(t, "inherit")
	in.Ancestry = nil
	r := evaluate(t, in)
	want{principal: "user:dba@example.com", cap: entitlement.Create, verdict: entitlement.Denied,
		via: []string{"organizations/100 bindings[2] roles/cloudsql.admin", "denied at folders/200"}}.check(t, r)
	if !slices.ContainsFunc(r.Notes, func(s string) bool { return strings.Contains(s, "no ancestry") }) {
		t.Errorf("no ancestry note: %q", r.Notes)
	}
}

// Grants come out sorted by principal, then in catalog order, and the same
// input gives the same report.
func TestEvaluate_order(t *testing.T) {
	in := loadCase(t, "impersonate")
	a, b := evaluate(t, in), evaluate(t, in)
	if !slices.EqualFunc(a.Grants, b.Grants, func(x, y entitlement.Grant) bool {
		return x.ID == y.ID && x.Verdict == y.Verdict && slices.Equal(x.Via, y.Via)
	}) {
		t.Fatal("two runs differ")
	}
	pos := map[entitlement.Capability]int{}
	for i, c := range entitlement.Capabilities {
		pos[c] = i
	}
	for i := 1; i < len(a.Grants); i++ {
		p, q := a.Grants[i-1], a.Grants[i]
		if p.Principal > q.Principal || (p.Principal == q.Principal && pos[p.Capability] >= pos[q.Capability]) {
			t.Fatalf("grant %d (%s %s) after (%s %s)", i, q.Principal, q.Capability, p.Principal, p.Capability)
		}
	}
}

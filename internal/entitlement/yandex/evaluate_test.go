package yandex_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// Ids of the acme fixture (testdata/acme/README.md).
const (
	org        = "bpf3nq8l0c2d4ab1ahaq"
	cloud      = "b1gia87mbaomkfvsleds"
	prod       = "b1gc2k9p6m0r8t3v5x7a"
	dev        = "b1gd4n7q1s3u5w7y9z2b"
	owner      = "ajeo1w2n3e4r5o6w7n8r"
	orgAdmin   = "ajea9d8m7i6n5o4r3g2a"
	cloudOwner = "ajec1l2o3u4d5o6w7n8r"
	admins     = "ajeg1r2o3u4p5a6d7m8n"
	alice      = "ajeal1c3a2l4i5c6e7a8"
	fed        = "ajef1e2d3u4s5e6r7f8e"
	dev1       = "ajed1e2v3o4n5e6d7e8v"
	backupSA   = "ajeb2a3c4k5u6p7s8a9b"
	ops1       = "ajeo2p3s4o5n6e7o8p9s"
	share1     = "ajes1h2a3r4e5r6s7h8a"
	dba        = "ajeb1d2b3a4d5b6a7d8b"
	viewer1    = "ajev1i2e3w4e5r6v7i8e"
	dev2       = "ajed2e2v3t4w5o6d7e8v"
	contractor = "ajek0n1t2r3a4c5t6o7r"
	rmAdmin    = "ajer1m2a3d4m5i6n7r8m"
	ydbUser    = "ajeu1n2k3n4o5w6n7u8n"
	ciSA       = "ajec2i3s4a5c6i7s8a9c"
	eve        = "ajee1v2e3e4v5e6e7v8e"
	snapOwner  = "ajes2n3a4p5o6w7n8e9r"
	partner    = "ajep1a2r3t4n5e6r7p8a"
	snap       = "fd8s1n2a3p4s5h6o7t8a"
	img        = "fd8i1m2a3g4e5g6o7l8d"
)

const (
	prodFile  = "folder-" + prod + ".json"
	devFile   = "folder-" + dev + ".json"
	cloudFile = "cloud-" + cloud + ".json"
	orgFile   = "organization-" + org + ".json"
)

func bindingVia(role, scope, file string, n int) string {
	return role + " on " + scope + " [" + file + " binding " + strconv.Itoa(n) + "]"
}

var (
	prodLabel  = "folder:" + prod + " (prod)"
	devLabel   = "folder:" + dev + " (dev)"
	cloudLabel = "cloud:" + cloud + " (acme-cloud)"
	orgLabel   = "organization:" + org
)

type want struct {
	principal  string
	typ        string
	capability entitlement.Capability
	verdict    entitlement.Verdict
	indirect   bool
	scope      string
	via        []string
	conditions []string
}

func TestEvaluate_acme(t *testing.T) {
	r := evaluateDir(t, "testdata/acme")
	got := grantsOf(r)
	cases := []want{
		// Organization owner: everything, directly, organization-wide.
		{owner, "user", entitlement.Create, entitlement.Allow, false, "organization:" + org,
			[]string{bindingVia("organization-manager.organizations.owner", orgLabel, orgFile, 1)}, nil},
		{owner, "user", entitlement.AdminEquivalent, entitlement.Allow, false, "organization:" + org,
			[]string{bindingVia("organization-manager.organizations.owner", orgLabel, orgFile, 1)}, nil},
		// Organization admin edits bindings: admin-equivalent directly,
		// snapshot rights by binding itself a role.
		{orgAdmin, "user", entitlement.AdminEquivalent, entitlement.Allow, false, "organization:" + org,
			[]string{bindingVia("organization-manager.admin", orgLabel, orgFile, 2)}, nil},
		{orgAdmin, "user", entitlement.GuardrailOff, entitlement.Allow, false, "organization:" + org,
			[]string{bindingVia("organization-manager.admin", orgLabel, orgFile, 2)}, nil},
		{orgAdmin, "user", entitlement.Create, entitlement.Allow, true, "organization:" + org,
			[]string{bindingVia("organization-manager.admin", orgLabel, orgFile, 2), "can bind itself a role carrying create at organization:" + org}, nil},
		// Cloud owner and the admins group on the cloud.
		{cloudOwner, "user", entitlement.Share, entitlement.Allow, false, "cloud:" + cloud,
			[]string{bindingVia("resource-manager.clouds.owner", cloudLabel, cloudFile, 1)}, nil},
		{admins, "group", entitlement.AdminEquivalent, entitlement.Allow, false, "cloud:" + cloud,
			[]string{bindingVia("admin", cloudLabel, cloudFile, 2)}, nil},
		{alice, "user", entitlement.AdminEquivalent, entitlement.Allow, false, "cloud:" + cloud,
			[]string{"member of group:" + admins, bindingVia("admin", cloudLabel, cloudFile, 2)}, nil},
		// editor on the cloud: creates directly; admin through ci-sa, an
		// admin of dev it can run a VM as.
		{fed, "federated_user", entitlement.Create, entitlement.Allow, false, "cloud:" + cloud,
			[]string{bindingVia("editor", cloudLabel, cloudFile, 3)}, nil},
		{fed, "federated_user", entitlement.AdminEquivalent, entitlement.Allow, true, "folder:" + dev,
			[]string{bindingVia("editor", cloudLabel, cloudFile, 3),
				"acts as service-account:" + ciSA + " (ci-sa) through a service it runs as it",
				bindingVia("admin", devLabel, devFile, 2)}, nil},
		// compute.editor on prod, editor on dev.
		{dev1, "user", entitlement.Create, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("compute.editor", prodLabel, prodFile, 1)}, nil},
		{dev1, "user", entitlement.Schedule, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("compute.editor", prodLabel, prodFile, 1)}, nil},
		{dev1, "user", entitlement.AdminEquivalent, entitlement.Allow, true, "folder:" + dev,
			[]string{bindingVia("editor", devLabel, devFile, 1),
				"acts as service-account:" + ciSA + " (ci-sa) through a service it runs as it",
				bindingVia("admin", devLabel, devFile, 2)}, nil},
		// compute.snapshotSchedules.editor: create and schedule, no copy.
		{backupSA, "service_account", entitlement.Create, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("compute.snapshotSchedules.editor", prodLabel, prodFile, 2)}, nil},
		{backupSA, "service_account", entitlement.Schedule, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("compute.snapshotSchedules.editor", prodLabel, prodFile, 2)}, nil},
		// tokenCreator on the prod folder impersonates backup-sa.
		{ops1, "user", entitlement.Create, entitlement.Allow, true, "folder:" + prod,
			[]string{bindingVia("iam.serviceAccounts.tokenCreator", prodLabel, prodFile, 3),
				"acts as service-account:" + backupSA + " (backup-sa)",
				bindingVia("compute.snapshotSchedules.editor", prodLabel, prodFile, 2)}, nil},
		// serviceAccounts.user without anything to run as it.
		{dev2, "user", entitlement.Create, entitlement.Conditional, true, "folder:" + prod,
			[]string{bindingVia("iam.serviceAccounts.user", prodLabel, prodFile, 7),
				"acts as service-account:" + backupSA + " (backup-sa) through a service it runs as it",
				bindingVia("compute.snapshotSchedules.editor", prodLabel, prodFile, 2)},
			[]string{"runs a service as service-account:" + backupSA + ": needs compute.instances.create or serverless.functions.create"}},
		// compute.admin on prod shares; it edits no folder binding.
		{share1, "user", entitlement.Share, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("compute.admin", prodLabel, prodFile, 4)}, nil},
		{dba, "user", entitlement.Restore, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("managed-postgresql.editor", prodLabel, prodFile, 5)}, nil},
		// A source right alone: the copy is made wherever it may create.
		{contractor, "user", entitlement.Create, entitlement.Conditional, false, "folder:" + prod,
			[]string{bindingVia("compute.disks.user", prodLabel, prodFile, 8)},
			[]string{"destination: compute.snapshots.create in a folder of its choosing"}},
		{rmAdmin, "user", entitlement.AdminEquivalent, entitlement.Allow, false, "folder:" + prod,
			[]string{bindingVia("resource-manager.admin", prodLabel, prodFile, 9)}, nil},
		{rmAdmin, "user", entitlement.Restore, entitlement.Allow, true, "folder:" + prod,
			[]string{bindingVia("resource-manager.admin", prodLabel, prodFile, 9), "can bind itself a role carrying restore at folder:" + prod}, nil},
		{ciSA, "service_account", entitlement.AdminEquivalent, entitlement.Allow, false, "folder:" + dev,
			[]string{bindingVia("admin", devLabel, devFile, 2)}, nil},
		{eve, "user", entitlement.AdminEquivalent, entitlement.Allow, true, "folder:" + dev,
			[]string{bindingVia("iam.serviceAccounts.tokenCreator", "service-account:"+ciSA+" (ci-sa)", "service-account-"+ciSA+".json", 1),
				"acts as service-account:" + ciSA + " (ci-sa)",
				bindingVia("admin", devLabel, devFile, 2)}, nil},
		// compute.admin bound on one snapshot: shares that snapshot only.
		{snapOwner, "user", entitlement.Share, entitlement.Allow, false, "snapshot:" + snap,
			[]string{bindingVia("compute.admin", "snapshot:"+snap+" (prod-db-snap)", "snapshot-"+snap+".json", 1)}, nil},
		{snapOwner, "user", entitlement.Restore, entitlement.Conditional, false, "snapshot:" + snap,
			[]string{bindingVia("compute.admin", "snapshot:"+snap+" (prod-db-snap)", "snapshot-"+snap+".json", 1)},
			[]string{"destination: compute.disks.create in a folder of its choosing"}},
		// An image every signed-in user may use.
		{"allAuthenticatedUsers", "public_group", entitlement.Restore, entitlement.Conditional, false, "image:" + img,
			[]string{bindingVia("compute.images.user", "image:"+img+" (golden-app)", "image-"+img+".json", 1)},
			[]string{"destination: compute.disks.create in a folder of its choosing"}},
		{partner, "user", entitlement.Copy, entitlement.Conditional, false, "image:" + img,
			[]string{bindingVia("compute.images.user", "image:"+img+" (golden-app)", "image-"+img+".json", 2)},
			[]string{"destination: compute.images.create in a folder of its choosing"}},
	}
	for _, w := range cases {
		t.Run(w.principal+"/"+string(w.capability), func(t *testing.T) {
			g, ok := got[w.principal][w.capability]
			if !ok {
				t.Fatalf("no grant; principal holds %v", capsOf(got[w.principal]))
			}
			checkGrant(t, g, w)
		})
	}

	// What must not be granted.
	absent := []struct {
		principal  string
		capability entitlement.Capability
	}{
		{share1, entitlement.AdminEquivalent}, // compute.admin manages compute bindings only
		{backupSA, entitlement.Copy},
		{backupSA, entitlement.Share},
		{dba, entitlement.Copy},
		{snapOwner, entitlement.Create}, // a role on a snapshot gives no disk
		{contractor, entitlement.Restore},
		{dev1, entitlement.Export}, // Yandex has no export API
		{dev1, entitlement.ReadData},
		{ops1, entitlement.AdminEquivalent}, // tokenCreator on prod reaches backup-sa only
	}
	for _, a := range absent {
		if g, ok := got[a.principal][a.capability]; ok {
			t.Errorf("%s holds %s: %+v", a.principal, a.capability, g)
		}
	}
	for _, p := range []string{viewer1, ydbUser} {
		if len(got[p]) != 0 {
			t.Errorf("%s holds %v, want nothing", p, capsOf(got[p]))
		}
	}
	if r.Principals != 21 {
		t.Errorf("Principals = %d, want 21 (every subject, member and service account)", r.Principals)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "ydb.editor") }) {
		t.Errorf("notes %q do not name the unknown role ydb.editor", r.Notes)
	}
	for _, g := range r.Grants {
		if g.ID != entitlement.GrantID("yandex", g.Principal, g.Capability) || g.Cloud != "yandex" || !g.Standing {
			t.Errorf("grant %s/%s: id %s, cloud %s, standing %v", g.Principal, g.Capability, g.ID, g.Cloud, g.Standing)
		}
	}
}

func checkGrant(t *testing.T, g entitlement.Grant, w want) {
	t.Helper()
	if g.Verdict != w.verdict || g.Indirect != w.indirect || g.Scope != w.scope {
		t.Errorf("verdict %s indirect %v scope %s, want %s %v %s", g.Verdict, g.Indirect, g.Scope, w.verdict, w.indirect, w.scope)
	}
	if w.typ != "" && g.PrincipalType != w.typ {
		t.Errorf("principal type %s, want %s", g.PrincipalType, w.typ)
	}
	if !slices.Equal(g.Via, w.via) {
		t.Errorf("via\n got %q\nwant %q", g.Via, w.via)
	}
	if !slices.Equal(g.Conditions, w.conditions) {
		t.Errorf("conditions %q, want %q", g.Conditions, w.conditions)
	}
}

func capsOf(m map[entitlement.Capability]entitlement.Grant) []string {
	var out []string
	for c, g := range m {
		out = append(out, string(c)+"="+string(g.Verdict))
	}
	slices.Sort(out)
	return out
}

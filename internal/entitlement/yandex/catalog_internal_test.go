package yandex

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// TestCatalog_roles checks the embedded catalog against what Yandex's role
// reference says of the roles that matter most.
func TestCatalog_roles(t *testing.T) {
	c := defaultCatalog()
	has := func(role string, rights ...string) {
		t.Helper()
		r, ok := c.role(role)
		if !ok {
			t.Errorf("role %s unknown", role)
			return
		}
		got := c.list(r)
		for _, want := range rights {
			if !slices.Contains(got, want) {
				t.Errorf("role %s: no %s (has %v)", role, want, got)
			}
		}
	}
	lacks := func(role string, rights ...string) {
		t.Helper()
		r, _ := c.role(role)
		got := c.list(r)
		for _, no := range rights {
			if slices.Contains(got, no) {
				t.Errorf("role %s carries %s", role, no)
			}
		}
	}
	has("compute.editor", "compute.snapshots.create", "compute.disks.use", "compute.disks.create", "compute.images.create")
	lacks("compute.editor", "compute.snapshots.setAccessBindings", "iam.accessBindings.set")
	has("compute.admin", "compute.snapshots.setAccessBindings", "compute.images.setAccessBindings", "compute.snapshots.create")
	lacks("compute.admin", "iam.accessBindings.set")
	has("compute.snapshotSchedules.editor", "compute.snapshotSchedules.create", "compute.snapshots.create", "compute.disks.use")
	lacks("compute.snapshotSchedules.editor", "compute.images.create", "compute.disks.create")
	has("editor", "compute.snapshots.create", "mdb.backups.create", "backup.backups.create", "iam.serviceAccounts.use")
	lacks("editor", "iam.accessBindings.set", "compute.snapshots.setAccessBindings", "iam.accessPolicies.manage")
	has("admin", "iam.accessBindings.set", "compute.snapshots.setAccessBindings", "compute.snapshots.create")
	has("resource-manager.clouds.owner", "iam.accessBindings.set", "compute.snapshots.create")
	has("organization-manager.organizations.owner", "iam.accessBindings.set", "compute.snapshots.create")
	has("resource-manager.admin", "iam.accessBindings.set", "iam.accessPolicies.manage")
	lacks("resource-manager.admin", "compute.snapshots.create")
	has("iam.serviceAccounts.tokenCreator", "iam.serviceAccounts.getToken")
	has("iam.serviceAccounts.keyAdmin", "iam.serviceAccounts.createKey")
	lacks("iam.serviceAccounts.accessKeyAdmin", "iam.serviceAccounts.createKey") // static keys reach S3 APIs only
	has("iam.admin", "iam.serviceAccounts.getToken", "iam.serviceAccounts.setAccessBindings")
	has("mdb.admin", "mdb.backups.create", "mdb.clusters.restore")
	has("mdb.restorer", "mdb.clusters.restore")
	lacks("mdb.restorer", "mdb.backups.create")
	has("backup.user", "backup.policies.apply")
	lacks("backup.user", "backup.backups.create")
	for _, ro := range []string{"viewer", "auditor", "compute.viewer", "compute.operator", "audit-trails.viewer", "kms.auditor"} {
		r, ok := c.role(ro)
		if !ok || r != 0 {
			t.Errorf("role %s: known %v, rights %v; want known, none", ro, ok, c.list(r))
		}
	}
	if _, ok := c.role("ydb.editor"); ok {
		t.Error("ydb.editor known; the test of unknown roles needs another")
	}
}

// TestCatalog_shape: every capability the model names is either in the
// catalog or documented as absent for Yandex.
func TestCatalog_shape(t *testing.T) {
	in := map[entitlement.Capability]bool{}
	for _, rule := range defaultCatalog().caps {
		in[rule.capability] = true
		if len(rule.alts) == 0 {
			t.Errorf("%s: no alternatives", rule.capability)
		}
	}
	for _, c := range entitlement.Capabilities {
		absent := c == entitlement.Export || c == entitlement.ReadData
		if in[c] == absent {
			t.Errorf("capability %s in catalog = %v", c, in[c])
		}
	}
	if defaultCatalog().token == 0 || defaultCatalog().use == 0 || defaultCatalog().runAs == 0 {
		t.Error("impersonation rights missing")
	}
	// A right bound on a snapshot means only snapshot things.
	got := defaultCatalog().list(defaultCatalog().applicable(Snapshot))
	if !slices.Equal(got, []string{"compute.snapshots.setAccessBindings", "compute.snapshots.use"}) {
		t.Errorf("rights on a snapshot: %v", got)
	}
}

func TestParseCatalog_errors(t *testing.T) {
	const rights = "rights: {a: {}, b: {source: true}}\n"
	cases := []struct{ name, yaml, want string }{
		{"unknown key", "rigths: {}\n", "field rigths not found"},
		{"unknown right in role", rights + "roles: {r: {rights: [c]}}\n", `role r: unknown right "c"`},
		{"unknown include", rights + "roles: {r: {includes: [nope]}}\n", `role r includes unknown role "nope"`},
		{"cycle", rights + "roles: {r: {includes: [s]}, s: {includes: [r]}}\n", "role include cycle: r → s → r"},
		{"unknown capability", rights + "capabilities: {clone: [{all: [a]}]}\n", `unknown capability "clone"`},
		{"empty alternative", rights + "capabilities: {create: [{all: []}]}\n", "capability create alternative 1: no rights"},
		{"bad on", "rights: {a: {on: [folder]}}\n", "right a: folder is not a single resource"},
		{"bad impersonation", rights + "impersonation: {token: [z]}\n", `impersonation.token: unknown right "z"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseCatalog([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one holding %q", err, tc.want)
			}
		})
	}
	var many strings.Builder
	many.WriteString("rights:\n")
	for i := range 65 {
		many.WriteString("  r" + strings.Repeat("x", i) + ": {}\n")
	}
	if _, err := parseCatalog([]byte(many.String())); err == nil || !strings.Contains(err.Error(), "at most 64") {
		t.Errorf("65 rights: err = %v", err)
	}
}

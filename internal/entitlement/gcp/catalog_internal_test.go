package gcp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// roles.txt is what gen_roles.go derives from the shared data set: every
// role, with exactly its permissions that the catalog names. Run `go
// generate` when this fails after a catalog or data set change.
func TestCatalog_rolesMatchDataset(t *testing.T) {
	dir := filepath.Join(testenv.Shared(t, "samples"), "iam", "gcp", "iam-dataset", "roles")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no role files in %s: %v", dir, err)
	}
	c := loadCatalog()
	everyPerm := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var role struct {
			Name  string   `json:"name"`
			Perms []string `json:"includedPermissions"`
		}
		if err := json.Unmarshal(data, &role); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var want []string
		for _, p := range role.Perms {
			everyPerm[p] = true
			if c.relevant[p] {
				want = append(want, p)
			}
		}
		slices.Sort(want)
		got, ok := c.predefined[role.Name]
		if !ok {
			t.Errorf("%s missing from roles.txt", role.Name)
			continue
		}
		if !slices.Equal(got, slices.Compact(want)) {
			t.Errorf("%s: roles.txt has %q, the data set %q", role.Name, got, want)
		}
	}
	if len(c.predefined) != len(files) {
		t.Errorf("roles.txt has %d roles, the data set %d", len(c.predefined), len(files))
	}
	// A permission no predefined role holds is a typo in catalog.yaml.
	for p := range c.relevant {
		if !everyPerm[p] {
			t.Errorf("catalog.yaml names %q, which no predefined role holds", p)
		}
	}
}

func TestCatalog_shape(t *testing.T) {
	c := loadCatalog()
	for _, capability := range entitlement.Capabilities {
		if _, ok := c.caps[capability]; !ok {
			t.Errorf("catalog.yaml lacks %s (list it empty when GCP has none)", capability)
		}
	}
	// §3.3: the AND-requirements the issue names.
	create := c.caps[entitlement.Create][0]
	if create.Name != "disk snapshot" || !slices.Equal(create.All, []string{"compute.snapshots.create", "compute.disks.createSnapshot"}) {
		t.Errorf("first create requirement %+v", create)
	}
	restore := c.caps[entitlement.Restore][0]
	if !slices.Equal(restore.All, []string{"compute.disks.create", "compute.snapshots.useReadOnly"}) {
		t.Errorf("first restore requirement %+v", restore)
	}
	if len(c.selfGrant) != 3 || !c.selfGrant["resourcemanager.projects.setIamPolicy"] {
		t.Errorf("self-grant permissions %v", c.selfGrant)
	}
}

func TestParseCatalog_errors(t *testing.T) {
	tests := []struct{ spec, roles, err string }{
		{"capabilities: {snapshot: []}", "", `unknown capability "snapshot"`},
		{"capabilities: {create: [{name: x}]}", "", "create[0]: a requirement needs a name and permissions"},
		{"capabilities: [", "", "catalog.yaml:"},
		{"capabilities: {}", "owner compute.snapshots.create\n", `roles.txt:1: "owner" is not a predefined role`},
	}
	for _, tt := range tests {
		if _, err := parseCatalog([]byte(tt.spec), []byte(tt.roles)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: err %v, want %q", tt.spec, err, tt.err)
		}
	}
}

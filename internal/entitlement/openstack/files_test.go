package openstack_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/openstack"
)

func TestPolicyFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("glance/policy.yaml", `"download_image": "role:auditor"`+"\n")
	write("cinder.json", `{"backup:create": "!"}`)
	write("nova/nova.conf", "[oslo_policy]\n")
	write("keystone/policy.d/deep.yaml", `"identity:create_grant": "@"`)

	files, err := openstack.PolicyFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f.Name)
		names = append(names, filepath.ToSlash(rel))
	}
	if want := []string{"cinder.json", "glance/policy.yaml"}; !slices.Equal(names, want) {
		t.Fatalf("files %q, want %q", names, want)
	}
	r := evaluate(t, openstack.Input{Assignments: file(t, "assignments.json"), Policies: files})
	check(t, r, want{principal: "hank@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*",
		via: []string{"role auditor on project demo@Default", "glance download_image [" + filepath.Join(dir, "glance", "policy.yaml") + ":1]: role:auditor"}})

	if _, err := openstack.PolicyFiles(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no policy files") {
		t.Errorf("empty folder: error %v", err)
	}
}

package azure

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

func TestCatalog_embedded(t *testing.T) {
	cat, err := parseCatalog(catalogYAML)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.caps) != len(entitlement.Capabilities) {
		t.Fatalf("%d capabilities, want %d", len(cat.caps), len(entitlement.Capabilities))
	}
	for i, cr := range cat.caps {
		if cr.capability != entitlement.Capabilities[i] {
			t.Errorf("capability %d is %s, want %s", i, cr.capability, entitlement.Capabilities[i])
		}
		for _, r := range cr.reqs {
			if (r.self != "") != (cr.capability == entitlement.AdminEquivalent) {
				t.Errorf("%s: self_grant %q out of place", cr.capability, r.self)
			}
		}
	}
	// The AND-requirements the reference names: a copy or a restore also
	// needs read on the source snapshot.
	for _, c := range []entitlement.Capability{entitlement.Copy, entitlement.Restore} {
		first := cat.caps[indexOf(c)].reqs[0]
		if len(first.ops) != 2 || first.ops[1].name != "Microsoft.Compute/snapshots/read" {
			t.Errorf("%s: first requirement %v", c, first.ops)
		}
	}
}

func indexOf(c entitlement.Capability) int {
	for i, x := range entitlement.Capabilities {
		if x == c {
			return i
		}
	}
	return -1
}

func TestCatalog_invalid(t *testing.T) {
	valid := func(c string) string {
		var b strings.Builder
		for _, x := range entitlement.Capabilities {
			if string(x) != c {
				b.WriteString("  " + string(x) + ":\n    - {actions: [A.B/c/d], why: w}\n")
			}
		}
		return b.String()
	}
	cases := map[string]struct{ yaml, want string }{
		"unknown capability": {"capabilities:\n" + valid("") + "  exfiltrate:\n    - {actions: [A.B/c/d], why: w}\n", `unknown capability "exfiltrate"`},
		"missing capability": {"capabilities:\n" + valid("share"), "share: no requirement"},
		"wildcard":           {"capabilities:\n" + valid("copy") + "  copy:\n    - {actions: [\"A.B/*\"], why: w}\n", `copy[0]: operation "A.B/*"`},
		"no why":             {"capabilities:\n" + valid("copy") + "  copy:\n    - {actions: [A.B/c/d]}\n", "copy[0]: no why"},
		"no operation":       {"capabilities:\n" + valid("copy") + "  copy:\n    - {why: w}\n", "copy[0]: no operation"},
		"bad self_grant":     {"capabilities:\n" + valid("copy") + "  copy:\n    - {actions: [A.B/c/d], why: w, self_grant: pray}\n", `unknown self_grant "pray"`},
		"unknown key":        {"capabilities:\n" + valid("copy") + "  copy:\n    - {action: [A.B/c/d], why: w}\n", "field action not found"},
	}
	for name, c := range cases {
		_, err := parseCatalog([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

// Every catalog operation is one Azure has: some built-in role names it
// by a pattern other than a bare wildcard.
func TestCatalog_operationsExist(t *testing.T) {
	path := filepath.Join(testenv.Shared(t, "samples"), "iam", "azure", "iam-dataset", "built-in-roles-raw.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var roles []struct{ Permissions []rawPermission }
	if err := json.Unmarshal(data, &roles); err != nil {
		t.Fatal(err)
	}
	// Held by Owner and Contributor only through "*".
	onlyByStar := map[string]bool{"Microsoft.Compute/diskAccesses/write": true, "Microsoft.Compute/diskAccesses/delete": true}
	cat, err := parseCatalog(catalogYAML)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range cat.ops {
		if onlyByStar[o.name] {
			continue
		}
		found := false
		for _, r := range roles {
			for _, p := range r.Permissions {
				list := p.Actions
				if o.data {
					list = p.DataActions
				}
				for _, s := range list {
					if !strings.HasPrefix(s, "*") && compilePattern(s).match(strings.ToLower(o.name)) {
						found = true
					}
				}
			}
		}
		if !found {
			t.Errorf("no built-in role names %s", o.name)
		}
	}
}

package gcp

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

//go:generate go run gen_roles.go -src ../../../../shared/samples/iam/gcp/iam-dataset/roles

//go:embed catalog.yaml
var catalogYAML []byte

//go:embed roles.txt
var rolesTXT []byte

// requirement is one way to hold a capability: every permission in All.
type requirement struct {
	Name      string   `yaml:"name"`
	All       []string `yaml:"all"`
	SelfGrant bool     `yaml:"self_grant"` // holding it lets the principal grant itself any role
}

// catalog is catalog.yaml, checked, with the predefined roles beside it.
type catalog struct {
	caps          map[entitlement.Capability][]requirement
	impersonation []string
	roleUpdate    string
	relevant      map[string]bool     // every permission the catalog names
	selfGrant     map[string]bool     // permissions that let a principal grant itself any role
	predefined    map[string][]string // roles/NAME → its relevant permissions
}

// loadCatalog parses the embedded data once; it is tested, so an error is
// a programmer's error.
var loadCatalog = sync.OnceValue(func() *catalog {
	c, err := parseCatalog(catalogYAML, rolesTXT)
	if err != nil {
		panic("gcp: embedded catalog: " + err.Error())
	}
	return c
})

func parseCatalog(spec, roles []byte) (*catalog, error) {
	var raw struct {
		Capabilities  map[string][]requirement `yaml:"capabilities"`
		Impersonation []string                 `yaml:"impersonation"`
		RoleUpdate    string                   `yaml:"role_update"`
	}
	if err := yaml.Unmarshal(spec, &raw); err != nil {
		return nil, fmt.Errorf("catalog.yaml: %w", err)
	}
	c := &catalog{
		caps:          map[entitlement.Capability][]requirement{},
		impersonation: raw.Impersonation,
		roleUpdate:    raw.RoleUpdate,
		relevant:      map[string]bool{raw.RoleUpdate: true},
		selfGrant:     map[string]bool{},
		predefined:    map[string][]string{},
	}
	for name, reqs := range raw.Capabilities {
		capability := entitlement.Capability(name)
		if !slices.Contains(entitlement.Capabilities, capability) {
			return nil, fmt.Errorf("catalog.yaml: unknown capability %q", name)
		}
		for i, r := range reqs {
			if r.Name == "" || len(r.All) == 0 {
				return nil, fmt.Errorf("catalog.yaml: %s[%d]: a requirement needs a name and permissions", name, i)
			}
			for _, p := range r.All {
				c.relevant[p] = true
				if r.SelfGrant {
					c.selfGrant[p] = true
				}
			}
		}
		c.caps[capability] = reqs
	}
	for _, p := range c.impersonation {
		c.relevant[p] = true
	}
	for n, line := range strings.Split(string(roles), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if !strings.HasPrefix(fields[0], "roles/") {
			return nil, fmt.Errorf("roles.txt:%d: %q is not a predefined role", n+1, fields[0])
		}
		c.predefined[fields[0]] = fields[1:]
	}
	return c, nil
}

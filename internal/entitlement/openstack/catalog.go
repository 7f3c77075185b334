package openstack

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

var (
	//go:embed defaults.yaml
	defaultsYAML []byte
	//go:embed catalog.yaml
	catalogYAML []byte
	//go:embed vkroles.yaml
	vkRolesYAML []byte
)

// defaultRule is a rule's in-code default.
type defaultRule struct {
	Check      string  `yaml:"check"`
	Deprecated *string `yaml:"deprecated"` // nil: none; "" is a check string (always)
}

// requirement is one policy rule a grant needs.
type requirement struct {
	service, rule string
}

func (r requirement) String() string { return r.service + " " + r.rule }

// way is one way to hold a capability: all its rules must pass.
type way struct {
	capability entitlement.Capability
	what       string
	requires   []requirement
}

// vkRole is a VK Cloud role's documented meaning.
type vkRole struct {
	name       string
	what       string
	grants     []entitlement.Capability
	unverified map[entitlement.Capability]string // capability → what is unverified
}

// data is the embedded catalog, parsed and checked once.
type data struct {
	services []string                          // in defaults.yaml order
	defaults map[string]map[string]defaultRule // service → rule name → default
	ways     []way
	vkSource string
	vkDate   string
	vkRoles  []vkRole // in vkroles.yaml order
}

var embedded = sync.OnceValues(func() (*data, error) {
	return parseData(defaultsYAML, catalogYAML, vkRolesYAML)
})

func parseData(defaults, catalog, vk []byte) (*data, error) {
	d := &data{defaults: map[string]map[string]defaultRule{}}
	var root yaml.Node
	if err := yaml.Unmarshal(defaults, &root); err != nil {
		return nil, fmt.Errorf("defaults.yaml: %w", err)
	}
	if len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("defaults.yaml: want a mapping of services")
	}
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		svc := top.Content[i].Value
		var rules map[string]defaultRule
		if err := top.Content[i+1].Decode(&rules); err != nil {
			return nil, fmt.Errorf("defaults.yaml: %s: %w", svc, err)
		}
		d.services = append(d.services, svc)
		d.defaults[svc] = rules
	}

	var cat struct {
		Grants []struct {
			Capability entitlement.Capability `yaml:"capability"`
			What       string                 `yaml:"what"`
			Requires   []string               `yaml:"requires"`
		} `yaml:"grants"`
	}
	if err := yaml.Unmarshal(catalog, &cat); err != nil {
		return nil, fmt.Errorf("catalog.yaml: %w", err)
	}
	for i, g := range cat.Grants {
		if !slices.Contains(entitlement.Capabilities, g.Capability) {
			return nil, fmt.Errorf("catalog.yaml: grants[%d]: unknown capability %q", i, g.Capability)
		}
		if len(g.Requires) == 0 {
			return nil, fmt.Errorf("catalog.yaml: grants[%d]: no requires", i)
		}
		w := way{capability: g.Capability, what: g.What}
		for _, r := range g.Requires {
			svc, name, ok := strings.Cut(r, " ")
			if !ok || d.defaults[svc] == nil {
				return nil, fmt.Errorf("catalog.yaml: grants[%d]: %q is not \"<service> <rule>\" of a service in defaults.yaml", i, r)
			}
			if _, ok := d.defaults[svc][name]; !ok {
				return nil, fmt.Errorf("catalog.yaml: grants[%d]: %s has no default in defaults.yaml", i, r)
			}
			w.requires = append(w.requires, requirement{svc, name})
		}
		d.ways = append(d.ways, w)
	}

	var vkDoc struct {
		Source   string    `yaml:"source"`
		Verified string    `yaml:"verified"`
		Roles    yaml.Node `yaml:"roles"`
	}
	if err := yaml.Unmarshal(vk, &vkDoc); err != nil {
		return nil, fmt.Errorf("vkroles.yaml: %w", err)
	}
	d.vkSource, d.vkDate = vkDoc.Source, vkDoc.Verified
	for i := 0; i+1 < len(vkDoc.Roles.Content); i += 2 {
		name := vkDoc.Roles.Content[i].Value
		var r struct {
			What       string                            `yaml:"what"`
			Grants     []entitlement.Capability          `yaml:"grants"`
			Unverified map[entitlement.Capability]string `yaml:"unverified"`
		}
		if err := vkDoc.Roles.Content[i+1].Decode(&r); err != nil {
			return nil, fmt.Errorf("vkroles.yaml: %s: %w", name, err)
		}
		for _, c := range r.Grants {
			if !slices.Contains(entitlement.Capabilities, c) {
				return nil, fmt.Errorf("vkroles.yaml: %s: unknown capability %q", name, c)
			}
		}
		for c := range r.Unverified {
			if !slices.Contains(entitlement.Capabilities, c) {
				return nil, fmt.Errorf("vkroles.yaml: %s: unknown capability %q", name, c)
			}
		}
		d.vkRoles = append(d.vkRoles, vkRole{name: name, what: r.What, grants: r.Grants, unverified: r.Unverified})
	}
	if len(d.vkRoles) == 0 {
		return nil, fmt.Errorf("vkroles.yaml: no roles")
	}
	return d, nil
}

// vkRole returns the catalog entry of a VK role (case-insensitive).
func (d *data) vkRole(name string) *vkRole {
	for i := range d.vkRoles {
		if strings.EqualFold(d.vkRoles[i].name, name) {
			return &d.vkRoles[i]
		}
	}
	return nil
}

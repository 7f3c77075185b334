package azure

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

//go:embed catalog.yaml
var catalogYAML []byte

// selfGrant says how an admin-equivalent operation lets its holder give
// itself every other capability.
type selfGrant string

const (
	selfAssign     selfGrant = "assign"      // assign itself any role where it holds the operation
	selfElevate    selfGrant = "elevate"     // become User Access Administrator at "/"
	selfCustomRole selfGrant = "custom-role" // widen a custom role it is assigned
)

// op is an operation of the catalog; data tells a dataAction from an action.
type op struct {
	name  string
	lower string // name lower-cased, as patterns compare
	data  bool
}

func (o op) String() string { return o.name }

// requirement is one way to hold a capability: every op, the first being
// where the grant applies.
type requirement struct {
	ops  []op
	why  string
	self selfGrant
}

// capabilityReqs is a capability's requirements in catalog order.
type capabilityReqs struct {
	capability entitlement.Capability
	reqs       []requirement
}

type catalog struct {
	caps []capabilityReqs // in entitlement.Capabilities order
	ops  []op             // every distinct op, for per-role precomputation
}

type rawCatalog struct {
	Capabilities map[string][]struct {
		Actions     []string `yaml:"actions"`
		DataActions []string `yaml:"data_actions"`
		Why         string   `yaml:"why"`
		SelfGrant   string   `yaml:"self_grant"`
	} `yaml:"capabilities"`
}

// parseCatalog reads and checks a catalog; the embedded one is tested, so
// an error here is a programming error, but it is returned, not panicked.
func parseCatalog(data []byte) (*catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var raw rawCatalog
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("capability catalog: %w", err)
	}
	known := map[string]bool{}
	for _, c := range entitlement.Capabilities {
		known[string(c)] = true
	}
	for name := range raw.Capabilities {
		if !known[name] {
			return nil, fmt.Errorf("capability catalog: unknown capability %q", name)
		}
	}
	cat := &catalog{}
	seen := map[op]bool{}
	for _, c := range entitlement.Capabilities {
		entries := raw.Capabilities[string(c)]
		if len(entries) == 0 {
			return nil, fmt.Errorf("capability catalog: %s: no requirement", c)
		}
		cr := capabilityReqs{capability: c}
		for i, e := range entries {
			r := requirement{why: e.Why, self: selfGrant(e.SelfGrant)}
			for _, a := range e.Actions {
				r.ops = append(r.ops, op{name: a, lower: strings.ToLower(a)})
			}
			for _, a := range e.DataActions {
				r.ops = append(r.ops, op{name: a, lower: strings.ToLower(a), data: true})
			}
			if err := r.check(); err != nil {
				return nil, fmt.Errorf("capability catalog: %s[%d]: %w", c, i, err)
			}
			for _, o := range r.ops {
				if !seen[o] {
					seen[o] = true
					cat.ops = append(cat.ops, o)
				}
			}
			cr.reqs = append(cr.reqs, r)
		}
		cat.caps = append(cat.caps, cr)
	}
	return cat, nil
}

func (r requirement) check() error {
	if len(r.ops) == 0 {
		return errors.New("no operation")
	}
	if r.why == "" {
		return errors.New("no why")
	}
	switch r.self {
	case "", selfAssign, selfElevate, selfCustomRole:
	default:
		return fmt.Errorf("unknown self_grant %q", r.self)
	}
	for _, o := range r.ops {
		if o.name == "" || strings.Contains(o.name, "*") || strings.Count(o.name, "/") < 2 {
			return fmt.Errorf("operation %q: want Provider/type/verb without wildcards", o.name)
		}
	}
	return nil
}

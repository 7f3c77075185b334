package aws

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

//go:embed catalog.yaml
var catalogYAML []byte

// catalog is catalog.yaml compiled: action names kept as AWS spells them
// (for via chains) beside their lower-cased form (for matching).
type catalog struct {
	// Capabilities maps each capability but admin-equivalent to its
	// alternatives, in file order.
	Capabilities map[entitlement.Capability][]requirement
	Resources    map[string][]string // lower-cased action → ARN types
	Admin        []adminRule
	PassRole     []passRule
	Takeover     []takeoverRule
	Known        map[string]*document
}

type takeoverRule struct {
	Target  string // user, role, group or policy-version
	Actions requirement
	How     string // for the via chain: "creates an access key for"
}

// requirement is an AND of actions.
type requirement []string

type adminRule struct {
	Principal string // user, role or "" for both
	Actions   requirement
	On        string // self, group, attached-policy, any
}

type passRule struct {
	Service      string
	Actions      requirement
	Capabilities []entitlement.Capability // nil: all
}

type rawCatalog struct {
	Capabilities map[string][][]string `yaml:"capabilities"`
	Resources    map[string][]string   `yaml:"resources"`
	Admin        []struct {
		Principal string   `yaml:"principal"`
		Actions   []string `yaml:"actions"`
		On        string   `yaml:"on"`
	} `yaml:"admin"`
	PassRole []struct {
		Service      string   `yaml:"service"`
		Actions      []string `yaml:"actions"`
		Capabilities []string `yaml:"capabilities"`
	} `yaml:"passrole"`
	Takeover []struct {
		Target  string   `yaml:"target"`
		Actions []string `yaml:"actions"`
		How     string   `yaml:"how"`
	} `yaml:"takeover"`
	Known map[string]string `yaml:"known"`
}

// loadCatalog compiles the embedded catalog once.
var loadCatalog = sync.OnceValues(func() (*catalog, error) { return parseCatalog(catalogYAML) })

func parseCatalog(b []byte) (*catalog, error) {
	var raw rawCatalog
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &catalog{
		Capabilities: make(map[entitlement.Capability][]requirement),
		Resources:    make(map[string][]string),
		Known:        make(map[string]*document),
	}
	for name, alts := range raw.Capabilities {
		capab := entitlement.Capability(name)
		if !slices.Contains(entitlement.Capabilities, capab) || capab == entitlement.AdminEquivalent {
			return nil, fmt.Errorf("catalog: unknown capability %q", name)
		}
		for i, alt := range alts {
			if err := checkActions(alt); err != nil {
				return nil, fmt.Errorf("catalog: %s[%d]: %w", name, i, err)
			}
			c.Capabilities[capab] = append(c.Capabilities[capab], requirement(alt))
		}
	}
	for action, types := range raw.Resources {
		if err := checkActions([]string{action}); err != nil {
			return nil, fmt.Errorf("catalog: resources: %w", err)
		}
		c.Resources[lower(action)] = types
	}
	for i, a := range raw.Admin {
		if a.Principal != "" && a.Principal != "user" && a.Principal != "role" {
			return nil, fmt.Errorf("catalog: admin[%d]: principal %q is neither user nor role", i, a.Principal)
		}
		switch a.On {
		case "self", "group", "attached-policy", "any":
		default:
			return nil, fmt.Errorf("catalog: admin[%d]: unknown target %q", i, a.On)
		}
		if err := checkActions(a.Actions); err != nil {
			return nil, fmt.Errorf("catalog: admin[%d]: %w", i, err)
		}
		c.Admin = append(c.Admin, adminRule{Principal: a.Principal, Actions: a.Actions, On: a.On})
	}
	for i, p := range raw.PassRole {
		if err := checkActions(p.Actions); err != nil {
			return nil, fmt.Errorf("catalog: passrole[%d]: %w", i, err)
		}
		r := passRule{Service: p.Service, Actions: p.Actions}
		for _, name := range p.Capabilities {
			if name == "all" {
				continue
			}
			capab := entitlement.Capability(name)
			if !slices.Contains(entitlement.Capabilities, capab) {
				return nil, fmt.Errorf("catalog: passrole[%d]: unknown capability %q", i, name)
			}
			r.Capabilities = append(r.Capabilities, capab)
		}
		if slices.Contains(p.Capabilities, "all") {
			r.Capabilities = nil
		}
		c.PassRole = append(c.PassRole, r)
	}
	for i, t := range raw.Takeover {
		switch t.Target {
		case "user", "role", "group", "policy-version":
		default:
			return nil, fmt.Errorf("catalog: takeover[%d]: unknown target %q", i, t.Target)
		}
		if err := checkActions(t.Actions); err != nil {
			return nil, fmt.Errorf("catalog: takeover[%d]: %w", i, err)
		}
		c.Takeover = append(c.Takeover, takeoverRule{Target: t.Target, Actions: t.Actions, How: t.How})
	}
	for arn, text := range raw.Known {
		doc, err := parseDocument(json.RawMessage(mustQuote(text)))
		if err != nil {
			return nil, fmt.Errorf("catalog: known %s: %w", arn, err)
		}
		c.Known[arn] = doc
	}
	return c, nil
}

func checkActions(actions []string) error {
	if len(actions) == 0 {
		return fmt.Errorf("no actions")
	}
	for _, a := range actions {
		if strings.Count(a, ":") != 1 || strings.ContainsAny(a, "*? ") {
			return fmt.Errorf("action %q is not service:Action", a)
		}
	}
	return nil
}

// mustQuote turns text into a JSON string literal (parseDocument reads
// either form).
func mustQuote(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

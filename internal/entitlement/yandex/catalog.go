package yandex

import (
	"bytes"
	_ "embed"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

//go:embed catalog.yaml
var catalogYAML []byte

// rights is a set of catalog rights, one bit each (the catalog holds at
// most 64).
type rights uint64

// alternative is one way to hold a capability: all of its rights.
type alternative struct {
	all rights
}

type capabilityRule struct {
	capability entitlement.Capability
	alts       []alternative
}

// catalog is catalog.yaml compiled: role ids resolved to the rights they
// carry, includes followed.
type catalog struct {
	names    []string         // right names by bit
	source   rights           // rights on the resource copied from
	on       map[Level]rights // what a role bound on a single resource still carries
	roles    map[string]rights
	readOnly []string
	caps     []capabilityRule
	token    rights // impersonation outright
	use      rights // impersonation through a service…
	runAs    rights // …which needs one of these
}

type rawCatalog struct {
	Rights map[string]struct {
		Source bool     `yaml:"source"`
		On     []string `yaml:"on"`
		Doc    string   `yaml:"doc"`
	} `yaml:"rights"`
	ReadOnlySuffixes []string `yaml:"read_only_suffixes"`
	Roles            map[string]struct {
		Includes []string `yaml:"includes"`
		Rights   []string `yaml:"rights"`
	} `yaml:"roles"`
	Capabilities map[string][]struct {
		All []string `yaml:"all"`
	} `yaml:"capabilities"`
	Impersonation struct {
		Token []string `yaml:"token"`
		Use   []string `yaml:"use"`
		RunAs []string `yaml:"run_as"`
	} `yaml:"impersonation"`
}

// defaultCatalog is the embedded catalog; it is tested, so a failure to
// compile it is a programmer error. It is parsed on first use, not at
// start: every command would otherwise pay about 1.5 ms for it.
var defaultCatalog = sync.OnceValue(func() *catalog { return mustCatalog(catalogYAML) })

func mustCatalog(data []byte) *catalog {
	c, err := parseCatalog(data)
	if err != nil {
		panic("yandex: embedded catalog: " + err.Error())
	}
	return c
}

// parseCatalog compiles a catalog, checking every reference.
func parseCatalog(data []byte) (*catalog, error) {
	var raw rawCatalog
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &catalog{roles: map[string]rights{}, readOnly: raw.ReadOnlySuffixes, on: map[Level]rights{}}
	names := make([]string, 0, len(raw.Rights))
	for n := range raw.Rights {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 64 {
		return nil, fmt.Errorf("catalog: %d rights, at most 64", len(names))
	}
	c.names = names
	bit := map[string]rights{}
	for i, n := range names {
		bit[n] = 1 << i
		if raw.Rights[n].Source {
			c.source |= 1 << i
		}
		for _, l := range raw.Rights[n].On {
			lv, err := ParseLevel(l)
			if err != nil {
				return nil, fmt.Errorf("catalog: right %s: %w", n, err)
			}
			if lv.depth() < 3 {
				return nil, fmt.Errorf("catalog: right %s: %s is not a single resource", n, lv)
			}
			c.on[lv] |= 1 << i
		}
	}
	set := func(where string, list []string) (rights, error) {
		var r rights
		for _, n := range list {
			b, ok := bit[n]
			if !ok {
				return 0, fmt.Errorf("catalog: %s: unknown right %q", where, n)
			}
			r |= b
		}
		return r, nil
	}

	// Resolve includes depth-first, rejecting cycles.
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var resolve func(role string, path []string) (rights, error)
	resolve = func(role string, path []string) (rights, error) {
		def, ok := raw.Roles[role]
		if !ok {
			if c.readOnlyRole(role) {
				return 0, nil
			}
			return 0, fmt.Errorf("catalog: role %s includes unknown role %q", path[len(path)-1], role)
		}
		switch state[role] {
		case done:
			return c.roles[role], nil
		case visiting:
			return 0, fmt.Errorf("catalog: role include cycle: %s", strings.Join(append(path, role), " → "))
		}
		state[role] = visiting
		r, err := set("role "+role, def.Rights)
		if err != nil {
			return 0, err
		}
		for _, inc := range def.Includes {
			ir, err := resolve(inc, append(path, role))
			if err != nil {
				return 0, err
			}
			r |= ir
		}
		state[role] = done
		c.roles[role] = r
		return r, nil
	}
	roleIDs := make([]string, 0, len(raw.Roles))
	for id := range raw.Roles {
		roleIDs = append(roleIDs, id)
	}
	sort.Strings(roleIDs)
	for _, id := range roleIDs {
		if _, err := resolve(id, nil); err != nil {
			return nil, err
		}
	}

	for name := range raw.Capabilities {
		if !slices.Contains(entitlement.Capabilities, entitlement.Capability(name)) {
			return nil, fmt.Errorf("catalog: unknown capability %q", name)
		}
	}
	for _, capability := range entitlement.Capabilities {
		alts, ok := raw.Capabilities[string(capability)]
		if !ok {
			continue
		}
		rule := capabilityRule{capability: capability}
		for i, a := range alts {
			where := fmt.Sprintf("capability %s alternative %d", capability, i+1)
			r, err := set(where, a.All)
			if err != nil {
				return nil, err
			}
			if r == 0 {
				return nil, fmt.Errorf("catalog: %s: no rights", where)
			}
			rule.alts = append(rule.alts, alternative{all: r})
		}
		c.caps = append(c.caps, rule)
	}
	var err error
	if c.token, err = set("impersonation.token", raw.Impersonation.Token); err != nil {
		return nil, err
	}
	if c.use, err = set("impersonation.use", raw.Impersonation.Use); err != nil {
		return nil, err
	}
	if c.runAs, err = set("impersonation.run_as", raw.Impersonation.RunAs); err != nil {
		return nil, err
	}
	return c, nil
}

// readOnlyRole reports a role whose name says it only reads.
func (c *catalog) readOnlyRole(role string) bool {
	for _, s := range c.readOnly {
		if role == s || strings.HasSuffix(role, "."+s) {
			return true
		}
	}
	return false
}

// role returns what a role carries and whether the catalog knows it.
func (c *catalog) role(id string) (rights, bool) {
	if r, ok := c.roles[id]; ok {
		return r, true
	}
	return 0, c.readOnlyRole(id)
}

// applicable masks what a role carries by where it is bound: all of it on
// an organization, cloud or folder, on a single resource only the rights
// about that kind of resource.
func (c *catalog) applicable(l Level) rights {
	if l.depth() < 3 {
		return ^rights(0)
	}
	return c.on[l]
}

// list names the rights of a set, in catalog order.
func (c *catalog) list(r rights) []string {
	var out []string
	for r != 0 {
		i := bits.TrailingZeros64(uint64(r))
		out = append(out, c.names[i])
		r &^= 1 << i
	}
	return out
}

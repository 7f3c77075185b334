package openstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// rule is one named policy rule, parsed.
type rule struct {
	name   string
	check  string // as the via shows it
	node   node
	source string // "default", or file:line of the override
}

// policy is every service's rules: the in-code defaults with the policy
// files' overrides.
type policy map[string]map[string]*rule

// override is a rule a policy file sets.
type override struct {
	check string
	where string // file:line
}

// loadPolicy reads the policy files over the defaults. notes say what was
// assumed.
func loadPolicy(files []File, legacy bool, d *data) (policy, []string, error) {
	overrides := map[string]map[string]override{}
	for _, f := range files {
		svc := serviceOf(f.Name, d.services)
		if svc == "" {
			return nil, nil, fmt.Errorf("%s: cannot tell the service from the file name; name it after one of %s (e.g. cinder.yaml)", f.Name, strings.Join(d.services, ", "))
		}
		rules, err := parsePolicyFile(f)
		if err != nil {
			return nil, nil, err
		}
		if overrides[svc] == nil {
			overrides[svc] = map[string]override{}
		}
		for name, o := range rules {
			overrides[svc][name] = o // a later file wins, as in oslo.policy's policy_dirs
		}
	}

	var notes []string
	p := policy{}
	for _, svc := range d.services {
		rules := map[string]*rule{}
		for name, def := range d.defaults[svc] {
			r, err := defaultOf(name, def, legacy)
			if err != nil {
				return nil, nil, fmt.Errorf("defaults.yaml: %s %s: %w", svc, name, err)
			}
			rules[name] = r
		}
		for name, o := range overrides[svc] {
			n, err := parseCheck(o.check)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: rule %q: %w", o.where, name, err)
			}
			rules[name] = &rule{name: name, check: o.check, node: n, source: o.where}
		}
		if err := checkCycles(svc, rules); err != nil {
			return nil, nil, err
		}
		notes = append(notes, undefinedRefs(svc, rules)...)
		if overrides[svc] == nil {
			notes = append(notes, fmt.Sprintf("%s: no policy file; the in-code defaults of the snapshot-relevant rules apply", svc))
		}
		p[svc] = rules
	}
	return p, notes, nil
}

func defaultOf(name string, def defaultRule, legacy bool) (*rule, error) {
	n, err := parseCheck(def.Check)
	if err != nil {
		return nil, err
	}
	r := &rule{name: name, check: quoteEmpty(def.Check), node: n, source: "default"}
	if legacy && def.Deprecated != nil {
		dep, err := parseCheck(*def.Deprecated)
		if err != nil {
			return nil, err
		}
		r.node = orCheck{n, dep}
		r.check = quoteEmpty(def.Check) + " | deprecated: " + quoteEmpty(*def.Deprecated)
		r.source = "default, enforce_new_defaults=False"
	}
	return r, nil
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// parsePolicyFile reads oslo.policy's file form: a YAML (or JSON) mapping
// of rule name to check string, or to the old list-of-lists form.
func parsePolicyFile(f File) (map[string]override, error) {
	out := map[string]override{}
	if len(bytes.TrimSpace(f.Data)) == 0 {
		return out, nil // an empty file overrides nothing
	}
	var root yaml.Node
	if err := yaml.Unmarshal(f.Data, &root); err != nil {
		// JSON that YAML refuses (tabs, say) is still a policy.json.
		var m map[string]json.RawMessage
		if jerr := json.Unmarshal(f.Data, &m); jerr != nil {
			return nil, fmt.Errorf("%s: not a policy file: %w", f.Name, err)
		}
		for name, raw := range m {
			check, err := jsonCheck(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: rule %q: %w", f.Name, name, err)
			}
			out[name] = override{check, f.Name}
		}
		return out, nil
	}
	if len(root.Content) == 0 {
		return out, nil // comments only
	}
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of rule names to check strings", f.Name, top.Line)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		where := fmt.Sprintf("%s:%d", f.Name, k.Line)
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s: a rule name must be a string", where)
		}
		check, err := yamlCheck(v)
		if err != nil {
			return nil, fmt.Errorf("%s: rule %q: %w", where, k.Value, err)
		}
		out[k.Value] = override{check, where}
	}
	return out, nil
}

func yamlCheck(v *yaml.Node) (string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "", fmt.Errorf("no check string (write \"\" for always)")
		}
		return v.Value, nil
	case yaml.SequenceNode:
		var alts [][]string
		if err := v.Decode(&alts); err != nil {
			return "", fmt.Errorf("want a check string or a list of lists of checks: %w", err)
		}
		return legacyForm(alts), nil
	}
	return "", fmt.Errorf("want a check string")
}

func jsonCheck(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var alts [][]string
	if err := json.Unmarshal(raw, &alts); err != nil {
		return "", fmt.Errorf("want a check string or a list of lists of checks")
	}
	return legacyForm(alts), nil
}

// serviceOf finds the service a policy file belongs to in its name: the
// base name first, then the folders from the nearest.
func serviceOf(name string, services []string) string {
	parts := strings.Split(filepath.ToSlash(name), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		words := strings.FieldsFunc(strings.ToLower(parts[i]), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range words {
			if slices.Contains(services, w) {
				return w
			}
		}
	}
	return ""
}

// checkCycles refuses rules that refer to themselves through rule:NAME
// (oslo.policy would recurse until it fails).
func checkCycles(svc string, rules map[string]*rule) error {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		r := rules[name]
		if r == nil || state[name] == done {
			return nil
		}
		if state[name] == visiting {
			i := slices.Index(path, name)
			return fmt.Errorf("%s: rules refer to each other in a loop: %s (%s)", svc, strings.Join(append(path[i:], name), " → "), r.source)
		}
		state[name] = visiting
		for _, ref := range refs(r.node) {
			if err := visit(ref, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = done
		return nil
	}
	names := make([]string, 0, len(rules))
	for name := range rules {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := visit(name, nil); err != nil {
			return err
		}
	}
	return nil
}

// refs lists the rule:NAME references of a check.
func refs(n node) []string {
	switch c := n.(type) {
	case ruleCheck:
		return []string{string(c)}
	case notCheck:
		return refs(c.n)
	case andCheck:
		var out []string
		for _, m := range c {
			out = append(out, refs(m)...)
		}
		return out
	case orCheck:
		var out []string
		for _, m := range c {
			out = append(out, refs(m)...)
		}
		return out
	}
	return nil
}

// undefinedRefs notes rule:NAME references to rules nobody defines: they
// fail, as in oslo.policy.
func undefinedRefs(svc string, rules map[string]*rule) []string {
	var notes []string
	for name, r := range rules {
		for _, ref := range refs(r.node) {
			if rules[ref] == nil {
				notes = append(notes, fmt.Sprintf("%s: %s refers to rule:%s, which is not defined (it fails) (%s)", svc, name, ref, r.source))
			}
		}
	}
	slices.Sort(notes)
	return slices.Compact(notes)
}

// roleNames lists the roles the checks name (lower-cased), for the roles a
// principal able to grant roles could give itself.
func roleNames(p policy) []string {
	var out []string
	var walk func(n node)
	walk = func(n node) {
		switch c := n.(type) {
		case roleCheck:
			if !strings.Contains(string(c), "%(") {
				out = append(out, strings.ToLower(string(c)))
			}
		case notCheck:
			walk(c.n)
		case andCheck:
			for _, m := range c {
				walk(m)
			}
		case orCheck:
			for _, m := range c {
				walk(m)
			}
		}
	}
	for _, rules := range p {
		for _, r := range rules {
			walk(r.node)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// idFields are the credential fields whose values differ between
// principals and scopes of the same kind.
var idFields = []string{"project_id", "user_id", "domain_id", "project_domain_id", "user_domain_id"}

// valueFree tells whether the policy's checks compare credential ids only
// with the target's owning project in the one way that does not depend on
// their values (project_id:%(project_id)s): then evaluation can stand a
// placeholder in for the ids. A literal (project_id:abc, user_id:u1) or a
// cross comparison (user_id:%(owner)s) depends on the values.
func valueFree(p policy) bool {
	var free func(n node) bool
	free = func(n node) bool {
		switch c := n.(type) {
		case genericCheck:
			if c.isLit || !slices.Contains(idFields, c.kind) {
				return true
			}
			attr, ok := strings.CutPrefix(c.match, "%(")
			if !ok {
				return false // a literal id
			}
			attr, ok = strings.CutSuffix(attr, ")s")
			if !ok || strings.Contains(attr, "%(") {
				return false
			}
			return !slices.Contains(projectAttrs, attr) || c.kind == "project_id"
		case roleCheck:
			return true
		case notCheck:
			return free(c.n)
		case andCheck:
			return !slices.ContainsFunc(c, func(m node) bool { return !free(m) })
		case orCheck:
			return !slices.ContainsFunc(c, func(m node) bool { return !free(m) })
		}
		return true
	}
	for _, rules := range p {
		for _, r := range rules {
			if !free(r.node) {
				return false
			}
		}
	}
	return true
}

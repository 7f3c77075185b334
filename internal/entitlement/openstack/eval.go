package openstack

import (
	"slices"
	"strconv"
	"strings"
)

// truth is a check's value when the input cannot always decide it: a check
// on a target attribute other than the owning project (an image's
// visibility, a member id) or a remote check is maybe.
type truth uint8

const (
	no truth = iota
	maybe
	yes
)

// outcome is a check's value for one set of credentials and one target,
// with what decided it.
type outcome struct {
	t       truth
	matched []string // the checks that made it pass, as the via shows them
	roles   []string // the assigned roles behind matched role checks
	conds   []string // the checks the input cannot decide
	capped  []string // negations that turned a pass into a refusal (relaxed evaluation only)
}

// creds are a token's policy values: roles after implication and the scope.
type creds struct {
	roles  map[string]heldRole // by lower-cased name: oslo compares roles case-insensitively
	fields map[string]string   // project_id, user_id, domain_id, system_scope, is_admin_project
}

// heldRole is a role in the credentials and how it got there.
type heldRole struct {
	from string // the assigned role
	path string // "admin ⇒ member" when implied, else ""
}

// env evaluates one service's checks for one token against one target.
type env struct {
	rules  map[string]*rule
	cred   *creds
	target func(attr string) (string, bool)
	// relax makes every negation pass, recording it in capped: a rule that
	// fails strictly and passes relaxed is an allow a "not" takes away.
	relax bool
	depth int
	// memo keeps each rule's outcome: rules form a DAG (cycles are refused
	// at load), and without it "a: rule:b and rule:b", "b: rule:c and
	// rule:c"… would take exponential time.
	memo map[string]outcome
}

// rule evaluates a named rule once; an undefined rule fails, as in
// oslo.policy.
func (e *env) rule(name string) outcome {
	if o, ok := e.memo[name]; ok {
		return o
	}
	r := e.rules[name]
	if r == nil || e.depth >= maxRuleDepth {
		return outcome{}
	}
	e.depth++
	o := e.eval(r.node)
	e.depth--
	if e.memo == nil {
		e.memo = map[string]outcome{}
	}
	e.memo[name] = o
	return o
}

// always is how the via shows a check that always passes ("" or @).
const always = "always (\"\" or @)"

// maxRuleDepth bounds rule:NAME chains (cycles are refused at load; this
// only guards against a bug).
const maxRuleDepth = 64

func (e *env) eval(n node) outcome {
	switch c := n.(type) {
	case constCheck:
		if c {
			return outcome{t: yes, matched: []string{always}}
		}
		return outcome{}
	case ruleCheck:
		return e.rule(string(c))
	case roleCheck:
		name, ok := e.subst(string(c))
		if !ok {
			return outcome{t: maybe, conds: []string{c.String()}}
		}
		h, ok := e.cred.roles[strings.ToLower(name)]
		if !ok {
			return outcome{}
		}
		m := "role:" + name
		if h.path != "" {
			m += " (" + h.path + ")"
		}
		return outcome{t: yes, matched: []string{m}, roles: []string{h.from}}
	case remoteCheck:
		return outcome{t: maybe, conds: []string{c.String()}}
	case genericCheck:
		return e.generic(c)
	case notCheck:
		o := e.eval(c.n)
		switch o.t {
		case yes:
			if e.relax {
				return outcome{t: yes, capped: []string{c.String()}}
			}
			return outcome{}
		case no:
			return outcome{t: yes, matched: []string{c.String()}}
		default:
			return outcome{t: maybe, conds: []string{c.String()}}
		}
	case andCheck:
		all := outcome{t: yes}
		for _, n := range c {
			o := e.eval(n)
			if o.t == no {
				return outcome{}
			}
			all.t = min(all.t, o.t)
			all.merge(o)
		}
		return all
	case orCheck:
		var any outcome
		for _, n := range c {
			o := e.eval(n)
			switch {
			case o.t == yes:
				return o
			case o.t == maybe && any.t == no:
				any = o
			case o.t == maybe:
				any.conds = appendNew(any.conds, o.conds)
			}
		}
		return any
	}
	return outcome{}
}

// merge adds p's reasons to o's, each once: shared rules would otherwise
// repeat them (and double them at every level of a rule chain).
func (o *outcome) merge(p outcome) {
	o.matched = appendNew(o.matched, p.matched)
	o.roles = appendNew(o.roles, p.roles)
	o.conds = appendNew(o.conds, p.conds)
	o.capped = appendNew(o.capped, p.capped)
}

// appendNew appends the elements of add that dst lacks, into a slice of
// its own (outcomes are memoised, so their slices are shared).
func appendNew(dst, add []string) []string {
	out := dst
	for _, s := range add {
		if !slices.Contains(out, s) {
			out = append(slices.Clip(out), s)
		}
	}
	return out
}

// generic evaluates kind:match as oslo.policy's GenericCheck does: match
// with %(attr)s taken from the target, compared with a literal kind or
// with the credential field kind names.
func (e *env) generic(c genericCheck) outcome {
	match, ok := e.subst(c.match)
	if !ok {
		return outcome{t: maybe, conds: []string{c.String()}}
	}
	if c.kind == "is_admin" {
		return e.isAdmin(c, match)
	}
	want, ok := c.lit, c.isLit
	if !ok {
		var known bool
		want, known = e.field(c.kind)
		if !known {
			return outcome{t: maybe, conds: []string{c.String()}}
		}
	}
	if want != match {
		return outcome{}
	}
	return outcome{t: yes, matched: []string{c.String()}}
}

// isAdmin evaluates is_admin:X: services set a context's is_admin from
// their context_is_admin rule, so the roles behind it are that rule's.
func (e *env) isAdmin(c genericCheck, match string) outcome {
	o := e.rule("context_is_admin")
	var want string
	switch o.t {
	case yes:
		want = "True"
	case no:
		want = "False"
	default:
		return outcome{t: maybe, conds: []string{c.String()}}
	}
	if want != match {
		return outcome{}
	}
	if o.t == yes {
		return outcome{t: yes, matched: []string{c.String() + " (context_is_admin: " + strings.Join(o.matched, " and ") + ")"}, roles: o.roles}
	}
	return outcome{t: yes, matched: []string{c.String()}}
}

// field is a credential value as oslo.policy compares it (Python's str of
// the value: None, True, False).
func (e *env) field(name string) (string, bool) {
	v, ok := e.cred.fields[name]
	return v, ok
}

// subst fills %(attr)s from the target; false when an attribute is one the
// evaluation cannot know.
func (e *env) subst(s string) (string, bool) {
	if !strings.Contains(s, "%(") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "%(")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.Index(s[i:], ")s")
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		v, ok := e.target(s[i+2 : i+j])
		if !ok {
			return "", false
		}
		b.WriteString(s[:i])
		b.WriteString(v)
		s = s[i+j+2:]
	}
}

// literal reads a check's kind as a Python literal (oslo.policy tries
// ast.literal_eval first): a quoted string, True, False, None or a number.
func literal(kind string) (string, bool) {
	if len(kind) >= 2 && (kind[0] == '\'' || kind[0] == '"') && kind[len(kind)-1] == kind[0] {
		return kind[1 : len(kind)-1], true
	}
	switch kind {
	case "True", "False", "None":
		return kind, true
	}
	if _, err := strconv.ParseFloat(kind, 64); err == nil {
		return kind, true
	}
	return "", false
}

// projectAttrs are the target attributes that name the project owning the
// resource (cinder, nova: project_id; trove: tenant; glance: owner).
var projectAttrs = []string{"project_id", "tenant", "tenant_id", "project", "owner"}

// targetIn is a target owned by project.
func targetIn(project string) func(string) (string, bool) {
	return func(attr string) (string, bool) {
		if slices.Contains(projectAttrs, attr) {
			return project, true
		}
		return "", false
	}
}

// otherProject stands for a project the principal holds no role on: a check
// that passes for it passes cloud-wide.
const otherProject = "\x00another project"

package aws

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// decide evaluates one action for a principal against each resource type
// the action needs (all must be allowed): explicit deny anywhere wins, then
// the SCPs and the permissions boundary must allow, then an identity
// policy must. extra adds identity policies (a self-granted one).
func decide(n *node, action string, types []string, extra ...source) outcome {
	return decideIn(n, action, types, nil, extra...)
}

// decideIn is decide with request context: condition keys whose value is
// known (iam:PassedToService when passing a role to a given service).
func decideIn(n *node, action string, types []string, ctx map[string]string, extra ...source) outcome {
	if len(types) == 0 {
		types = []string{"*"}
	}
	la := lower(action)
	var worst outcome
	for i, r := range types {
		o := decideOne(n, action, la, r, ctx, extra)
		if i == 0 || weaker(o, worst) {
			worst = o
		}
		if o.verdict == entitlement.NotGranted {
			break
		}
	}
	return worst
}

func decideOne(n *node, action, la, r string, ctx map[string]string, extra []source) outcome {
	q := query{action: la, resource: r, vars: n.vars, ctx: ctx}
	var best *hit
	for _, srcs := range [][]source{n.identity, extra} {
		for i := range srcs {
			for _, h := range srcs[i].hits(q, false) {
				if best == nil || h.better(*best) {
					best = &h
				}
			}
		}
	}
	if best == nil {
		return notGranted
	}
	o := outcome{verdict: entitlement.Allow, scope: best.scope}
	o.via = append(append([]string{}, best.src.via...), best.describe(action))
	o.conds = append(o.conds, best.conds...)

	// explicit denies, in every kind of policy
	var except []string
	denySources := append(append([]source{}, n.identity...), extra...)
	if n.boundary != nil {
		denySources = append(denySources, *n.boundary)
	}
	denySources = append(denySources, n.scps...)
	for i := range denySources {
		for _, h := range denySources[i].hits(q, true) {
			switch {
			case len(h.conds) == 0 && h.total:
				o.verdict = entitlement.Denied
				o.via = append(o.via, "denied by "+strings.Join(append(append([]string{}, h.src.via...), h.describe(action)), ": "))
				o.conds = nil
				return o
			case len(h.conds) > 0:
				for _, c := range h.conds {
					o.conds = append(o.conds, "unless "+c)
				}
			default:
				except = append(except, h.scope)
			}
		}
	}
	// the caps: the boundary and the SCPs must allow it too, and what they
	// allow may be narrower
	var within []string
	if n.boundary != nil {
		h, ok := n.boundary.allows(q)
		if !ok {
			o.verdict = entitlement.Denied
			o.via = append(o.via, "capped by "+strings.Join(n.boundary.via, " ")+": it does not allow "+action)
			o.conds = nil
			return o
		}
		o.conds = append(o.conds, h.conds...)
		if !h.total {
			within = append(within, "the boundary's "+h.scope)
		}
	}
	if n.scps != nil {
		var allowed *hit
		for i := range n.scps {
			if h, ok := n.scps[i].allows(q); ok && (allowed == nil || h.better(*allowed)) {
				allowed = &h
			}
		}
		if allowed == nil {
			o.verdict = entitlement.Denied
			o.via = append(o.via, "capped by the service control policies: none allows "+action)
			o.conds = nil
			return o
		}
		o.conds = append(o.conds, allowed.conds...)
		if !allowed.total {
			within = append(within, "the SCPs' "+allowed.scope)
		}
	}
	if len(except) > 0 {
		o.scope += " except " + strings.Join(except, ", ")
	}
	if len(within) > 0 {
		o.scope += " within " + strings.Join(within, " and ")
	}
	if len(o.conds) > 0 {
		o.verdict = entitlement.Conditional
	}
	return o
}

// allows reports whether the policy (a boundary or an SCP) allows the
// action, with the statement that does.
func (s *source) allows(q query) (hit, bool) {
	var best *hit
	for _, h := range s.hits(q, false) {
		if best == nil || h.better(*best) {
			best = &h
		}
	}
	if best == nil {
		return hit{}, false
	}
	return *best, true
}

// query is one action on one resource type, for one principal.
type query struct {
	action   string // lower-cased
	resource string
	vars     map[string]string
	ctx      map[string]string
}

// hit is a statement of a policy that applies to an action on a resource
// type.
type hit struct {
	src     *source
	st      *statement
	pattern string // the Action pattern that matched ("" for NotAction)
	scope   string // the resources the statement reaches within the type
	total   bool   // it reaches every resource of the type
	target  string // the resource type or resource asked about
	conds   []string
}

func (h hit) better(o hit) bool {
	hc, oc := len(h.conds) == 0, len(o.conds) == 0
	if hc != oc {
		return hc
	}
	return h.total && !o.total
}

// describe renders the statement for a via chain.
func (h hit) describe(action string) string {
	effect := "Allow"
	if h.st.Deny {
		effect = "Deny"
	}
	what := h.pattern
	if h.st.NotAction {
		what = "NotAction " + strings.Join(h.st.ActionText, ",")
	}
	target := action
	if h.target != "*" && !strings.ContainsAny(h.target, "*?") {
		target += " on " + h.target
	}
	s := h.st.label() + ": " + effect + " " + what + " (" + target + ")"
	if h.scope != "*" {
		s += " on " + h.scope
	}
	return s
}

// hits returns the statements of the given effect that apply to the
// action on resource type r.
func (s *source) hits(q query, deny bool) []hit {
	var out []hit
	for i := range s.doc.Statements {
		st := &s.doc.Statements[i]
		if st.Deny != deny {
			continue
		}
		pattern, ok := st.matchAction(q.action)
		if !ok {
			continue
		}
		scope, total, ok := st.reach(q.resource, q.vars)
		if !ok {
			continue
		}
		conds, ok := st.conditionsIn(q.ctx)
		if !ok {
			continue
		}
		out = append(out, hit{src: s, st: st, pattern: pattern, scope: scope, total: total, target: q.resource, conds: conds})
	}
	return out
}

// matchAction reports whether the statement covers the lower-cased action.
func (st *statement) matchAction(la string) (string, bool) {
	for i, p := range st.Actions {
		if match(p, la) {
			if st.NotAction {
				return "", false
			}
			if i < len(st.ActionText) {
				return st.ActionText[i], true
			}
			return p, true
		}
	}
	return "", st.NotAction
}

// reach reports whether the statement's resources reach the resource type
// r, what part of it ("*" when all), and whether it covers all of it.
func (st *statement) reach(r string, vars map[string]string) (string, bool, bool) {
	if st.Resources == nil {
		return "*", true, true
	}
	if st.NotResource {
		var excluded []string
		for _, p := range st.Resources {
			if covers(substitute(p, vars, false), r) {
				return "", false, false
			}
			if intersects(substitute(p, vars, true), r) {
				excluded = append(excluded, p)
			}
		}
		if len(excluded) == 0 {
			return "*", true, true
		}
		return "* except " + strings.Join(excluded, ", "), false, true
	}
	var reached []string
	for _, p := range st.Resources {
		if covers(substitute(p, vars, false), r) {
			return "*", true, true
		}
		if intersects(substitute(p, vars, true), r) {
			reached = append(reached, p)
		}
	}
	if len(reached) == 0 {
		return "", false, false
	}
	return strings.Join(reached, ", "), false, true
}

// substitute fills policy variables (${aws:username}) the principal
// defines. An unknown variable stands for anything when asking whether a
// pattern reaches a resource (wild) and for nothing when asking whether it
// covers one.
func substitute(p string, vars map[string]string, wild bool) string {
	if !strings.Contains(p, "${") {
		return p
	}
	var b strings.Builder
	for {
		i := strings.Index(p, "${")
		if i < 0 {
			b.WriteString(p)
			break
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			b.WriteString(p)
			break
		}
		b.WriteString(p[:i])
		name := p[i+2 : i+j]
		switch v, ok := vars[lower(name)]; {
		case name == "*" || name == "?" || name == "$":
			b.WriteString(name) // the escapes for literal characters
		case ok:
			b.WriteString(v)
		case wild:
			b.WriteByte('*')
		default:
			b.WriteByte(0)
		}
		p = p[i+j+1:]
	}
	return b.String()
}

// variables are the policy variables the principal defines.
func variables(n *node) map[string]string {
	v := map[string]string{"aws:principalaccount": n.account}
	if n.kind == "user" {
		v["aws:username"] = n.name
	}
	return v
}

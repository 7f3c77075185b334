package openstack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Evaluate reads Keystone's role assignments and the services' policies
// and returns, per principal and capability, the grant.
func Evaluate(in Input) (*entitlement.Report, error) {
	cloud := cmp.Or(in.Cloud, event.OpenStack)
	if cloud != event.OpenStack && cloud != event.VKCloud {
		return nil, fmt.Errorf("openstack: cloud %q is neither %s nor %s", cloud, event.OpenStack, event.VKCloud)
	}
	d, err := embedded()
	if err != nil {
		return nil, err
	}
	asg, err := parseAssignments(in.Assignments)
	if err != nil {
		return nil, err
	}
	imps, err := parseImplied(in.Implied)
	if err != nil {
		return nil, err
	}
	var notes []string
	if imps == nil {
		imps = bootstrapImplications
		notes = append(notes, "implied roles: no export given; Keystone's bootstrap implications assumed (admin ⇒ member ⇒ reader)")
	}
	e := &evaluator{d: d, cloud: cloud, graph: newRoleGraph(imps)}
	if cloud == event.OpenStack || len(in.Policies) > 0 {
		var pnotes []string
		e.pol, pnotes, err = loadPolicy(in.Policies, in.LegacyDefaults, d)
		if err != nil {
			return nil, err
		}
		notes = append(notes, pnotes...)
		if len(in.Policies) > 0 {
			base, _, err := loadPolicy(nil, in.LegacyDefaults, d)
			if err != nil {
				return nil, err
			}
			notes = append(notes, e.loosened(base)...)
		}
		if in.LegacyDefaults {
			notes = append(notes, "enforce_new_defaults=False: a default with a deprecated check string passes when either passes (broader)")
		}
		notes = append(notes,
			"is_admin_project is taken as True (Keystone with no admin project configured)",
			"scope_types and enforce_scope are not modelled: a system- or domain-scoped token is evaluated by its roles and scope fields only")
	}
	return e.run(asg, notes), nil
}

// evaluator holds one run's catalog, policy and role implications.
type evaluator struct {
	d     *data
	cloud event.Cloud
	pol   policy // nil: no policy evaluation (VK Cloud without policy files)
	graph *roleGraph
	// self caches, per capability, the path a role gives to a principal
	// that can grant itself that role.
	self map[entitlement.Capability]*path
}

// holder is a principal with its assignments, by scope.
type holder struct {
	id, typ string
	scopes  []*scoped
}

// scoped is what a principal holds on one scope.
type scoped struct {
	scope    scope
	assigned []string            // roles as assigned, in input order
	groups   map[string][]string // role → groups it comes through
}

// path is one way a principal holds a capability.
type path struct {
	verdict  entitlement.Verdict
	scope    string
	via      []string
	conds    []string
	indirect bool
	label    string // what and where, for the via's "also:" lines
}

func (e *evaluator) run(asg []assignment, notes []string) *entitlement.Report {
	var holders []*holder
	byID := map[string]*holder{}
	unnamed := map[string]bool{}
	for _, a := range asg {
		a.role = e.graph.name(a.role)
		if looksLikeID(a.role) {
			unnamed[a.role] = true
		}
		key := a.ptype + "\x00" + a.principal
		h := byID[key]
		if h == nil {
			h = &holder{id: a.principal, typ: a.ptype}
			byID[key] = h
			holders = append(holders, h)
		}
		var s *scoped
		for _, t := range h.scopes {
			if t.scope == a.scope {
				s = t
			}
		}
		if s == nil {
			s = &scoped{scope: a.scope, groups: map[string][]string{}}
			h.scopes = append(h.scopes, s)
		}
		if !slices.Contains(s.assigned, a.role) {
			s.assigned = append(s.assigned, a.role)
		}
		if a.group != "" && !slices.Contains(s.groups[a.role], a.group) {
			s.groups[a.role] = append(s.groups[a.role], a.group)
		}
	}
	if len(unnamed) > 0 {
		notes = append(notes, fmt.Sprintf("%d roles are ids, not names: policies name roles, so run openstack role assignment list with --names (or give the implied role list, which names them)", len(unnamed)))
	}

	r := &entitlement.Report{Principals: len(holders), Notes: notes}
	vkUnknown := map[string]bool{}
	for _, h := range holders {
		paths := map[entitlement.Capability][]path{}
		for _, s := range h.scopes {
			cr := e.creds(h, s)
			if e.pol != nil {
				for _, w := range e.d.ways {
					if p, ok := e.policyPath(w, cr, s); ok {
						paths[w.capability] = append(paths[w.capability], p)
					}
				}
			}
			if e.cloud == event.VKCloud {
				for _, p := range e.vkPaths(s, vkUnknown) {
					paths[p.c] = append(paths[p.c], p.path)
				}
			}
		}
		e.addIndirect(paths)
		for _, c := range entitlement.Capabilities {
			if g, ok := grantOf(e.cloud, h, c, paths[c]); ok {
				r.Grants = append(r.Grants, g)
			}
		}
	}
	if len(vkUnknown) > 0 && e.pol == nil {
		names := make([]string, 0, len(vkUnknown))
		for n := range vkUnknown {
			names = append(names, n)
		}
		slices.Sort(names)
		r.Notes = append(r.Notes, "vkcloud: roles not in the VK role catalog give nothing here: "+strings.Join(names, ", "))
	}
	if e.cloud == event.VKCloud && e.d.vkDate == "" {
		r.Notes = append(r.Notes, "vkcloud: the role catalog follows VK's documentation ("+e.d.vkSource+") and has not been verified against a live project")
	}
	entitlement.Sort(r.Grants)
	return r
}

// creds builds a token's policy values for a principal on one scope.
func (e *evaluator) creds(h *holder, s *scoped) *creds {
	c := &creds{roles: map[string]heldRole{}, fields: map[string]string{
		"user_id":          h.id,
		"project_id":       "None",
		"domain_id":        "None",
		"system_scope":     "None",
		"is_admin_project": "True",
	}}
	switch s.scope.kind {
	case "project", "projects":
		c.fields["project_id"] = s.scope.id
	case "domain":
		c.fields["domain_id"] = s.scope.id
	case "system":
		c.fields["system_scope"] = s.scope.id
	}
	for _, a := range s.assigned {
		e.graph.expand(a, c.roles)
	}
	return c
}

// reqOutcome is one required rule's outcome.
type reqOutcome struct {
	req requirement
	r   *rule
	o   outcome
}

// evalWay evaluates every rule a way requires, for one target.
func (e *evaluator) evalWay(w way, cr *creds, target func(string) (string, bool), relax bool) (truth, []reqOutcome) {
	t := yes
	outs := make([]reqOutcome, 0, len(w.requires))
	for _, req := range w.requires {
		r := e.pol[req.service][req.rule]
		var o outcome
		if r != nil {
			env := &env{rules: e.pol[req.service], cred: cr, target: target, relax: relax}
			o = env.eval(r.node)
		}
		t = min(t, o.t)
		outs = append(outs, reqOutcome{req, r, o})
	}
	return t, outs
}

// policyPath evaluates one way for a principal on one scope: against a
// resource of its own project, and of a project it holds nothing on (a
// pass there is cloud-wide).
func (e *evaluator) policyPath(w way, cr *creds, s *scoped) (path, bool) {
	type target struct {
		fn    func(string) (string, bool)
		scope string
	}
	var targets []target
	if s.scope.kind == "project" || s.scope.kind == "projects" {
		targets = append(targets, target{targetIn(s.scope.id), s.scope.String()})
	}
	targets = append(targets, target{targetIn(otherProject), "*"})

	// Cloud-wide first, then the own project.
	for _, t := range slices.Backward(targets) {
		if v, outs := e.evalWay(w, cr, t.fn, false); v == yes {
			return e.makePath(entitlement.Allow, w, s, t.scope, outs), true
		}
	}
	for _, t := range targets {
		if v, outs := e.evalWay(w, cr, t.fn, false); v == maybe {
			return e.makePath(entitlement.Conditional, w, s, t.scope, outs), true
		}
	}
	for _, t := range targets {
		if v, outs := e.evalWay(w, cr, t.fn, true); v != no {
			return e.makePath(entitlement.Denied, w, s, t.scope, outs), true
		}
	}
	return path{}, false
}

func (e *evaluator) makePath(v entitlement.Verdict, w way, s *scoped, where string, outs []reqOutcome) path {
	p := path{verdict: v, scope: where, label: w.what + " on " + scopeLabel(where)}
	var roles, capped []string
	for _, o := range outs {
		roles = append(roles, o.o.roles...)
		capped = append(capped, o.o.capped...)
		if v == entitlement.Conditional {
			p.conds = append(p.conds, o.o.conds...)
		}
	}
	p.via = append(p.via, holding(s, roles))
	for _, o := range outs {
		if o.r == nil {
			p.via = append(p.via, o.req.String()+" [undefined: fails]")
			continue
		}
		how := strings.Join(o.o.matched, " and ")
		if how == "" || o.o.t != yes || len(o.o.capped) > 0 {
			how = o.r.check
		}
		p.via = append(p.via, fmt.Sprintf("%s [%s]: %s", o.req, o.r.source, how))
	}
	if len(capped) > 0 {
		p.via = append(p.via, "refused by: "+strings.Join(dedupe(capped), ", "))
	}
	p.via = append(p.via, "gives: "+w.what)
	p.conds = dedupe(p.conds)
	return p
}

// holding says which assigned roles a path rests on, and where.
func holding(s *scoped, matched []string) string {
	roles := dedupe(matched)
	var out string
	switch len(roles) {
	case 0:
		// The check names no role: any role on the scope passes.
		roles = s.assigned
		out = fmt.Sprintf("any role on %s (holds %s)", s.scope, strings.Join(roles, ", "))
	case 1:
		out = fmt.Sprintf("role %s on %s", roles[0], s.scope)
	default:
		out = fmt.Sprintf("roles %s on %s", strings.Join(roles, ", "), s.scope)
	}
	var groups []string
	for _, r := range roles {
		groups = append(groups, s.groups[r]...)
	}
	if len(groups) > 0 {
		out += " through group " + strings.Join(dedupe(groups), ", ")
	}
	return out
}

func scopeLabel(s string) string {
	if s == "*" {
		return "every project"
	}
	return s
}

type capPath struct {
	c entitlement.Capability
	path
}

// vkPaths reads a scope's roles through the VK role catalog.
func (e *evaluator) vkPaths(s *scoped, unknown map[string]bool) []capPath {
	var out []capPath
	for _, a := range s.assigned {
		vr := e.d.vkRole(a)
		if vr == nil {
			unknown[a] = true
			continue
		}
		out = append(out, e.vkRolePaths(vr, holding(s, []string{a}), s.scope.String())...)
	}
	return out
}

func (e *evaluator) vkRolePaths(vr *vkRole, held, where string) []capPath {
	var out []capPath
	via := func() []string {
		return []string{held, fmt.Sprintf("VK role %s: %s [VK role catalog]", vr.name, vr.what)}
	}
	for _, c := range vr.grants {
		out = append(out, capPath{c, path{verdict: entitlement.Allow, scope: where, via: via(), label: "VK role " + vr.name + " on " + where}})
	}
	for _, c := range entitlement.Capabilities {
		why, ok := vr.unverified[c]
		if !ok || slices.Contains(vr.grants, c) {
			continue
		}
		out = append(out, capPath{c, path{verdict: entitlement.Conditional, scope: where, via: via(),
			conds: []string{"unverified: " + why}, label: "VK role " + vr.name + " on " + where}})
	}
	return out
}

// addIndirect gives a principal that can grant itself roles (admin
// equivalent) the capabilities it does not hold directly, through the role
// it would grant itself.
func (e *evaluator) addIndirect(paths map[entitlement.Capability][]path) {
	admin, ok := best(paths[entitlement.AdminEquivalent])
	if !ok || (admin.verdict != entitlement.Allow && admin.verdict != entitlement.Conditional) {
		return
	}
	for _, c := range entitlement.Capabilities {
		if c == entitlement.AdminEquivalent {
			continue
		}
		if b, ok := best(paths[c]); ok && b.verdict == entitlement.Allow && !b.indirect {
			continue
		}
		sp := e.selfGrant(c)
		if sp == nil {
			continue
		}
		p := path{verdict: admin.verdict, scope: admin.scope, indirect: true, label: "a role it grants itself"}
		p.via = append(slices.Clone(admin.via), sp.via...)
		p.conds = dedupe(append(slices.Clone(admin.conds), sp.conds...))
		paths[c] = append(paths[c], p)
	}
}

// selfGrant is the path a role gives for c, starting with "grants itself
// role R"; nil when no role gives it.
func (e *evaluator) selfGrant(c entitlement.Capability) *path {
	if e.self == nil {
		e.self = map[entitlement.Capability]*path{}
	}
	if p, ok := e.self[c]; ok {
		return p
	}
	var found *path
	if e.pol != nil {
		for _, role := range e.grantableRoles() {
			s := &scoped{scope: scope{"project", "(a project it grants itself the role on)"}, assigned: []string{role}, groups: map[string][]string{}}
			cr := e.creds(&holder{id: "(itself)"}, s)
			for _, w := range e.d.ways {
				if w.capability != c {
					continue
				}
				if p, ok := e.policyPath(w, cr, s); ok && p.verdict == entitlement.Allow {
					p.via[0] = "grants itself role " + role
					found = &p
					break
				}
			}
			if found != nil {
				break
			}
		}
	}
	if found == nil && e.cloud == event.VKCloud {
		for i := range e.d.vkRoles {
			vr := &e.d.vkRoles[i]
			if !slices.Contains(vr.grants, c) || slices.Contains(vr.grants, entitlement.AdminEquivalent) {
				continue
			}
			ps := e.vkRolePaths(vr, "grants itself role "+vr.name, "")
			for _, cp := range ps {
				if cp.c == c {
					found = &cp.path
					break
				}
			}
			if found != nil {
				break
			}
		}
	}
	e.self[c] = found
	return found
}

// grantableRoles are the roles a principal could grant itself, fewest
// implied roles first (the least it needs).
func (e *evaluator) grantableRoles() []string {
	set := map[string]bool{}
	for _, r := range roleNames(e.pol) {
		set[r] = true
	}
	for r := range e.graph.known {
		set[r] = true
	}
	roles := make([]string, 0, len(set))
	for r := range set {
		roles = append(roles, r)
	}
	size := func(r string) int {
		m := map[string]heldRole{}
		e.graph.expand(r, m)
		return len(m)
	}
	slices.SortFunc(roles, func(a, b string) int { return cmp.Or(size(a)-size(b), strings.Compare(a, b)) })
	return roles
}

func rank(p path) int {
	r := 0
	switch p.verdict {
	case entitlement.Allow:
		r = 30
	case entitlement.Conditional:
		r = 20
	case entitlement.Eligible:
		r = 15
	case entitlement.Denied:
		r = 10
	}
	if !p.indirect {
		r += 2
	}
	if p.scope == "*" {
		r++
	}
	return r
}

func best(ps []path) (path, bool) {
	if len(ps) == 0 {
		return path{}, false
	}
	b := ps[0]
	for _, p := range ps[1:] {
		if rank(p) > rank(b) {
			b = p
		}
	}
	return b, true
}

// maxAlso bounds the via's "also:" lines.
const maxAlso = 3

// grantOf folds a principal's paths to one capability into its grant: the
// strongest path's via, every scope at that verdict, the other ways in
// "also:" lines.
func grantOf(cloud event.Cloud, h *holder, c entitlement.Capability, ps []path) (entitlement.Grant, bool) {
	b, ok := best(ps)
	if !ok {
		return entitlement.Grant{}, false
	}
	g := entitlement.Grant{
		ID:            entitlement.GrantID(cloud, h.id, c),
		Cloud:         cloud,
		Principal:     h.id,
		PrincipalType: h.typ,
		Capability:    c,
		Verdict:       b.verdict,
		Via:           slices.Clone(b.via),
		Standing:      true,
		Indirect:      b.indirect,
	}
	var scopes, conds, also []string
	for _, p := range ps {
		if p.verdict != b.verdict || p.indirect != b.indirect {
			continue
		}
		scopes = append(scopes, p.scope)
		conds = append(conds, p.conds...)
		if p.label != b.label && !slices.Contains(also, p.label) {
			also = append(also, p.label)
		}
	}
	if slices.Contains(scopes, "*") {
		g.Scope = "*"
	} else {
		g.Scope = strings.Join(dedupe(scopes), ", ")
	}
	if b.verdict == entitlement.Conditional {
		g.Conditions = dedupe(conds)
	}
	for i, a := range also {
		if i == maxAlso {
			g.Via = append(g.Via, fmt.Sprintf("also: %d more", len(also)-maxAlso))
			break
		}
		g.Via = append(g.Via, "also: "+a)
	}
	return g, true
}

// dedupe sorts and removes repeats.
func dedupe(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

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
		e.shared = valueFree(e.pol)
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
	// shared: the policy compares no credential's value (valueFree), so
	// principals with the same roles on the same kind of scope share
	// evaluations, kept in byRoles.
	shared  bool
	byRoles map[string]*envs
}

// holder is a principal with its assignments, by scope.
type holder struct {
	id, typ string
	scopes  []*scoped
}

// scoped is what a principal holds on one scope.
type scoped struct {
	scope    scope
	label    string              // scope.String()
	assigned []string            // roles as assigned, in input order
	groups   map[string][]string // role → groups it comes through
}

// path is one way a principal holds a capability.
type path struct {
	verdict  entitlement.Verdict
	scope    string
	conds    []string
	indirect bool
	what     string // what gives it, for the via's "also:" lines
	// via is the chain of grants; build makes it on demand instead (most
	// paths are never shown).
	via   []string
	build func() []string
}

func (p path) lines() []string {
	if p.via == nil && p.build != nil {
		return p.build()
	}
	return p.via
}

func (p path) label() string { return p.what + " on " + scopeLabel(p.scope) }

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
			s = &scoped{scope: a.scope, label: a.scope.String(), groups: map[string][]string{}}
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
			if e.pol != nil {
				es := e.envsFor(h, s)
				for i, w := range e.d.ways {
					if p, ok := e.policyPath(i, es, s); ok {
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

// creds builds a token's policy values for a principal on one scope (id:
// the scope's id, or its stand-in).
func (e *evaluator) creds(user string, s *scoped, id string) *creds {
	c := &creds{roles: map[string]heldRole{}, fields: map[string]string{
		"user_id":          user,
		"project_id":       "None",
		"domain_id":        "None",
		"system_scope":     "None",
		"is_admin_project": "True",
	}}
	switch s.scope.kind {
	case "project", "projects":
		c.fields["project_id"] = id
	case "domain":
		c.fields["domain_id"] = id
	case "system":
		c.fields["system_scope"] = id
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

// Stand-ins for a scope's own ids when principals share evaluations: a
// check only ever compares them with each other (see valueFree).
const (
	ownProject = "\x00its project"
	ownUser    = "\x00itself"
	ownDomain  = "\x00its domain"
)

// envsFor returns the environments for a principal on a scope: shared by
// every principal holding the same roles on the same kind of scope when
// the policy allows it.
func (e *evaluator) envsFor(h *holder, s *scoped) *envs {
	if !e.shared {
		return &envs{pol: e.pol, cred: e.creds(h.id, s, s.scope.id), own: s.scope.id}
	}
	roles := slices.Clone(s.assigned)
	slices.Sort(roles)
	key := s.scope.kind + "\x00" + strings.Join(roles, "\x00")
	if es, ok := e.byRoles[key]; ok {
		return es
	}
	id := ownProject
	if s.scope.kind == "domain" {
		id = ownDomain
	} else if s.scope.kind == "system" {
		id = s.scope.id
	}
	es := &envs{pol: e.pol, cred: e.creds(ownUser, s, id), own: id}
	if e.byRoles == nil {
		e.byRoles = map[string]*envs{}
	}
	e.byRoles[key] = es
	return es
}

// envs hands out one env per service, target and mode for one principal
// on one scope, so that the ways share their rules' memoised outcomes.
type envs struct {
	pol     policy
	cred    *creds
	own     string // the project id the credentials and an own-project target carry
	m       map[envKey]*env
	decided []decision // by way index
}

type envKey struct {
	service string
	target  string // the project the target belongs to
	relax   bool
}

func (es *envs) get(service, project string, relax bool) *env {
	k := envKey{service, project, relax}
	if e, ok := es.m[k]; ok {
		return e
	}
	if es.m == nil {
		es.m = map[envKey]*env{}
	}
	e := &env{rules: es.pol[service], cred: es.cred, target: targetIn(project), relax: relax}
	es.m[k] = e
	return e
}

// evalWay evaluates every rule a way requires, for a resource of project.
func (e *evaluator) evalWay(w way, es *envs, project string, relax bool) (truth, []reqOutcome) {
	t := yes
	outs := make([]reqOutcome, 0, len(w.requires))
	for _, req := range w.requires {
		r := e.pol[req.service][req.rule]
		var o outcome
		if r != nil {
			o = es.get(req.service, project, relax).rule(req.rule)
		}
		t = min(t, o.t)
		outs = append(outs, reqOutcome{req, r, o})
	}
	return t, outs
}

// decision is how one way went for one set of credentials.
type decision struct {
	done    bool
	verdict entitlement.Verdict // "" when the way gives nothing
	own     bool                // on the scope's own project (else cloud-wide)
	outs    []reqOutcome
}

// decide evaluates way i against a resource of the scope's own project,
// and of a project it holds nothing on (a pass there is cloud-wide). The
// decision is kept with the environments, shared by principals alike.
func (e *evaluator) decide(i int, es *envs, hasOwn bool) decision {
	if es.decided == nil {
		es.decided = make([]decision, len(e.d.ways))
	}
	if d := es.decided[i]; d.done {
		return d
	}
	w := e.d.ways[i]
	d := decision{done: true}
	ownT, ownOuts := no, []reqOutcome(nil)
	if hasOwn {
		ownT, ownOuts = e.evalWay(w, es, es.own, false)
	}
	otherT, otherOuts := e.evalWay(w, es, otherProject, false)
	switch {
	case otherT == yes:
		d.verdict, d.outs = entitlement.Allow, otherOuts
	case ownT == yes:
		d.verdict, d.own, d.outs = entitlement.Allow, true, ownOuts
	case ownT == maybe:
		d.verdict, d.own, d.outs = entitlement.Conditional, true, ownOuts
	case otherT == maybe:
		d.verdict, d.outs = entitlement.Conditional, otherOuts
	default:
		if hasOwn {
			if t, outs := e.evalWay(w, es, es.own, true); t != no {
				d.verdict, d.own, d.outs = entitlement.Denied, true, outs
			}
		}
		if d.verdict == "" {
			if t, outs := e.evalWay(w, es, otherProject, true); t != no {
				d.verdict, d.outs = entitlement.Denied, outs
			}
		}
	}
	es.decided[i] = d
	return d
}

// policyPath is way i for a principal on one scope.
func (e *evaluator) policyPath(i int, es *envs, s *scoped) (path, bool) {
	hasOwn := s.scope.kind == "project" || s.scope.kind == "projects"
	d := e.decide(i, es, hasOwn)
	if d.verdict == "" {
		return path{}, false
	}
	w := &e.d.ways[i]
	where := "*"
	if d.own {
		where = s.label
	}
	p := path{verdict: d.verdict, scope: where, what: w.what}
	if d.verdict == entitlement.Conditional {
		for _, o := range d.outs {
			p.conds = appendNew(p.conds, o.o.conds)
		}
		slices.Sort(p.conds)
	}
	p.build = func() []string { return policyVia(w, s, d.outs) }
	return p, true
}

// policyVia is a policy path's chain: the assignment, each required rule
// with the checks that passed, what refused it, what it gives.
func policyVia(w *way, s *scoped, outs []reqOutcome) []string {
	var roles, capped []string
	for _, o := range outs {
		roles = append(roles, o.o.roles...)
		capped = append(capped, o.o.capped...)
	}
	via := []string{holding(s, roles)}
	for _, o := range outs {
		if o.r == nil {
			via = append(via, o.req.String()+" [undefined: fails]")
			continue
		}
		how := strings.Join(o.o.matched, " and ")
		if how == "" || o.o.t != yes || len(o.o.capped) > 0 {
			how = o.r.check
		}
		via = append(via, fmt.Sprintf("%s [%s]: %s", o.req, o.r.source, how))
	}
	if len(capped) > 0 {
		via = append(via, "refused by: "+strings.Join(dedupe(capped), ", "))
	}
	return append(via, "gives: "+w.what)
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
		out = append(out, e.vkRolePaths(vr, holding(s, []string{a}), s.label)...)
	}
	return out
}

func (e *evaluator) vkRolePaths(vr *vkRole, held, where string) []capPath {
	var out []capPath
	via := func() []string {
		return []string{held, fmt.Sprintf("VK role %s: %s [VK role catalog]", vr.name, vr.what)}
	}
	for _, c := range vr.grants {
		out = append(out, capPath{c, path{verdict: entitlement.Allow, scope: where, via: via(), what: "VK role " + vr.name}})
	}
	for _, c := range entitlement.Capabilities {
		why, ok := vr.unverified[c]
		if !ok || slices.Contains(vr.grants, c) {
			continue
		}
		out = append(out, capPath{c, path{verdict: entitlement.Conditional, scope: where, via: via(),
			conds: []string{"unverified: " + why}, what: "VK role " + vr.name}})
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
		p := path{verdict: admin.verdict, scope: admin.scope, indirect: true, what: "a role it grants itself"}
		p.via = append(slices.Clone(admin.lines()), sp.lines()...)
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
			sc := scope{"project", "(a project it grants itself the role on)"}
			s := &scoped{scope: sc, label: sc.String(), assigned: []string{role}, groups: map[string][]string{}}
			es := &envs{pol: e.pol, cred: e.creds("(itself)", s, s.scope.id), own: s.scope.id}
			for i, w := range e.d.ways {
				if w.capability != c {
					continue
				}
				if p, ok := e.policyPath(i, es, s); ok && p.verdict == entitlement.Allow {
					p.via = p.lines()
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
		Via:           slices.Clone(b.lines()),
		Standing:      true,
		Indirect:      b.indirect,
	}
	var scopes, conds, also []string
	bl := b.label()
	for _, p := range ps {
		if p.verdict != b.verdict || p.indirect != b.indirect {
			continue
		}
		scopes = append(scopes, p.scope)
		conds = append(conds, p.conds...)
		if l := p.label(); l != bl && !slices.Contains(also, l) {
			also = append(also, l)
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

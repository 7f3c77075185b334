package openstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

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

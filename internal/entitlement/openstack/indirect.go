package openstack

import (
	"cmp"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

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

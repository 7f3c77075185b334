package gcp

import (
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// result is how an identity holds one capability.
type result struct {
	name     string // the requirement met
	verdict  entitlement.Verdict
	via      []string
	conds    []string
	scopes   []Resource
	indirect bool
}

func (r *result) rank() int { return rank(r.verdict, r.indirect) }

// direct evaluates an identity's own capabilities (its bindings, and what
// it can grant itself) over the evaluation points: the hierarchy's leaves.
func (e *evaluator) direct(member string, leaves []*chain) map[entitlement.Capability]*result {
	best := holdings{}
	capped := map[string][]string{} // permission → deny rules that cap it at some leaf
	for _, leaf := range e.pointsFor(member, leaves) {
		for p, h := range e.at(member, leaf) {
			if old := best[p]; old == nil || h.rank() > old.rank() {
				best[p] = h
			}
			if h.verdict == entitlement.Denied {
				capped[p] = appendNew(capped[p], h.via[len(h.via)-1])
			}
		}
	}
	out := map[entitlement.Capability]*result{}
	for _, c := range entitlement.Capabilities {
		var met []*result
		for _, req := range e.c.caps[c] {
			if r := combine(req, best, capped); r != nil {
				met = append(met, r)
			}
		}
		if c == entitlement.AdminEquivalent {
			met = append(met, e.roleUpdate(member)...)
		}
		if r := choose(met); r != nil {
			out[c] = r
		}
	}
	return out
}

// pointsFor is the leaves where a member's bindings reach, one per
// distinct set of its bindings and deny rules on the chain (evaluating the
// others again would give the same holdings).
func (e *evaluator) pointsFor(member string, leaves []*chain) []*chain {
	var out []*chain
	seen := map[string]bool{}
	var key strings.Builder
	for _, leaf := range leaves {
		key.Reset()
		for _, b := range e.byMember[member] {
			if leaf.set[b.at] {
				key.WriteString(b.at.String())
				key.WriteByte(0)
			}
		}
		if key.Len() == 0 {
			continue // nothing of the member's reaches it
		}
		for _, r := range leaf.list {
			if e.denyAt[r] {
				key.WriteString("deny:" + r.String())
				key.WriteByte(0)
			}
		}
		if k := key.String(); !seen[k] {
			seen[k] = true
			out = append(out, leaf)
		}
	}
	return out
}

// choose picks the strongest result (the first in catalog order among
// equals) and names the other requirements also met.
func choose(met []*result) *result {
	if len(met) == 0 {
		return nil
	}
	chosen := met[0]
	for _, r := range met[1:] {
		if r.rank() > chosen.rank() {
			chosen = r
		}
	}
	var also, denied []string
	for _, r := range met {
		switch {
		case r == chosen:
		case r.verdict == entitlement.Denied:
			denied = append(denied, r.name)
		default:
			also = append(also, r.name)
		}
	}
	if len(also) > 0 {
		chosen.via = append(chosen.via, "also: "+strings.Join(also, ", "))
	}
	if len(denied) > 0 && chosen.verdict != entitlement.Denied {
		chosen.via = append(chosen.via, "denied: "+strings.Join(denied, ", "))
	}
	return chosen
}

// combine evaluates an AND-requirement on the best holding of each of its
// permissions: the weakest verdict wins, and the via chain groups the
// permissions by the binding (or deny rule) that gives them. A requirement
// held somewhere but capped elsewhere names those deny rules too.
func combine(req requirement, best holdings, capped map[string][]string) *result {
	r := &result{name: req.Name, verdict: entitlement.Allow}
	r.via = []string{req.Name + " = " + strings.Join(req.All, " AND ")}
	var labels []string
	perms := map[string][]string{}
	for _, p := range req.All {
		h := best[p]
		if h == nil {
			return nil
		}
		if verdictRank(h.verdict) < verdictRank(r.verdict) {
			r.verdict = h.verdict
		}
		r.indirect = r.indirect || h.indirect
		r.conds = appendNew(r.conds, h.conds...)
		if !slices.Contains(r.scopes, h.at) {
			r.scopes = append(r.scopes, h.at)
		}
		for _, v := range h.via {
			if _, ok := perms[v]; !ok {
				labels = append(labels, v)
			}
			perms[v] = append(perms[v], p)
		}
	}
	if r.verdict != entitlement.Denied {
		for _, p := range req.All {
			for _, d := range capped[p] {
				d = "except where " + d
				if _, ok := perms[d]; !ok {
					labels = append(labels, d)
				}
				perms[d] = append(perms[d], p)
			}
		}
	}
	for _, l := range labels {
		r.via = append(r.via, l+": "+strings.Join(perms[l], ", "))
	}
	return r
}

// roleUpdate finds custom roles the member is bound to and may itself
// update (iam.roles.update where the role is defined): it can add any
// permission to them.
func (e *evaluator) roleUpdate(member string) []*result {
	var out []*result
	for _, b := range e.byMember[member] {
		if !isCustomRole(b.Role) {
			continue
		}
		home := roleHome(b.Role)
		h := e.at(member, e.h.chainOf(home))[e.c.roleUpdate]
		if h == nil || h.verdict == entitlement.Denied || h.indirect {
			continue
		}
		r := &result{
			name:    "update of custom role " + b.Role,
			verdict: h.verdict,
			via:     []string{"update of custom role " + b.Role + " it holds = " + e.c.roleUpdate + " at " + home.String()},
			conds:   slices.Clone(h.conds),
			scopes:  []Resource{h.at},
		}
		for _, v := range h.via {
			r.via = append(r.via, v+": "+e.c.roleUpdate)
		}
		r.via = append(r.via, "holds it through "+b.label())
		if b.Condition != nil {
			r.verdict = entitlement.Conditional
			r.conds = appendNew(r.conds, b.Condition.String())
		}
		out = append(out, r)
	}
	return out
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

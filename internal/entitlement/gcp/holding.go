package gcp

import (
	"slices"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// holding is how an identity holds one permission at one resource.
type holding struct {
	verdict  entitlement.Verdict
	via      []string // the binding (then any deny rule that caps it)
	conds    []string
	at       Resource // where the binding that gives it sits
	indirect bool     // through granting itself the role
}

// verdictRank orders verdicts from none to ALLOW.
func verdictRank(v entitlement.Verdict) int {
	switch v {
	case entitlement.Allow:
		return 3
	case entitlement.Conditional:
		return 2
	case entitlement.Denied:
		return 1
	}
	return 0
}

// rank orders holdings and results: a stronger verdict first, then a
// direct one.
func rank(v entitlement.Verdict, indirect bool) int {
	r := verdictRank(v) * 2
	if !indirect {
		r++
	}
	return r
}

func (h *holding) rank() int { return rank(h.verdict, h.indirect) }

// holdings is an identity's relevant permissions at one resource.
type holdings map[string]*holding

// at evaluates member's permissions on a resource whose chain (the
// resource and its ancestors, broadest first) is given: inherited allow
// bindings, capped by deny rules attached anywhere on the chain; a
// principal that may set the IAM policy of the chain is taken to grant
// itself the rest.
func (e *evaluator) at(member string, c *chain) holdings {
	onChain := c.set
	hs := holdings{}
	for _, b := range e.byMember[member] {
		if !onChain[b.at] {
			continue
		}
		perms, _ := e.rolePerms(b.Role)
		v, conds := entitlement.Allow, []string(nil)
		if b.Condition != nil {
			v, conds = entitlement.Conditional, []string{b.Condition.String()}
		}
		for _, p := range perms {
			if old := hs[p]; old != nil && verdictRank(old.verdict) >= verdictRank(v) {
				continue
			}
			hs[p] = &holding{verdict: v, via: []string{b.label()}, conds: conds, at: b.at}
		}
	}
	e.applyDeny(member, onChain, hs)
	granted := e.selfGrant(hs)
	e.applyDeny(member, onChain, granted)
	for p, h := range granted {
		if old := hs[p]; old == nil || h.rank() > old.rank() {
			hs[p] = h
		}
	}
	return hs
}

// applyDeny caps holdings with the deny rules that reach them.
func (e *evaluator) applyDeny(member string, onChain map[Resource]bool, hs holdings) {
	for _, r := range e.deny {
		if !onChain[r.at] || !r.matchesPrincipal(member, e.groupsOf[member]) {
			continue
		}
		for p, h := range hs {
			if !r.matchesPermission(p) || h.verdict == entitlement.Denied {
				continue
			}
			capped := *h
			capped.via = append(slices.Clone(h.via), r.label())
			if r.cond == nil {
				capped.verdict = entitlement.Denied
			} else {
				capped.verdict = entitlement.Conditional
				capped.conds = append(slices.Clone(h.conds), "unless "+r.cond.String())
			}
			hs[p] = &capped
		}
	}
}

// selfGrant returns, for a principal that can set an IAM policy on the
// chain, every relevant permission as indirect: it can bind itself to any
// role (deny rules, applied by the caller, still cap them).
func (e *evaluator) selfGrant(hs holdings) holdings {
	var best *holding
	for _, req := range e.c.caps[entitlement.AdminEquivalent] {
		if !req.SelfGrant {
			continue
		}
		for _, p := range req.All {
			if h := hs[p]; h != nil && h.verdict != entitlement.Denied && (best == nil || h.rank() > best.rank()) {
				best = h
			}
		}
	}
	if best == nil {
		return nil
	}
	via := make([]string, len(best.via))
	for i, v := range best.via {
		via[i] = "can grant itself any role: " + v
	}
	granted := holdings{}
	for p := range e.c.relevant {
		granted[p] = &holding{verdict: best.verdict, via: via, conds: best.conds, at: best.at, indirect: true}
	}
	return granted
}

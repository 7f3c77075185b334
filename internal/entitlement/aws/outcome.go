package aws

import (
	"slices"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// outcome is how a principal holds one action (or a capability): the
// verdict, the chain that gives it, the conditions it depends on and the
// resources it reaches.
type outcome struct {
	verdict entitlement.Verdict
	via     []string
	conds   []string
	scope   string
	// indirect: held through another identity or a permission the
	// principal would first grant itself
	indirect bool
}

// rank orders verdicts from nothing to an unconditional allow.
func rank(v entitlement.Verdict) int {
	switch v {
	case entitlement.Allow:
		return 4
	case entitlement.Conditional:
		return 3
	case entitlement.Eligible:
		return 2
	case entitlement.Denied:
		return 1
	}
	return 0
}

// weaker reports whether a is a weaker hold than b: a lower verdict; for
// the same verdict a narrower scope, then an indirect hold against a
// direct one, then (between indirect holds) a longer chain. Equal direct
// holds keep catalog order.
func weaker(a, b outcome) bool {
	if rank(a.verdict) != rank(b.verdict) {
		return rank(a.verdict) < rank(b.verdict)
	}
	if (a.scope == "*") != (b.scope == "*") {
		return b.scope == "*"
	}
	if a.indirect != b.indirect {
		return a.indirect
	}
	return a.indirect && len(a.via) > len(b.via)
}

var notGranted = outcome{verdict: entitlement.NotGranted}

// and combines two holds that are both needed: the weaker verdict, both
// chains, all conditions.
func and(a, b outcome) outcome {
	o := outcome{verdict: a.verdict, indirect: a.indirect || b.indirect, scope: a.scope}
	if rank(b.verdict) < rank(a.verdict) {
		o.verdict = b.verdict
	}
	o.via = slices.Clone(a.via)
	for _, v := range b.via {
		if !slices.Contains(o.via, v) {
			o.via = append(o.via, v)
		}
	}
	o.conds = slices.Clone(a.conds)
	for _, c := range b.conds {
		if !slices.Contains(o.conds, c) {
			o.conds = append(o.conds, c)
		}
	}
	if b.scope != "*" && b.scope != "" && b.scope != a.scope {
		if o.scope == "*" || o.scope == "" {
			o.scope = b.scope
		} else {
			o.scope += "; " + b.scope
		}
	}
	return o
}

// through prefixes a hold reached through another identity with the path.
func through(path outcome, held outcome) outcome {
	o := and(path, held)
	o.via = append(slices.Clone(path.via), held.via...)
	o.scope = held.scope
	o.indirect = true
	return o
}

package aws

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// How a trust policy names a principal.
const (
	namesNone     = iota
	namesAccount  // its account (root, the account id) or anyone: its own policies must allow sts:AssumeRole
	namesExplicit // its ARN or one of its sessions: the trust policy alone grants
)

// names tells how the Principal element names n.
func (p principal) names(n *node) (int, string) {
	if p.Not {
		// everyone but those listed: n, if not listed, as anyone
		q := p
		q.Not = false
		if how, _ := q.names(n); how != namesNone {
			return namesNone, ""
		}
		return namesAccount, "everyone (NotPrincipal)"
	}
	how, whom := namesNone, ""
	if p.Any {
		how, whom = namesAccount, "*"
	}
	part := partition(n.arn)
	for _, a := range p.AWS {
		switch {
		case a == n.arn:
			return namesExplicit, a
		case n.kind == "role" && strings.HasPrefix(a, "arn:"+part+":sts::"+n.account+":assumed-role/"+n.name+"/"):
			return namesExplicit, a
		case n.account != "" && (a == n.account || a == "arn:"+part+":iam::"+n.account+":root"):
			how, whom = namesAccount, a
		}
	}
	return how, whom
}

// canAssume reports whether n can assume role r: r's trust policy names n
// (or n's account, in which case n's own policies must allow
// sts:AssumeRole on r), no deny stops it; trust conditions make it
// CONDITIONAL.
func canAssume(n, r *node) (outcome, bool) {
	if r.trust == nil {
		return outcome{}, false
	}
	var best *statement
	bestHow, bestWhom := namesNone, ""
	var unless []string
	for i := range r.trust.Statements {
		st := &r.trust.Statements[i]
		if st.Actions != nil {
			if _, ok := st.matchAction("sts:assumerole"); !ok {
				continue
			}
		}
		how, whom := st.Principal.names(n)
		if how == namesNone {
			continue
		}
		if st.Deny {
			if len(st.Conditions) == 0 {
				return outcome{}, false
			}
			for _, c := range st.Conditions {
				unless = append(unless, "unless "+c.String())
			}
			continue
		}
		if best == nil || how > bestHow || (how == bestHow && len(st.Conditions) < len(best.Conditions)) {
			best, bestHow, bestWhom = st, how, whom
		}
	}
	if best == nil {
		return outcome{}, false
	}
	var id outcome
	if bestHow == namesExplicit {
		// the trust policy grants by itself; denies and caps still apply
		id = decide(n, "sts:AssumeRole", []string{r.arn}, source{via: []string{"its trust policy"}, doc: allowAllDoc})
	} else {
		id = decide(n, "sts:AssumeRole", []string{r.arn})
	}
	if rank(id.verdict) < rank(entitlement.Conditional) {
		return outcome{}, false
	}
	o := outcome{verdict: id.verdict, conds: append(id.conds, unless...), scope: "*"}
	for _, c := range best.Conditions {
		o.conds = append(o.conds, c.String())
	}
	if len(o.conds) > 0 {
		o.verdict = entitlement.Conditional
	}
	desc := "assumes role " + r.arn + " (trust " + best.label() + " names " + bestWhom
	if bestHow == namesAccount {
		desc += "; sts:AssumeRole: " + strings.Join(id.via, ": ")
	}
	o.via = []string{desc + ")"}
	return o, true
}

// trustsService reports whether the role's trust policy lets the service
// assume it.
func (n *node) trustsService(service string) bool {
	if n.trust == nil {
		return false
	}
	for _, st := range n.trust.Statements {
		if st.Deny {
			continue
		}
		if st.Actions != nil {
			if _, ok := st.matchAction("sts:assumerole"); !ok {
				continue
			}
		}
		for _, s := range st.Principal.Service {
			if s == service {
				return true
			}
		}
	}
	return false
}

func partition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

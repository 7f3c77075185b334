package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// takeovers are the identities n can become by changing IAM: a user whose
// credentials it can make, a role whose trust policy it can rewrite, a
// group it can join.
func (e *evaluator) takeovers(n *node, assumable map[*node]bool) []edge {
	var es []edge
	for _, rule := range e.cat.Takeover {
		try := func(target string, to *node, what string) {
			o := e.requirement(n, rule.Actions, []string{target}, nil)
			if rank(o.verdict) < rank(entitlement.Conditional) {
				return
			}
			o.via = []string{fmt.Sprintf("%s %s %s (%s)", rule.How, what, target, strings.Join(o.via, ": "))}
			o.scope = "*"
			es = append(es, edge{to: to, o: o})
		}
		switch rule.Target {
		case "user":
			for _, u := range e.acct.users {
				if u.arn != n.arn && u.account == n.account {
					try(u.arn, u, "user")
				}
			}
		case "role":
			for _, r := range e.acct.roles {
				if r != n && r.account == n.account && !assumable[r] {
					try(r.arn, r, "role")
				}
			}
		case "group":
			if n.kind != "user" || n.derived {
				continue // one what-if at a time
			}
			for _, g := range e.acct.groups {
				if g.account == n.account && !slices.Contains(n.groups, g.arn) {
					try(g.arn, e.derive(n, "join "+g.arn, func() *node { return n.join(g) }), "group")
				}
			}
		case "policy-version":
			if n.derived {
				continue
			}
			for _, p := range n.attached {
				for _, alt := range e.acct.versions[p] {
					try(p, e.derive(n, "version "+alt.via[0], func() *node { return n.withVersion(p, alt) }), "policy")
				}
			}
		}
	}
	return es
}

// derive returns (made once) a what-if copy of n.
func (e *evaluator) derive(n *node, what string, build func() *node) *node {
	key := n.arn + "\x00" + what
	if d, ok := e.derived[key]; ok {
		return d
	}
	if e.derived == nil {
		e.derived = make(map[string]*node)
	}
	d := build()
	e.derived[key] = d
	return d
}

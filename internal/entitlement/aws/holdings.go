package aws

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// base is what the principal holds from its own policies, and what it can
// grant itself when it is admin-equivalent (indirect).
func (e *evaluator) base(n *node) holdings {
	if h, ok := e.baseOf[n]; ok {
		return h
	}
	h := make(holdings)
	for _, c := range entitlement.Capabilities {
		if c != entitlement.AdminEquivalent {
			h[c] = e.capability(n, c)
		}
	}
	adm := e.admin(n)
	h[entitlement.AdminEquivalent] = adm
	if rank(adm.verdict) >= rank(entitlement.Conditional) {
		self := source{via: []string{"a policy it grants itself"}, doc: allowAllDoc}
		for _, c := range entitlement.Capabilities {
			if c == entitlement.AdminEquivalent {
				continue
			}
			hyp := e.capability(n, c, self)
			if hyp.verdict == entitlement.NotGranted {
				continue
			}
			o := through(adm, hyp)
			if weaker(h[c], o) {
				h[c] = o
			}
		}
	}
	if e.baseOf == nil {
		e.baseOf = make(map[*node]holdings)
	}
	e.baseOf[n] = h
	return h
}

// passed adds what the principal gets by passing a role to a service
// that acts with it.
func (e *evaluator) passed(n *node) holdings {
	if h, ok := e.passOf[n]; ok {
		return h
	}
	h := make(holdings)
	for c, o := range e.base(n) {
		h[c] = o
	}
	for _, rule := range e.cat.PassRole {
		ctx := map[string]string{"iam:passedtoservice": rule.Service}
		var starts *outcome
		for _, r := range e.acct.roles {
			// only a role of the principal's own account can be passed
			if r == n || r.account != n.account || !r.trustsService(rule.Service) {
				continue
			}
			pass := decideIn(n, "iam:PassRole", []string{r.arn}, ctx)
			if rank(pass.verdict) < rank(entitlement.Conditional) {
				continue
			}
			if starts == nil {
				o := e.requirement(n, rule.Actions, nil, nil)
				starts = &o
			}
			if rank(starts.verdict) < rank(entitlement.Conditional) {
				break
			}
			gate := and(pass, *starts)
			gate.via = []string{fmt.Sprintf("passes role %s to %s (%s; %s)", r.arn, rule.Service,
				strings.Join(pass.via, ": "), strings.Join(starts.via, ": "))}
			caps := rule.Capabilities
			if caps == nil {
				caps = entitlement.Capabilities
			}
			for _, c := range caps {
				rc := e.base(r)[c]
				if rank(rc.verdict) < rank(entitlement.Conditional) {
					continue
				}
				if o := through(gate, rc); weaker(h[c], o) {
					h[c] = o
				}
			}
		}
	}
	if e.passOf == nil {
		e.passOf = make(map[*node]holdings)
	}
	e.passOf[n] = h
	return h
}

// final adds what the principal gets through the roles it can assume,
// directly or in a chain.
func (e *evaluator) final(n *node) holdings {
	h := make(holdings)
	for c, o := range e.passed(n) {
		h[c] = o
	}
	type step struct {
		to   *node
		path outcome
	}
	seen := map[*node]bool{n: true}
	queue := []step{{to: n, path: outcome{verdict: entitlement.Allow, scope: "*"}}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, ed := range e.edges(cur.to) {
			if seen[ed.to] {
				continue
			}
			seen[ed.to] = true
			path := through(cur.path, ed.o)
			queue = append(queue, step{to: ed.to, path: path})
			for c, rc := range e.passed(ed.to) {
				if rank(rc.verdict) < rank(entitlement.Conditional) {
					continue
				}
				if o := through(path, rc); weaker(h[c], o) {
					h[c] = o
				}
			}
		}
	}
	return h
}

// edge is a role a principal can assume.
type edge struct {
	to *node
	o  outcome
}

func (e *evaluator) edges(n *node) []edge {
	if es, ok := e.edgesOf[n]; ok {
		return es
	}
	var es []edge
	assumable := make(map[*node]bool)
	for _, r := range e.acct.roles {
		if r == n {
			continue
		}
		if o, ok := canAssume(n, r); ok {
			es = append(es, edge{to: r, o: o})
			assumable[r] = true
		}
	}
	es = append(es, e.takeovers(n, assumable)...)
	if e.edgesOf == nil {
		e.edgesOf = make(map[*node][]edge)
	}
	e.edgesOf[n] = es
	return es
}

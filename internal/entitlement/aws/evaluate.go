// Package aws evaluates AWS IAM (the output of
// `aws iam get-account-authorization-details`, and optionally service
// control policies) into snapshot entitlements: per user and role, which
// capabilities of the catalog it holds, with the verdict and the chain of
// policies, statements, groups and assumed or passed roles that gives it.
// It imports only the entitlement model.
package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Evaluate reads the IAM export and the SCPs and returns, per principal
// and capability, the grant. Principals that hold nothing are counted and
// get no grants; a capped allow is kept as DENIED.
func Evaluate(in Input) (*entitlement.Report, error) {
	cat, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	d, err := readAuthorization(in.Authorization)
	if err != nil {
		return nil, err
	}
	var notes []string
	var scps []source
	for _, f := range in.SCPs {
		doc, name, err := readSCP(f)
		if err != nil {
			return nil, err
		}
		scps = append(scps, source{via: []string{"SCP " + name}, doc: doc})
	}
	if len(scps) > 0 {
		notes = append(notes, "SCPs are taken as attached at one level (their allows are unioned); "+
			"the management account, which SCPs do not restrict, is not told apart")
		if !anyAllow(scps) {
			scps = append(scps, source{via: []string{"SCP FullAWSAccess (assumed: the SCPs given only deny)"}, doc: allowAllDoc})
			notes = append(notes, "no SCP given allows anything: FullAWSAccess assumed beside them")
		}
	}
	acct, err := build(in.Authorization.Name, d, scps, cat)
	if err != nil {
		return nil, err
	}
	e := &evaluator{cat: cat, acct: acct}
	rep := &entitlement.Report{Principals: len(acct.nodes), Grants: []entitlement.Grant{}}
	rep.Notes = append(append(notes, acct.notes...), modelNotes...)
	for _, n := range acct.nodes {
		held := e.final(n)
		for _, c := range entitlement.Capabilities {
			o, ok := held[c]
			if !ok || o.verdict == entitlement.NotGranted {
				continue
			}
			rep.Grants = append(rep.Grants, entitlement.Grant{
				ID:            entitlement.GrantID(event.AWS, n.arn, c),
				Cloud:         event.AWS,
				Principal:     n.arn,
				PrincipalType: n.kind,
				Capability:    c,
				Verdict:       o.verdict,
				Via:           o.via,
				Conditions:    o.conds,
				Standing:      true,
				Indirect:      o.indirect,
				Scope:         o.scope,
			})
		}
	}
	return rep, nil
}

// modelNotes say what the evaluator does not model.
var modelNotes = []string{
	"condition values are not evaluated: a conditional allow is CONDITIONAL, a conditional deny makes it CONDITIONAL",
	"resource policies (KMS key policies, backup vault policies) and session policies are not read",
}

func anyAllow(srcs []source) bool {
	for _, s := range srcs {
		for _, st := range s.doc.Statements {
			if !st.Deny {
				return true
			}
		}
	}
	return false
}

type holdings map[entitlement.Capability]outcome

// evaluator caches each principal's holdings by stage: base (its own
// policies and what it can grant itself), with passed roles, final (with
// the roles it can assume).
type evaluator struct {
	cat     *catalog
	acct    *account
	baseOf  map[*node]holdings
	passOf  map[*node]holdings
	edgesOf map[*node][]edge
	derived map[string]*node
}

// capability evaluates a capability's alternatives (each an AND of
// actions) and keeps the strongest.
func (e *evaluator) capability(n *node, c entitlement.Capability, extra ...source) outcome {
	best := notGranted
	for _, req := range e.cat.Capabilities[c] {
		if o := e.requirement(n, req, nil, extra); weaker(best, o) {
			best = o
		}
	}
	return best
}

// requirement evaluates an AND of actions, against the catalog's resource
// types or, when targets is set, against those resources.
func (e *evaluator) requirement(n *node, req requirement, targets []string, extra []source) outcome {
	var all outcome
	for i, a := range req {
		types := targets
		if types == nil {
			types = e.cat.Resources[lower(a)]
		}
		o := decide(n, a, types, extra...)
		if o.verdict == entitlement.NotGranted {
			return notGranted
		}
		if i == 0 {
			all = o
		} else {
			all = and(all, o)
		}
	}
	return all
}

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

// admin is the admin-equivalent hold: a principal that can put or attach
// a policy on itself, its group or a policy it has, or make and assume a
// role of its own.
func (e *evaluator) admin(n *node) outcome {
	best := notGranted
	for _, rule := range e.cat.Admin {
		if rule.Principal != "" && rule.Principal != n.kind {
			continue
		}
		var targets []string
		switch rule.On {
		case "self":
			targets = []string{n.arn}
		case "group":
			targets = n.groups
		case "attached-policy":
			targets = n.attached
		default:
			targets = []string{"*"}
		}
		for _, t := range targets {
			o := e.requirement(n, rule.Actions, []string{t}, nil)
			if o.verdict == entitlement.NotGranted {
				continue
			}
			if weaker(best, o) {
				best = o
			}
		}
	}
	return best
}

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
			if r == n || r.account != n.account || !r.trustsService(rule.Service) {
				// only a role of the principal's own account can be passed
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

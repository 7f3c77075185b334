// Package aws evaluates AWS IAM (the output of
// `aws iam get-account-authorization-details`, and optionally service
// control policies) into snapshot entitlements: per user and role, which
// capabilities of the catalog it holds, with the verdict and the chain of
// policies, statements, groups and assumed or passed roles that gives it.
// It imports only the entitlement model.
package aws

import (
	"slices"

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
				Conditions:    unique(o.conds),
				Standing:      true,
				Indirect:      o.indirect,
				Scope:         o.scope,
			})
		}
	}
	return rep, nil
}

// modelNotes say what the evaluator does not model (they go with every
// report, so a reviewer reads the limits beside the grants).
var modelNotes = []string{
	"condition values are not evaluated (but iam:PassedToService, settled per service): " +
		"a conditional allow is CONDITIONAL, a conditional deny makes the grant CONDITIONAL",
	"not read: resource policies (KMS key policies for encrypted copies, backup vault policies), session policies, RCPs",
	"not modelled: escalation through existing resources the export does not list (lambda:UpdateFunctionCode, " +
		"ssm:SendCommand / StartSession and EC2 Instance Connect on instances with a profile, glue:UpdateDevEndpoint, " +
		"cloudformation:UpdateStack), removing one's own permissions boundary, IAM Identity Center assignments",
	"one chain per grant: the strongest, then the widest scope, then direct before indirect, then catalog order",
}

// unique drops repeated conditions (an allow and its boundary may name
// the same key), keeping the first of each.
func unique(xs []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
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

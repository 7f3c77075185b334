package azure

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// option is one way a principal holds an operation or a requirement.
type option struct {
	verdict  entitlement.Verdict
	via      []string
	conds    []string
	standing bool
	scope    scope
	path     *path // the path of the primary operation
	req      int   // the requirement's index in the catalog
}

// verdictRank orders verdicts from the strongest hold.
func verdictRank(v entitlement.Verdict) int {
	switch v {
	case entitlement.Allow:
		return 0
	case entitlement.Conditional:
		return 1
	case entitlement.Eligible:
		return 2
	case entitlement.Denied:
		return 3
	}
	return 4
}

// better reports whether a is a stronger hold than b: a better verdict, a
// wider scope, an earlier requirement, then the via text for a stable pick.
func better(a, b *option) bool {
	if c := cmp.Compare(verdictRank(a.verdict), verdictRank(b.verdict)); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.scope.rank(), b.scope.rank()); c != 0 {
		return c < 0
	}
	if a.req != b.req {
		return a.req < b.req
	}
	return strings.Join(a.via, "\x00") < strings.Join(b.via, "\x00")
}

// holdOp is how one path gives one operation, deny assignments applied.
func (st *state) holdOp(pr *principal, pa *path, o op) *option {
	h := pa.role.hits[o]
	if h == nil {
		return nil
	}
	opt := &option{verdict: entitlement.Allow, standing: true, scope: pa.scope, path: pa}
	opt.via = []string{pa.role.describe(), h.describe(o), pa.describe()}
	if h.cond != nil {
		opt.conds = append(opt.conds, h.cond.keys...)
	}
	if pa.cond.restricts(o.lower) {
		opt.conds = append(opt.conds, pa.cond.keys...)
		opt.via = append(opt.via, "under the assignment's condition")
	}
	if len(opt.conds) > 0 {
		opt.verdict = entitlement.Conditional
	}
	if pa.kind == eligible {
		opt.verdict = entitlement.Eligible
		opt.standing = false
	}
	for _, d := range st.denies {
		if d.denies(pr.id, pa.scope, o) {
			opt.verdict = entitlement.Denied
			opt.via = append(opt.via, d.describe(o))
			break
		}
	}
	return opt
}

// bestOp is the strongest hold of an operation over all paths.
func (st *state) bestOp(pr *principal, o op) *option {
	var best *option
	for _, pa := range pr.paths {
		if opt := st.holdOp(pr, pa, o); opt != nil && (best == nil || better(opt, best)) {
			best = opt
		}
	}
	return best
}

// requirementOptions lists the ways a principal meets a requirement: every
// path that gives its first operation, joined with the strongest hold of
// each other operation (the source side, wherever it is held). A joined
// option is as weak as its weakest part.
func (st *state) requirementOptions(pr *principal, req requirement, idx int) []*option {
	var rest []*option
	for _, o := range req.ops[1:] {
		opt := st.bestOp(pr, o)
		if opt == nil {
			return nil
		}
		rest = append(rest, opt)
	}
	var out []*option
	for _, pa := range pr.paths {
		opt := st.holdOp(pr, pa, req.ops[0])
		if opt == nil {
			continue
		}
		opt.req = idx
		for i, r := range rest {
			if verdictRank(r.verdict) > verdictRank(opt.verdict) {
				opt.verdict = r.verdict
			}
			opt.standing = opt.standing && r.standing
			opt.conds = append(opt.conds, r.conds...)
			opt.via = append(opt.via, "with "+req.ops[i+1].name+" from "+strings.Join(r.via, "; "))
		}
		out = append(out, opt)
	}
	return out
}

// capabilityOptions lists every way the principal holds the capability.
func (st *state) capabilityOptions(pr *principal, cr capabilityReqs) []*option {
	var out []*option
	for i, req := range cr.reqs {
		opts := st.requirementOptions(pr, req, i)
		if req.self != "" {
			opts = st.selfGrants(pr, req.self, opts)
		}
		out = append(out, opts...)
	}
	return out
}

// maxAlso bounds the other assignments named after the chosen chain.
const maxAlso = 3

// grant turns the strongest option into a Grant and names the other
// assignments that give the capability too (all must go to take it away).
func (st *state) grant(pr *principal, c entitlement.Capability, opts []*option) entitlement.Grant {
	best := opts[0]
	for _, o := range opts[1:] {
		if better(o, best) {
			best = o
		}
	}
	via := slices.Clone(best.via)
	var others []string
	seen := map[*path]bool{best.path: true}
	for _, o := range opts {
		if !seen[o.path] {
			seen[o.path] = true
			others = append(others, fmt.Sprintf("also: %s, %s", o.path.short(), o.verdict))
		}
	}
	slices.Sort(others)
	if len(others) > maxAlso {
		n := len(others) - maxAlso
		others = append(others[:maxAlso], fmt.Sprintf("also: %d more assignments", n))
	}
	via = append(via, others...)
	return st.newGrant(pr, c, best, via, false)
}

func (st *state) newGrant(pr *principal, c entitlement.Capability, o *option, via []string, indirect bool) entitlement.Grant {
	conds := slices.Clone(o.conds)
	slices.Sort(conds)
	conds = slices.Compact(conds)
	sc := o.scope.text
	if o.path != nil && o.path.kind == roleOnlyPath {
		sc = strings.TrimPrefix(o.path.describe(), "assignable at ")
	}
	return entitlement.Grant{
		ID:            entitlement.GrantID(event.Azure, pr.id, c),
		Cloud:         event.Azure,
		Principal:     pr.id,
		PrincipalType: pr.typ,
		Capability:    c,
		Verdict:       o.verdict,
		Via:           via,
		Conditions:    conds,
		Standing:      o.standing,
		Indirect:      indirect,
		Scope:         sc,
	}
}

// selfGrantOption is the strongest way the principal can give itself any
// operation, or nil: the admin-equivalent requirements marked self_grant.
func (st *state) selfGrantOption(pr *principal, cat *catalog) *option {
	var best *option
	for _, cr := range cat.caps {
		for i, req := range cr.reqs {
			if req.self == "" {
				continue
			}
			for _, so := range st.selfGrants(pr, req.self, st.requirementOptions(pr, req, i)) {
				if so.verdict != entitlement.Denied && (best == nil || better(so, best)) {
					best = so
				}
			}
		}
	}
	return best
}

// selfGrants keeps the holds of a self-grant operation that the principal
// can turn on itself, each scoped where it then grants itself any role: the
// scope of the hold (assign), the root for a hold at the root (elevate), or
// the assignment of a custom role whose every assignable scope the hold
// covers (custom-role).
func (st *state) selfGrants(pr *principal, kind selfGrant, opts []*option) []*option {
	with := func(o *option, sc scope, step string) *option {
		c := *o
		c.scope = sc
		c.via = append(slices.Clone(o.via), step)
		return &c
	}
	var out []*option
	if kind == selfCustomRole {
		// One option per custom role held: the strongest hold that covers
		// it, so that many holds and many roles do not multiply.
		for _, pa := range pr.paths {
			if !pa.role.custom {
				continue
			}
			var best *option
			for _, o := range opts {
				if coversAll(o.scope, pa.role.assignable) && (best == nil || better(o, best)) {
					best = o
				}
			}
			if best == nil {
				continue
			}
			so := with(best, pa.scope, fmt.Sprintf("can add any operation to custom %s, which it holds by %s", pa.role.describe(), pa.describe()))
			if pa.kind == eligible && so.verdict != entitlement.Denied {
				so.verdict, so.standing = entitlement.Eligible, false
			}
			out = append(out, so)
		}
		return out
	}
	for _, o := range opts {
		switch kind {
		case selfAssign:
			out = append(out, with(o, o.scope, "can assign itself any role at "+o.scope.describe()))
		case selfElevate:
			if o.scope.depth == 0 {
				out = append(out, with(o, o.scope, "can make itself User Access Administrator at / and assign itself any role"))
			}
		}
	}
	return out
}

func coversAll(s scope, list []scope) bool {
	if len(list) == 0 {
		return s.depth == 0
	}
	for _, t := range list {
		if !s.covers(t) {
			return false
		}
	}
	return true
}

// report evaluates every principal against the catalog.
func (st *state) report(cat *catalog) *entitlement.Report {
	rep := &entitlement.Report{Principals: len(st.principals), Grants: []entitlement.Grant{}}
	for _, id := range sortedKeys(st.principals) {
		pr := st.principals[id]
		direct := map[entitlement.Capability]bool{}
		var grants []entitlement.Grant
		for _, cr := range cat.caps {
			opts := st.capabilityOptions(pr, cr)
			if len(opts) == 0 {
				continue
			}
			direct[cr.capability] = true
			grants = append(grants, st.grant(pr, cr.capability, opts))
		}
		if self := st.selfGrantOption(pr, cat); self != nil {
			for _, cr := range cat.caps {
				if direct[cr.capability] {
					continue
				}
				via := append(slices.Clone(self.via), fmt.Sprintf("and so %s: %s", cr.reqs[0].ops[0].name, cr.reqs[0].why))
				grants = append(grants, st.newGrant(pr, cr.capability, self, via, true))
			}
		}
		order := map[entitlement.Capability]int{}
		for i, c := range entitlement.Capabilities {
			order[c] = i
		}
		slices.SortFunc(grants, func(a, b entitlement.Grant) int { return cmp.Compare(order[a.Capability], order[b.Capability]) })
		rep.Grants = append(rep.Grants, grants...)
	}
	rep.Notes = append(slices.Clone(st.notes), modelNotes...)
	return rep
}

// modelNotes say what the evaluator does not model; they go with every
// report.
var modelNotes = []string{
	"group membership is not in the input: a group's grants are reported on the group, not on its members",
	"the management-group hierarchy is not in the input: an assignment or deny assignment at a management group is applied to that scope only, not to the subscriptions under it",
	"a role assignment condition is read as Azure writes it, (!(ActionMatches{…})) OR (…): it makes CONDITIONAL the operations it names (all of them when it names none)",
	"indirect paths through managed identities (VMs, Automation, Functions the principal can drive) and Entra directory roles (Global Administrator can elevate access) are not modelled",
	"export through a SAS URL also needs a snapshot or disk whose networkAccessPolicy / publicNetworkAccess allow it; the inventory reports that side",
}

package gcp

import (
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// edge is one identity's way to act as a service account.
type edge struct {
	to      string // serviceAccount:EMAIL
	verdict entitlement.Verdict
	via     []string
	conds   []string
}

// impersonation finds, for every member, the service accounts (among the
// members) it can act as: an impersonation permission on the service
// account, held through its own policy or inherited from its project and
// the project's ancestors.
func (e *evaluator) impersonation(members []string) map[string][]edge {
	// Only members bound to a role with an impersonation permission, or
	// that can grant themselves one, can impersonate.
	var candidates []string
	for _, m := range members {
		if !strings.HasPrefix(m, "deleted:") && slices.ContainsFunc(e.byMember[m], e.mayImpersonate) {
			candidates = append(candidates, m)
		}
	}
	edges := map[string][]edge{}
	if len(candidates) == 0 {
		return edges
	}
	for _, sa := range members {
		email, ok := strings.CutPrefix(sa, "serviceAccount:")
		if !ok {
			continue
		}
		chain := e.serviceAccountChain(email)
		for _, m := range candidates {
			if m == sa || !slices.ContainsFunc(e.byMember[m], func(b *binding) bool { return chain.set[b.at] }) {
				continue
			}
			hs := e.at(m, chain)
			var best *holding
			var perm string
			for _, p := range e.c.impersonation {
				if h := hs[p]; h != nil && h.verdict != entitlement.Denied && (best == nil || h.rank() > best.rank()) {
					best, perm = h, p
				}
			}
			if best == nil {
				continue
			}
			via := []string{"acts as " + sa + " with " + perm}
			for _, v := range best.via {
				via = append(via, v+": "+perm)
			}
			edges[m] = append(edges[m], edge{to: sa, verdict: best.verdict, via: via, conds: best.conds})
		}
	}
	return edges
}

// mayImpersonate reports whether a binding's role holds an impersonation
// permission or a permission to grant itself one.
func (e *evaluator) mayImpersonate(b *binding) bool {
	perms, _ := e.rolePerms(b.Role)
	return slices.ContainsFunc(perms, func(p string) bool {
		return slices.Contains(e.c.impersonation, p) || e.c.selfGrant[p]
	})
}

// serviceAccountChain is a service account's resource and its ancestors:
// the project its email names (when it names one) and that project's.
func (e *evaluator) serviceAccountChain(email string) *chain {
	sa := Resource{Level: ServiceAccount, ID: email}
	if p := serviceAccountProject(email); p != "" {
		return newChain(append(slices.Clone(e.h.chainOf(Resource{Level: Project, ID: p}).list), sa))
	}
	return e.h.chainOf(sa)
}

// lift adds to an identity's own results those of the service accounts it
// can reach, one hop or more, as indirect, when they are stronger.
func lift(member string, own map[entitlement.Capability]*result, direct map[string]map[entitlement.Capability]*result, edges map[string][]edge) map[entitlement.Capability]*result {
	out := map[entitlement.Capability]*result{}
	for c, r := range own {
		out[c] = r
	}
	type step struct {
		at   string
		path []edge
	}
	visited := map[string]bool{member: true}
	queue := []step{{at: member}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, ed := range edges[cur.at] {
			if visited[ed.to] {
				continue
			}
			visited[ed.to] = true
			path := append(slices.Clone(cur.path), ed)
			for _, c := range entitlement.Capabilities {
				r := direct[ed.to][c]
				if r == nil {
					continue
				}
				cand := through(path, r)
				if old := out[c]; old == nil || cand.rank() > old.rank() {
					out[c] = cand
				}
			}
			queue = append(queue, step{at: ed.to, path: path})
		}
	}
	return out
}

// through is a service account's result as seen from the start of path.
func through(path []edge, r *result) *result {
	out := &result{name: r.name, verdict: r.verdict, indirect: true, scopes: r.scopes}
	for _, ed := range path {
		if verdictRank(ed.verdict) < verdictRank(out.verdict) {
			out.verdict = ed.verdict
		}
		out.via = append(out.via, ed.via...)
		out.conds = appendNew(out.conds, ed.conds...)
	}
	out.via = append(out.via, r.via...)
	out.conds = appendNew(out.conds, r.conds...)
	return out
}

package yandex

import (
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// maxHops bounds impersonation chains (A acts as SA1, which acts as SA2…).
const maxHops = 8

// edge says a principal can act as a service account, and how.
type edge struct {
	to         string // the service account's subject key
	verdict    entitlement.Verdict
	via        []string
	conditions []string
}

// impersonation finds, for every service account, who can act as it: a
// token or key right on the account (bound on it or above it) acts
// outright; the right to use it acts through a service that runs as it,
// which needs the right to create one somewhere.
func (ev *evaluator) impersonation() map[string][]edge {
	out := map[string][]edge{}
	for _, key := range sortedKeys(ev.principals) {
		sa := ev.principals[key]
		if sa.typ != "serviceAccount" {
			continue
		}
		target := node{level: ServiceAccount, id: sa.id}
		holders := map[string][]held{}
		for _, n := range ev.h.chain(target) {
			for _, hb := range ev.byNode[n] {
				if hb.principal != key {
					holders[hb.principal] = append(holders[hb.principal], hb.h)
				}
			}
		}
		hop := "acts as " + ev.h.label(target)
		for _, p := range sortedKeys(holders) {
			hs := holders[p]
			sortHeld(hs)
			var r rights
			for _, h := range hs {
				r |= h.e.rights
			}
			switch {
			case r&ev.cat.token != 0:
				out[p] = append(out[p], edge{to: key, verdict: entitlement.Allow,
					via: append(ev.via(pick(lowest(r&ev.cat.token), hs, nil)), hop)})
			case r&ev.cat.use != 0:
				all := slices.Clone(ev.holds[p])
				sortHeld(all)
				var anywhere rights
				for _, h := range all {
					anywhere |= h.e.rights
				}
				if run := anywhere & ev.cat.runAs; run != 0 {
					used := pick(lowest(r&ev.cat.use)|lowest(run), hs, all)
					out[p] = append(out[p], edge{to: key, verdict: entitlement.Allow,
						via: append(ev.via(used), hop+" through a service it runs as it")})
					continue
				}
				out[p] = append(out[p], edge{to: key, verdict: entitlement.Conditional,
					via:        append(ev.via(pick(lowest(r&ev.cat.use), hs, nil)), hop+" through a service it runs as it"),
					conditions: []string{"runs a service as " + target.String() + ": needs " + strings.Join(ev.cat.list(ev.cat.runAs), " or ")}})
			}
		}
	}
	return out
}

func lowest(r rights) rights { return rights(1) << bits.TrailingZeros64(uint64(r)) }

// indirect follows impersonation edges from a principal and collects what
// the service accounts it reaches hold, outermost hop first in the chain.
func (ev *evaluator) indirect(start string, own map[string]map[entitlement.Capability]candidate, edges map[string][]edge) map[entitlement.Capability]candidate {
	best := map[entitlement.Capability]candidate{}
	type step struct {
		key     string
		via     []string
		verdict entitlement.Verdict
		conds   []string
		hops    int
	}
	visited := map[string]bool{start: true}
	queue := []step{{key: start, verdict: entitlement.Allow}}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range edges[cur.key] {
			if visited[e.to] {
				continue
			}
			visited[e.to] = true
			next := step{
				key:     e.to,
				via:     append(slices.Clone(cur.via), e.via...),
				verdict: worse(cur.verdict, e.verdict),
				conds:   union(cur.conds, e.conditions),
				hops:    cur.hops + 1,
			}
			for c, held := range own[e.to] {
				cand := candidate{
					verdict:    worse(next.verdict, held.verdict),
					indirect:   true,
					scope:      held.scope,
					via:        append(slices.Clone(next.via), held.via...),
					conditions: union(next.conds, held.conditions),
				}
				if cur, ok := best[c]; !ok || better(cand, cur) {
					best[c] = cand
				}
			}
			if next.hops < maxHops {
				queue = append(queue, next)
			}
		}
	}
	return best
}

func worse(a, b entitlement.Verdict) entitlement.Verdict {
	if verdictRank(a) >= verdictRank(b) {
		return a
	}
	return b
}

func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

package yandex

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// entry is one access binding placed in the hierarchy.
type entry struct {
	node    node
	role    string
	rights  rights
	subject subject
	file    string
	index   int
}

// held is an entry as a principal holds it: its own, or through a group.
type held struct {
	e     *entry
	group string // the group's id when held through membership
}

// candidate is one way a principal holds a capability.
type candidate struct {
	verdict    entitlement.Verdict
	indirect   bool
	scope      node
	via        []string
	conditions []string
}

// Evaluate reads the access bindings (and the listings and group members
// given) and returns, per principal and capability, how it is held.
func Evaluate(in Input) (*entitlement.Report, error) {
	return evaluate(in, defaultCatalog())
}

type evaluator struct {
	cat        *catalog
	h          *hierarchy
	principals map[string]subject // by subject key
	holds      map[string][]held  // by subject key
	byNode     map[node][]heldBy  // who holds what at each node
	notes      []string
}

type heldBy struct {
	principal string
	h         held
}

func evaluate(in Input, cat *catalog) (*entitlement.Report, error) {
	src, err := read(in, cat)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{cat: cat, h: newHierarchy(src.resources, src.bound),
		principals: map[string]subject{}, holds: map[string][]held{}, byNode: map[node][]heldBy{}}
	ev.notes = append(ev.notes, src.notes...)
	ev.notes = append(ev.notes, ev.h.notes...)
	ev.collect(src)

	own := map[string]map[entitlement.Capability]candidate{}
	for key := range ev.principals {
		own[key] = ev.direct(key)
	}
	edges := ev.impersonation()
	report := &entitlement.Report{Principals: len(ev.principals)}
	for _, key := range sortedKeys(ev.principals) {
		best := maps.Clone(own[key]) // own stays what the principal holds itself: indirect() reads it
		for c, cand := range ev.indirect(key, own, edges) {
			if cur, ok := best[c]; !ok || better(cand, cur) {
				best[c] = cand
			}
		}
		s := ev.principals[key]
		for _, c := range entitlement.Capabilities {
			cand, ok := best[c]
			if !ok {
				continue
			}
			report.Grants = append(report.Grants, entitlement.Grant{
				ID:            entitlement.GrantID(event.Yandex, s.id, c),
				Cloud:         event.Yandex,
				Principal:     s.id,
				PrincipalType: principalType(s),
				Capability:    c,
				Verdict:       cand.verdict,
				Via:           cand.via,
				Conditions:    cand.conditions,
				Standing:      true, // Yandex has no activate-on-demand roles
				Indirect:      cand.indirect,
				Scope:         cand.scope.String(),
			})
		}
	}
	report.Notes = append(report.Notes, "access policies (restrictions over roles) are not read: no grant is DENIED")
	slices.Sort(ev.notes)
	report.Notes = append(report.Notes, slices.Compact(ev.notes)...)
	return report, nil
}

// at returns what a principal holds at n (bound there or above), with the
// holdings that give it, broadest first.
func (ev *evaluator) at(hs []held, n node) (rights, []held) {
	chain := ev.h.chain(n)
	var r rights
	var from []held
	for _, h := range hs {
		if slices.Contains(chain, h.e.node) {
			r |= h.e.rights
			from = append(from, h)
		}
	}
	sortHeld(from)
	return r, from
}

func sortHeld(hs []held) {
	sort.SliceStable(hs, func(i, j int) bool {
		a, b := hs[i], hs[j]
		if da, db := a.e.node.level.depth(), b.e.node.level.depth(); da != db {
			return da < db
		}
		if a.group != b.group {
			return a.group < b.group // own bindings before a group's
		}
		if a.e.file != b.e.file {
			return a.e.file < b.e.file
		}
		return a.e.index < b.e.index
	})
}

// direct evaluates what a principal holds through its own and its groups'
// bindings, then what it can grant itself.
func (ev *evaluator) direct(key string) map[entitlement.Capability]candidate {
	hs := ev.holds[key]
	best := map[entitlement.Capability]candidate{}
	if len(hs) == 0 {
		return best
	}
	var nodes []node
	var anywhere rights
	for _, h := range hs {
		if !slices.Contains(nodes, h.e.node) {
			nodes = append(nodes, h.e.node)
		}
		anywhere |= h.e.rights
	}
	all := append([]held(nil), hs...)
	sortHeld(all)
	offer := func(c entitlement.Capability, cand candidate) {
		if cur, ok := best[c]; !ok || better(cand, cur) {
			best[c] = cand
		}
	}
	// What the principal holds at each node it is bound on, once.
	type atNode struct {
		r    rights
		from []held
	}
	at := make([]atNode, len(nodes))
	for i, n := range nodes {
		at[i].r, at[i].from = ev.at(hs, n)
	}
	src := ev.cat.source
	for _, rule := range ev.cat.caps {
		for _, alt := range rule.alts {
			need, from := alt.all&^src, alt.all&src
			granted := false
			for i, n := range nodes {
				// Source rights may sit anywhere: the copied resource
				// need not be under n.
				r, chainHeld := at[i].r, at[i].from
				if need&^r != 0 || from&^anywhere != 0 {
					continue
				}
				granted = true
				offer(rule.capability, candidate{
					verdict: entitlement.Allow,
					scope:   n,
					via:     ev.via(pick(alt.all, chainHeld, all)),
				})
			}
			// A right on the source alone (an image or snapshot shared
			// with the principal): it can make the copy wherever it may
			// create disks or images, which may lie outside the input.
			if granted || from == 0 || need == 0 || from&^anywhere != 0 {
				continue
			}
			used := pick(from, nil, all)
			scope := used[len(used)-1].e.node
			var conds []string
			for _, right := range ev.cat.list(need) {
				conds = append(conds, "destination: "+right+" in a folder of its choosing")
			}
			offer(rule.capability, candidate{verdict: entitlement.Conditional, scope: scope, via: ev.via(used), conditions: conds})
		}
	}
	// Whoever can change the bindings of a folder, cloud or organization
	// can bind itself any role there: every capability it lacks is held
	// indirectly.
	if admin, ok := best[entitlement.AdminEquivalent]; ok && admin.verdict == entitlement.Allow {
		for _, rule := range ev.cat.caps {
			if cur, ok := best[rule.capability]; ok && cur.verdict == entitlement.Allow {
				continue
			}
			via := append(slices.Clone(admin.via), "can bind itself a role carrying "+string(rule.capability)+" at "+admin.scope.String())
			offer(rule.capability, candidate{verdict: entitlement.Allow, indirect: true, scope: admin.scope, via: via})
		}
	}
	return best
}

// pick chooses, for each right of want, the first holding that carries
// it: from chain first, else from all. The result keeps the holdings'
// order and each once.
func pick(want rights, chain, all []held) []held {
	var out []held
	add := func(h held) {
		for _, o := range out {
			if o == h {
				return
			}
		}
		out = append(out, h)
	}
	for want != 0 {
		bit := rights(1) << bits.TrailingZeros64(uint64(want))
		want &^= bit
		found := false
		for _, h := range chain {
			if h.e.rights&bit != 0 {
				add(h)
				found = true
				break
			}
		}
		if found {
			continue
		}
		for _, h := range all {
			if h.e.rights&bit != 0 {
				add(h)
				break
			}
		}
	}
	sortHeld(out)
	return out
}

// via renders holdings as the chain of grants: the group first when the
// bindings are a group's, then each binding.
func (ev *evaluator) via(hs []held) []string {
	var out []string
	for _, h := range hs {
		if h.group != "" {
			hop := "member of group:" + h.group
			if !slices.Contains(out, hop) {
				out = append(out, hop)
			}
		}
	}
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%s on %s [%s binding %d]", h.e.role, ev.h.label(h.e.node), h.e.file, h.e.index+1))
	}
	return out
}

// better orders candidates: ALLOW before CONDITIONAL, direct before
// indirect, the broadest scope, the shortest chain, then by text.
func better(a, b candidate) bool {
	if ra, rb := verdictRank(a.verdict), verdictRank(b.verdict); ra != rb {
		return ra < rb
	}
	if a.indirect != b.indirect {
		return !a.indirect
	}
	if da, db := a.scope.level.depth(), b.scope.level.depth(); da != db {
		return da < db
	}
	if len(a.via) != len(b.via) {
		return len(a.via) < len(b.via)
	}
	if sa, sb := strings.Join(a.via, "\x00"), strings.Join(b.via, "\x00"); sa != sb {
		return sa < sb
	}
	return a.scope.String() < b.scope.String()
}

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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

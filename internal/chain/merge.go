package chain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/store"
)

// An engine owning some accounts (a Kafka partition's) does not hold what
// another engine saw: a snapshot account A copied and shared with B, and
// A's chain, are missing from B's engine when B's events use that
// snapshot. Unknown names what an event needs that the engine lacks, the
// caller looks it up in the shared store (store.LoadStateOf) and Merge adds
// it, before the event is fed.

// Unknown returns the canonical ids of the resources ev refers to as a
// source or a target that a chain step could join through and that the
// lineage graph does not hold — or, for a copy it holds, the nearest
// ancestor it lacks (a copy of another account's copy, that copy not
// loaded). Resources ev creates are not asked for. It returns nil, without
// allocating, when everything is known or no step takes ev's action.
func (e *Engine) Unknown(ev *event.Event) []string {
	if len(e.byAction[ev.Action]) == 0 || !Wants(ev) {
		return nil
	}
	var out []string
	for i := range ev.Resources {
		r := &ev.Resources[i]
		if r.Role != event.RoleSource && r.Role != event.RoleTarget || r.ID == "" {
			continue
		}
		switch r.Type {
		case event.Principal, event.AccountType, event.Credential:
			continue
		}
		id := e.missing(r.ID)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// missing returns id when the graph lacks it, else the first parent it
// lacks on the walk up through copies (as tracksUsing walks), else "".
func (e *Engine) missing(id string) string {
	n := e.g.nodes[id]
	if n == nil {
		return id
	}
	for range maxAncestors {
		if !isCopy(n.typ) || n.parent == "" {
			return ""
		}
		p := e.g.nodes[n.parent]
		if p == nil {
			return n.parent
		}
		n = p
	}
	return ""
}

// Merge adds to a live engine the part of s it does not hold yet: the
// resources (with their parents, and links to the resources it holds), the
// open chains of its rules whose window has not ended, and the principals'
// first sight and creation (the earliest wins). What it holds is never
// overwritten, and the history span is not touched: both are the engine's
// own. Rows added are the store's already, so the next Checkpoint does not
// write them unless an event changes them after; a row of the engine's
// that Merge changes (a principal seen earlier elsewhere, a resource
// linked to one added) is written. A damaged chain or opening is an error
// naming it, and nothing of s after it is added.
func (e *Engine) Merge(s *store.Snapshot) error {
	if s == nil {
		return nil
	}
	e.mergePrincipals(s.Principals)
	if err := e.mergeResources(s.Resources); err != nil {
		return err
	}
	return e.mergeChains(s.Chains)
}

func (e *Engine) mergePrincipals(ps []store.Principal) {
	for _, p := range ps {
		if p.ID == "" {
			continue
		}
		first, created := nanos(p.FirstSeen), nanos(p.Created)
		x, ok := e.p.byID[p.ID]
		if !ok {
			if len(e.p.byID) >= e.p.max {
				e.p.dropped++
				continue
			}
			x = &principal{id: strings.Clone(p.ID), cloud: event.Cloud(p.Cloud), firstSeen: first, created: created, createdBy: p.CreatedBy}
			e.p.byID[x.id] = x
			continue
		}
		changed := false
		if first != 0 && (x.firstSeen == 0 || first < x.firstSeen) {
			x.firstSeen, changed = first, true
		}
		if created != 0 && (x.created == 0 || created < x.created) {
			x.created, x.createdBy, changed = created, p.CreatedBy, true
		}
		if changed {
			e.p.ch.principal(x)
		}
	}
}

func (e *Engine) mergeResources(rs []store.Resource) error {
	var added []*node
	var rows []*store.Resource
	for i := range rs {
		r := &rs[i]
		if r.ID == "" {
			continue
		}
		if _, ok := e.g.nodes[r.ID]; ok {
			continue
		}
		if len(e.g.nodes) >= e.g.max {
			e.g.dropped++
			continue
		}
		n, err := e.nodeOf(r)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		n.id = strings.Clone(r.ID)
		e.g.add(n)
		added, rows = append(added, n), append(rows, r)
		e.stats.Merged++
	}
	isAdded := make(map[*node]bool, len(added))
	for _, n := range added {
		isAdded[n] = true
	}
	for i, n := range added {
		r := rows[i]
		if p := e.g.nodes[r.Parent]; p != nil {
			n.parent = p.id
		} else {
			n.parent = strings.Clone(r.Parent)
		}
		for _, l := range r.Links {
			m := e.g.nodes[l]
			if m == nil || slices.Contains(n.linked(), m) {
				continue
			}
			link(n, m)
			if !isAdded[m] {
				e.ch.node(m) // the engine's own row gains a link
			}
		}
	}
	return nil
}

func (e *Engine) mergeChains(cs []store.Chain) error {
	for i := range cs {
		c := &cs[i]
		if !c.Open {
			continue
		}
		if _, ok := e.tracks[c.ID]; ok {
			continue
		}
		var rc *compiled
		for _, x := range e.rules {
			if x.info.ID == c.Rule {
				rc = x
			}
		}
		if rc == nil {
			continue // a rule this engine does not run
		}
		tr, products, err := trackOf(rc, c)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		if tr == nil || e.closed(tr) {
			continue // the rule's steps changed, or its window ended
		}
		if len(e.tracks) >= e.opts.MaxChains {
			e.stats.DroppedChain++
			continue
		}
		tr.id = strings.Clone(c.ID)
		e.tracks[tr.id] = tr
		at, _ := slices.BinarySearchFunc(e.queue, tr.start, func(x *track, t int64) int { return cmp.Compare(x.start, t) })
		e.queue = slices.Insert(e.queue, at, tr)
		e.ch.opened(tr)
		for i, ids := range products {
			e.addProducts(tr, i, ids)
		}
		e.stats.Merged++
	}
	return nil
}

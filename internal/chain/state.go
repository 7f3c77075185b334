package chain

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// trackState is a chain's state in a checkpoint (store.Chain.State).
type trackState struct {
	Start    int64            `json:"start"`
	Critical bool             `json:"critical,omitempty"`
	NewActor bool             `json:"new_actor,omitempty"`
	Hits     [][]stepEvent    `json:"hits"`
	Products [][]string       `json:"products"`
	Severity finding.Severity `json:"severity,omitempty"`
	Revision int              `json:"revision,omitempty"`
}

// Snapshot returns the engine's state for a checkpoint: principals' ages,
// the lineage graph and the open chains.
func (e *Engine) Snapshot() (*store.Snapshot, error) {
	s := &store.Snapshot{HistoryStart: unix(e.p.historyStart), HistoryEnd: unix(e.p.historyEnd)}
	for _, p := range e.p.byID {
		s.Principals = append(s.Principals, p.row())
	}
	for _, n := range e.g.nodes {
		r, err := n.row()
		if err != nil {
			return nil, err
		}
		s.Resources = append(s.Resources, r)
	}
	for _, tr := range e.tracks {
		if e.closed(tr) {
			continue // nothing later can join it
		}
		c, err := e.chainRow(tr)
		if err != nil {
			return nil, err
		}
		s.Chains = append(s.Chains, c)
	}
	sortRows(s.Principals, s.Resources, s.Chains)
	return s, nil
}

// sortRows puts rows in a stable order: checkpoints of the same state are
// the same.
func sortRows(ps []store.Principal, rs []store.Resource, cs []store.Chain) {
	slices.SortFunc(ps, func(a, b store.Principal) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(rs, func(a, b store.Resource) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(cs, func(a, b store.Chain) int { return strings.Compare(a.ID, b.ID) })
}

func (p *principal) row() store.Principal {
	return store.Principal{Cloud: string(p.cloud), ID: p.id, FirstSeen: unix(p.firstSeen), Created: unix(p.created), CreatedBy: p.createdBy}
}

func (n *node) row() (store.Resource, error) {
	r := store.Resource{Cloud: string(n.cloud), ID: n.id, Type: string(n.typ), Account: n.account,
		Created: unix(n.created), Creator: n.creator, CreatedBy: n.event, Critical: n.critical, Seen: unix(n.seen)}
	r.Parent = n.parent
	for _, l := range n.linked() {
		r.Links = append(r.Links, l.id)
	}
	if o := n.opening(); o != nil {
		b, err := encodeState(openState{At: o.at, World: o.world, Step: o.step})
		if err != nil {
			return store.Resource{}, err
		}
		r.Open = b
	}
	return r, nil
}

// chainRow is tr as a checkpoint keeps it, with the other accounts it
// reaches (its events', their share targets', its resources') and the
// resources it holds or names, by which an account's loader finds it and
// what it needs (store.LoadStateFor).
func (e *Engine) chainRow(tr *track) (store.Chain, error) {
	b, err := encodeState(trackState{Start: tr.start, Critical: tr.critical, NewActor: tr.newActor,
		Hits: tr.hits, Products: tr.products, Severity: tr.severity, Revision: tr.revision})
	if err != nil {
		return store.Chain{}, err
	}
	c := store.Chain{ID: tr.id, Rule: tr.rule.info.ID, Cloud: string(tr.cloud), Account: tr.account, Open: true, State: b}
	updated := tr.start
	reach := func(a string) {
		if a != "" && a != tr.account && a != event.Public && !slices.Contains(c.Accounts, a) {
			c.Accounts = append(c.Accounts, a)
		}
	}
	hold := func(id string) {
		if id == "" || slices.Contains(c.Resources, id) {
			return
		}
		c.Resources = append(c.Resources, id)
		if n := e.g.nodes[id]; n != nil {
			reach(n.account)
		}
	}
	for _, hs := range tr.hits {
		for _, h := range hs {
			updated = max(updated, h.Time)
			reach(h.Account)
			for _, a := range h.Shares {
				reach(a)
			}
			// What its finding names: another account's engine renders it
			// the same only with these loaded.
			hold(h.Source)
			hold(h.Target)
			for _, id := range h.Products {
				hold(id)
			}
			for _, id := range h.Nets {
				hold(id)
			}
		}
	}
	for _, ids := range tr.products {
		for _, id := range ids {
			hold(id)
		}
	}
	slices.Sort(c.Accounts)
	slices.Sort(c.Resources)
	c.Updated = unix(updated)
	return c, nil
}

// nodeOf is a stored resource as a node, its parent and links not set.
func (e *Engine) nodeOf(r *store.Resource) (*node, error) {
	n := &node{id: r.ID, cloud: event.Cloud(r.Cloud), typ: event.ResourceType(r.Type), account: e.g.intern(r.Account),
		created: nanos(r.Created), seen: nanos(r.Seen), creator: e.g.intern(r.Creator), event: r.CreatedBy, critical: r.Critical}
	if len(r.Open) > 0 {
		var o openState
		if err := decodeState(r.Open, &o); err != nil {
			return nil, fmt.Errorf("opening of %s: %w", r.ID, err)
		}
		n.extra().open = &openMark{at: o.At, world: o.World, step: o.Step}
	}
	return n, nil
}

// trackOf is a stored chain of rule rc as a track, with its products per
// step (for addProducts); nil when the rule's steps changed since.
func trackOf(rc *compiled, c *store.Chain) (*track, [][]string, error) {
	var st trackState
	if err := decodeState(c.State, &st); err != nil {
		return nil, nil, fmt.Errorf("chain %s: %w", c.ID, err)
	}
	if len(st.Hits) != len(rc.steps) || len(st.Products) != len(rc.steps) || len(st.Hits[0]) == 0 {
		return nil, nil, nil
	}
	tr := &track{rule: rc, id: c.ID, start: st.Start, cloud: event.Cloud(c.Cloud), account: c.Account,
		critical: st.Critical, newActor: st.NewActor, hits: st.Hits, products: make([][]string, len(rc.steps)),
		severity: st.Severity, revision: st.Revision}
	return tr, st.Products, nil
}

// openState is a network object's opening in a checkpoint.
type openState struct {
	At    int64     `json:"at"`
	World bool      `json:"world,omitempty"`
	Step  stepEvent `json:"step"`
}

// Restore loads a checkpoint into an engine that has seen no event yet.
// Chains of rules the engine does not have are dropped (a rule removed
// since), and the next Checkpoint deletes them; a damaged chain or opening
// is an error naming it. A parent that is not loaded is kept as an id.
func (e *Engine) Restore(s *store.Snapshot) error {
	e.p.historyStart, e.p.historyEnd = nanos(s.HistoryStart), nanos(s.HistoryEnd)
	for _, p := range s.Principals {
		x := e.p.get(event.Cloud(p.Cloud), p.ID)
		if x == nil {
			continue
		}
		x.firstSeen, x.created, x.createdBy = nanos(p.FirstSeen), nanos(p.Created), p.CreatedBy
	}
	for i := range s.Resources {
		n, err := e.nodeOf(&s.Resources[i])
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		e.g.add(n)
	}
	for _, r := range s.Resources {
		n := e.g.nodes[r.ID]
		if p := e.g.nodes[r.Parent]; p != nil {
			n.parent = p.id
		} else {
			// Kept though not loaded (evicted, or another account's):
			// a checkpoint must not lose it.
			n.parent = strings.Clone(r.Parent)
		}
		for _, l := range r.Links {
			link(n, e.g.nodes[l])
		}
	}
	rules := map[string]*compiled{}
	var dropped []string
	for _, c := range e.rules {
		rules[c.info.ID] = c
	}
	for _, c := range s.Chains {
		rc := rules[c.Rule]
		if rc == nil || !c.Open {
			dropped = append(dropped, c.ID) // the next checkpoint deletes it, as Snapshot leaves it out
			continue
		}
		tr, products, err := trackOf(rc, &c)
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if tr == nil {
			dropped = append(dropped, c.ID)
			continue // the rule's steps changed since: the chain cannot go on
		}
		e.tracks[c.ID] = tr
		e.queue = append(e.queue, tr)
		e.ch.opened(tr)
		for i, ids := range products {
			e.addProducts(tr, i, ids)
		}
	}
	slices.SortStableFunc(e.queue, func(a, b *track) int { return cmp.Compare(a.start, b.start) })
	// The store holds what was loaded: only the dropped chains differ.
	e.ch.reset()
	e.ch.goneTracks = dropped
	return nil
}

func unix(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// gobState marks state in gob; JSON, which checkpoints held before, never
// starts with it.
const gobState = 0

// encodeState writes a chain's or an opening's state for a checkpoint in
// gob, which keeps every byte of the ids from logs: JSON turns invalid
// UTF-8 into U+FFFD, and a restored chain would no longer know its
// resources.
func encodeState(v any) ([]byte, error) {
	b := bytes.NewBuffer([]byte{gobState})
	if err := gob.NewEncoder(b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeState reads what encodeState wrote, or the JSON of a checkpoint
// written before.
func decodeState(b []byte, v any) error {
	if len(b) > 0 && b[0] == gobState {
		return gob.NewDecoder(bytes.NewReader(b[1:])).Decode(v)
	}
	return json.Unmarshal(b, v)
}

package chain

import (
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// track is one chain in progress: started by a copy, advanced by steps.
type track struct {
	rule     *compiled
	id       string // the finding id: rule id + copy event id
	start    int64  // copy time
	cloud    event.Cloud
	account  string
	critical bool
	newActor bool
	hits     [][]stepEvent // per step, the events that took it
	products [][]string    // per step, the resources it made or reached
	severity finding.Severity
	revision int
	dirty    bool // changed since its finding was last yielded
	pending  bool // changed since the last checkpoint (in changes.tracks)
	out      bool // closed, and a checkpoint deleted it
	replayed bool // an event it already holds came again (a re-read log)
}

// stepEvent is what a chain keeps of an event that took one of its steps.
type stepEvent struct {
	ID        string       `json:"id"`
	Time      int64        `json:"time"`
	Operation string       `json:"operation"`
	Action    event.Action `json:"action"`
	Account   string       `json:"account,omitempty"`
	Actor     event.Actor  `json:"actor"`
	New       bool         `json:"new,omitempty"`
	Source    string       `json:"source,omitempty"`
	Target    string       `json:"target,omitempty"`
	Products  []string     `json:"products,omitempty"`
	Shares    []string     `json:"shares,omitempty"`
	Ingress   []string     `json:"ingress,omitempty"`
	Nets      []string     `json:"nets,omitempty"`
}

// maxHits bounds the events a step keeps (a copy shared again and again).
const maxHits = 8

func clone(s string) string { return strings.Clone(s) }

// stepEvent copies what a chain needs of ev: the event dies after Feed.
func (e *Engine) stepEvent(ev *event.Event, t int64) stepEvent {
	s := stepEvent{
		ID: clone(ev.ID), Time: t, Operation: clone(ev.Operation), Action: ev.Action, Account: clone(ev.Account),
		Actor: event.Actor{ID: clone(ev.Actor.ID), Name: clone(ev.Actor.Name), Type: clone(ev.Actor.Type),
			SessionIssuer: clone(ev.Actor.SessionIssuer), Account: clone(ev.Actor.Account)},
	}
	for _, r := range ev.Resources {
		switch {
		case r.Type == event.Principal || r.Type == event.AccountType:
		case r.Role == event.RoleSource && s.Source == "":
			s.Source = clone(r.ID)
		case r.Role == event.RoleCreated, r.Role == event.RoleTarget && r.Type == event.Instance:
			s.Products = append(s.Products, clone(r.ID))
		case isNet(r.Type) || r.Type == event.FirewallRule:
			s.Nets = append(s.Nets, clone(r.ID))
		case r.Role == event.RoleTarget && s.Target == "":
			s.Target = clone(r.ID)
		}
	}
	for _, sh := range ev.Shares {
		s.Shares = append(s.Shares, clone(sh.Target))
	}
	for _, in := range ev.Ingress {
		if in.WorldOpen() {
			s.Ingress = append(s.Ingress, finding.IngressText(in))
		}
	}
	return s
}

// apply tries ev against one step of one rule and returns the chains it
// started or advanced.
func (e *Engine) apply(ref stepRef, ev *event.Event, t int64) []*track {
	c, s := ref.rule, ref.step
	if s.idx == 0 {
		return e.applyCopy(c, ev, t)
	}
	if s.outside && !e.outside(ev) || s.world && !worldOpen(ev) {
		return nil
	}
	var out []*track
	if s.uses >= 0 {
		for _, tr := range e.tracksUsing(c, s.uses, ev, t) {
			if e.take(tr, s, ev, t) {
				out = append(out, tr)
			}
		}
	}
	// Steps that reach instances are taken through the open marks the
	// lineage update left (checkReaches), whichever order things came in.
	return out
}

// applyCopy starts a chain at a copy, or, when the copy's source is
// already a copy in an open chain (a copy of a copy, the target account
// copying a shared snapshot), adds it to that chain.
func (e *Engine) applyCopy(c *compiled, ev *event.Event, t int64) []*track {
	if joined := e.tracksUsing(c, 0, ev, t); len(joined) > 0 {
		for _, tr := range joined {
			e.take(tr, c.steps[0], ev, t)
		}
		return joined
	}
	var products []string
	critical := false
	for _, r := range ev.Resources {
		if n := e.g.nodes[r.ID]; n != nil && r.Type != event.Principal {
			critical = critical || n.critical
			if r.Role == event.RoleCreated {
				products = append(products, n.id)
			}
		}
	}
	if len(products) == 0 {
		return nil
	}
	if len(e.tracks) >= e.opts.MaxChains {
		e.stats.DroppedChain++
		return nil
	}
	tr := &track{
		rule: c, start: t, cloud: ev.Cloud, account: clone(ev.Account), critical: critical,
		hits:     make([][]stepEvent, len(c.steps)),
		products: make([][]string, len(c.steps)),
	}
	tr.id = finding.ID(c.info.ID, ev.ID)
	if old, ok := e.tracks[tr.id]; ok {
		old.replayed = true // the same copy event again (a re-read log)
		return nil
	}
	e.tracks[tr.id] = tr
	e.queue = append(e.queue, tr)
	e.ch.track(tr)
	e.ch.opened(tr)
	e.stats.Chains++
	se := e.stepEvent(ev, t)
	se.New = e.p.isNew(ev.Actor.ID, t, c.window, e.opts.NewPrincipal)
	tr.newActor = se.New
	tr.hits[0] = []stepEvent{se}
	e.addProducts(tr, 0, products)
	return nil // a copy alone is not a finding
}

// tracksUsing returns the open chains of rule c in which one of ev's
// resources (or, through copies, one of its ancestors) is a product of step
// idx, within the chain window.
func (e *Engine) tracksUsing(c *compiled, idx int, ev *event.Event, t int64) []*track {
	var out []*track
	for _, r := range ev.Resources {
		if r.Role != event.RoleSource && r.Role != event.RoleTarget {
			continue
		}
		e.g.ancestors(e.g.nodes[r.ID], func(n *node) bool {
			for _, tr := range n.tracks() {
				if tr.rule == c && t-tr.start <= int64(c.window) && t >= tr.start &&
					slices.Contains(tr.products[idx], n.id) && !slices.Contains(out, tr) {
					out = append(out, tr)
				}
			}
			return isCopy(n.typ)
		})
	}
	return out
}

// take records that ev took step s of tr, when the step's actor condition
// holds; it reports whether the chain changed.
func (e *Engine) take(tr *track, s *step, ev *event.Event, t int64) bool {
	for _, h := range tr.hits[s.idx] {
		if h.ID == ev.ID {
			tr.replayed = true
			return false
		}
	}
	se := e.stepEvent(ev, t)
	if len(tr.hits[s.idx]) >= maxHits || !e.actorOK(tr, s, &se) {
		return false
	}
	tr.newActor = tr.newActor || se.New
	tr.hits[s.idx] = append(tr.hits[s.idx], se)
	var products []string
	for _, id := range se.Products {
		if n := e.g.nodes[id]; n != nil {
			products = append(products, n.id)
			tr.critical = tr.critical || n.critical
		}
	}
	e.addProducts(tr, s.idx, products)
	tr.dirty = true
	e.checkReaches(tr)
	return true
}

func (e *Engine) addProducts(tr *track, idx int, ids []string) {
	for _, id := range ids {
		if slices.Contains(tr.products[idx], id) {
			continue
		}
		tr.products[idx] = append(tr.products[idx], id)
		if n := e.g.nodes[id]; n != nil && !slices.Contains(n.tracks(), tr) {
			n.extra().chains = append(n.tracks(), tr)
		}
	}
}

// checkReaches takes the chain's "reaches" steps whose instances are
// reachable through a network object opened within the window. It reports
// whether the chain changed.
func (e *Engine) checkReaches(tr *track) bool {
	changed := false
	for _, s := range tr.rule.steps {
		if len(s.reaches) == 0 || len(tr.hits[s.idx]) > 0 {
			continue
		}
		var found *openMark
		for _, idx := range s.reaches {
			for _, id := range tr.products[idx] {
				inst := e.g.nodes[id]
				if inst == nil || inst.typ != event.Instance {
					continue
				}
				reachable(inst, func(n *node) {
					m := n.opening()
					if found != nil || m == nil || s.world && !m.world {
						return
					}
					if d := m.at - tr.start; d > int64(tr.rule.window) || -d > int64(tr.rule.window) {
						return
					}
					found = m
				})
			}
		}
		if found == nil {
			continue
		}
		se := found.step
		if !e.actorOK(tr, s, &se) {
			continue
		}
		tr.newActor = tr.newActor || se.New
		tr.hits[s.idx] = append(tr.hits[s.idx], se)
		tr.dirty, changed = true, true
	}
	return changed
}

// actorOK judges a step's actor condition, marking se new or not.
func (e *Engine) actorOK(tr *track, s *step, se *stepEvent) bool {
	se.New = e.p.isNew(se.Actor.ID, se.Time, tr.rule.window, e.opts.NewPrincipal)
	switch s.actor {
	case "other":
		return se.Actor.ID != tr.hits[0][0].Actor.ID || se.New
	case "new":
		return se.New
	}
	return true
}

// settle recomputes a changed chain's level; ok when there is a finding to
// yield (a level reached, and the chain changed since it was last yielded).
func (e *Engine) settle(tr *track) (finding.Finding, bool) {
	if !tr.dirty {
		return finding.Finding{}, false
	}
	tr.dirty = false
	var sev finding.Severity
	for _, l := range tr.rule.levels {
		if l.newActor && !tr.newActor || l.critical && !tr.critical {
			continue
		}
		all := true
		for _, idx := range l.steps {
			all = all && len(tr.hits[idx]) > 0
		}
		if all {
			sev = max(sev, l.severity)
		}
	}
	if sev == 0 {
		return finding.Finding{}, false
	}
	tr.severity = max(tr.severity, sev)
	tr.revision++
	return e.finding(tr), true
}

package chain

import (
	"container/heap"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/store"
)

// changes is what the engine changed since its last checkpoint. Mutation
// points mark what they touch (a flag on the node, principal or chain, and
// an append the first time), so a checkpoint writes only that.
type changes struct {
	nodes      []*node      // marked nodes (node.pending), some evicted since
	principals []*principal // marked principals
	tracks     []*track     // marked chains, some closed since
	gone       []store.ResourceKey
	goneTracks []string
	// closing holds the chains by the time their window ends: a chain
	// leaves the checkpoint then (as Snapshot leaves it out), whether or
	// not anything marked it.
	closing closingHeap
	removed int // evictions since the last checkpoint
	// lost: more was evicted than is alive before anyone checkpointed (a
	// hunt that never does): the lists are dropped, marking stops, and the
	// next checkpoint is the whole state.
	lost bool
}

// minLost is the fewest evictions between checkpoints that give up
// tracking: below it, a small engine keeps its lists whatever its size.
const minLost = 1 << 16

func (c *changes) node(n *node) {
	if c.lost || n.pending {
		return
	}
	n.pending = true
	c.nodes = append(c.nodes, n)
}

func (c *changes) principal(p *principal) {
	if c.lost || p.pending {
		return
	}
	p.pending = true
	c.principals = append(c.principals, p)
}

func (c *changes) track(tr *track) {
	if c.lost || tr.pending {
		return
	}
	tr.pending = true
	c.tracks = append(c.tracks, tr)
}

func (c *changes) opened(tr *track) {
	if !c.lost {
		heap.Push(&c.closing, tr)
	}
}

func (c *changes) evicted(n *node) {
	c.removed++
	if !c.lost {
		c.gone = append(c.gone, store.ResourceKey{Cloud: string(n.cloud), ID: n.id})
	}
}

func (c *changes) closed(tr *track) {
	c.removed++
	if !c.lost && !tr.out {
		c.goneTracks = append(c.goneTracks, tr.id)
	}
}

// checkLost gives up tracking when evictions outnumber what is alive.
func (c *changes) checkLost(alive int) {
	if c.lost || c.removed <= max(minLost, alive) {
		return
	}
	c.reset()
	c.lost, c.closing = true, nil
}

// reset clears the marks and empties the lists; the closing chains stay.
func (c *changes) reset() {
	for _, n := range c.nodes {
		n.pending = false
	}
	for _, p := range c.principals {
		p.pending = false
	}
	for _, tr := range c.tracks {
		tr.pending = false
	}
	*c = changes{closing: c.closing}
}

// closingHeap orders chains by the end of their window.
type closingHeap []*track

func (h closingHeap) Len() int           { return len(h) }
func (h closingHeap) Less(i, j int) bool { return h[i].closesAt() < h[j].closesAt() }
func (h closingHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *closingHeap) Push(x any)        { *h = append(*h, x.(*track)) }
func (h *closingHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

func (tr *track) closesAt() int64 { return tr.start + int64(tr.rule.window) }

// closed reports whether nothing later can join tr: Snapshot leaves it out.
func (e *Engine) closed(tr *track) bool {
	return e.p.historyEnd-tr.start > int64(tr.rule.window)
}

// Checkpoint returns what changed in the state since the previous
// Checkpoint (or since New or Restore): the principals, resources and open
// chains created or modified, as Snapshot gives them, and the keys of the
// resources evicted and of the chains closed or evicted since. Applied in
// turn to the store the engine was restored from (store.ApplyState), the
// deltas leave it holding what Snapshot would. When more was evicted than
// is alive since the last checkpoint (an engine nobody checkpoints), the
// delta is the whole state, Full.
func (e *Engine) Checkpoint() (*store.StateDelta, error) {
	c := &e.ch
	d := &store.StateDelta{HistoryStart: unix(e.p.historyStart), HistoryEnd: unix(e.p.historyEnd)}
	if c.lost {
		snap, err := e.Snapshot()
		if err != nil {
			return nil, err
		}
		d.Principals, d.Resources, d.Chains, d.Full = snap.Principals, snap.Resources, snap.Chains, true
		c.reset()
		for _, tr := range e.tracks {
			c.closing = append(c.closing, tr)
		}
		heap.Init(&c.closing)
		return d, nil
	}
	for len(c.closing) > 0 && c.closing[0].closesAt() < e.p.historyEnd {
		if tr := heap.Pop(&c.closing).(*track); e.tracks[tr.id] == tr && !tr.out {
			tr.out = true
			c.goneTracks = append(c.goneTracks, tr.id)
		}
	}
	for _, p := range c.principals {
		d.Principals = append(d.Principals, p.row())
	}
	for _, n := range c.nodes {
		if e.g.nodes[n.id] != n {
			continue // evicted since: its key is among the gone
		}
		r, err := n.row()
		if err != nil {
			return nil, err
		}
		d.Resources = append(d.Resources, r)
	}
	deleted := map[string]bool{}
	for _, tr := range c.tracks {
		switch {
		case e.tracks[tr.id] != tr:
		case e.closed(tr):
			if !tr.out {
				tr.out = true
				deleted[tr.id] = true
			}
		default:
			row, err := e.chainRow(tr)
			if err != nil {
				return nil, err
			}
			d.Chains = append(d.Chains, row)
		}
	}
	for _, id := range c.goneTracks {
		if tr := e.tracks[id]; tr == nil || tr.out || e.closed(tr) {
			deleted[id] = true
		}
	}
	d.DeletedChains = slices.Sorted(func(yield func(string) bool) {
		for id := range deleted {
			if !yield(id) {
				return
			}
		}
	})
	for _, k := range c.gone {
		// The same id tracked again since is written whole instead.
		if n := e.g.nodes[k.ID]; n != nil && string(n.cloud) == k.Cloud {
			continue
		}
		d.DeletedResources = append(d.DeletedResources, k)
	}
	slices.SortFunc(d.DeletedResources, func(a, b store.ResourceKey) int {
		if x := strings.Compare(a.Cloud, b.Cloud); x != 0 {
			return x
		}
		return strings.Compare(a.ID, b.ID)
	})
	d.DeletedResources = slices.Compact(d.DeletedResources)
	sortRows(d.Principals, d.Resources, d.Chains)
	c.reset()
	return d, nil
}

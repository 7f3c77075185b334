package chain

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// node is a resource of the lineage graph. Its size matters: a long hunt
// tracks millions, so times are Unix nanoseconds, strings are interned and
// what few nodes need (links, chains, openings) hangs off one pointer.
type node struct {
	id       string // canonical id, interned (the graph's key)
	cloud    event.Cloud
	typ      event.ResourceType
	account  string     // interned
	parent   string     // id of what it was copied or restored from (its key)
	created  int64      // creation time, 0 when not seen
	seen     int64      // last time an event touched it
	creator  string     // actor id of the creating event, interned
	event    string     // id of the creating event
	x        *nodeExtra // nil for most: a snapshot or volume nothing links to
	critical bool
	pending  bool // changed since the last checkpoint (in changes.nodes)
}

// nodeExtra is what only some nodes have.
type nodeExtra struct {
	// links are neighbours both ways: an instance and its volumes, NICs,
	// security groups, networks and network tags; a NIC and its groups.
	links  []*node
	chains []*track // chains this node is a product of
	open   *openMark
}

func (n *node) extra() *nodeExtra {
	if n.x == nil {
		n.x = &nodeExtra{}
	}
	return n.x
}

func (n *node) linked() []*node {
	if n.x == nil {
		return nil
	}
	return n.x.links
}

func (n *node) tracks() []*track {
	if n.x == nil {
		return nil
	}
	return n.x.chains
}

func (n *node) opening() *openMark {
	if n.x == nil {
		return nil
	}
	return n.x.open
}

// openMark records that a network object (security group, network tag,
// NIC, network) was opened to any address.
type openMark struct {
	at    int64
	world bool // open to any address
	step  stepEvent
}

// maxAncestors bounds the walk up a node's parents (a copy of a copy of a
// restored volume…): lineage loops in hostile logs must not hang the walk.
const maxAncestors = 8

// graph is the lineage graph: resources by canonical id.
type graph struct {
	nodes map[string]*node
	strs  map[string]string // interned actor ids and accounts (ids are the nodes' keys)
	// queue holds the nodes in the order they were added (or found still
	// in use by evict): eviction pops its front instead of scanning them all.
	queue   []queued
	max     int
	dropped int      // nodes not tracked because the graph was full
	ch      *changes // the engine's, to mark what changes
}

func newGraph(max int, ch *changes) *graph {
	return &graph{nodes: map[string]*node{}, strs: map[string]string{}, max: max, ch: ch}
}

// intern returns one shared copy of s.
func (g *graph) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := g.strs[s]; ok {
		return v
	}
	s = strings.Clone(s) // detach from the decoder's buffer
	g.strs[s] = s
	return s
}

// node returns the node of r, adding it (nil when the graph is full) in
// r's account, else the event's (account): decoders name a resource's
// account only when it is not the event's, and the account is what a
// partitioned deployment loads state by. The node is marked changed: the
// caller is an event that touches it.
func (g *graph) node(cloud event.Cloud, account string, r *event.Resource, at int64) *node {
	if n, ok := g.nodes[r.ID]; ok {
		g.ch.node(n)
		n.seen = max(n.seen, at)
		if n.typ == "" {
			n.typ = r.Type
		}
		return n
	}
	if len(g.nodes) >= g.max {
		g.dropped++
		return nil
	}
	id := strings.Clone(r.ID) // the map key and the node's id: one copy
	if r.Account != "" {
		account = r.Account
	}
	n := &node{id: id, cloud: cloud, typ: r.Type, account: g.intern(account), seen: at}
	g.add(n)
	g.ch.node(n)
	return n
}

// queued is a node in the eviction queue, with the time it was queued at.
type queued struct {
	n  *node
	at int64
}

func (g *graph) add(n *node) {
	g.nodes[n.id] = n
	g.queue = append(g.queue, queued{n, n.seen})
}

// link joins two nodes both ways, once.
func link(a, b *node) {
	if a == nil || b == nil || a == b {
		return
	}
	for _, x := range a.linked() {
		if x == b {
			return
		}
	}
	a.extra().links = append(a.linked(), b)
	b.extra().links = append(b.linked(), a)
}

// ancestors calls f on n and its parents, nearest first, until f returns
// false.
func (g *graph) ancestors(n *node, f func(*node) bool) {
	for i := 0; n != nil && i < maxAncestors; i++ {
		if !f(n) {
			return
		}
		n = g.nodes[n.parent]
	}
}

// netTypes are the resources through which an instance is reachable.
func isNet(t event.ResourceType) bool {
	switch t {
	case event.SecurityGroup, event.NetworkTag, event.NIC, event.Network:
		return true
	}
	return false
}

// reachable calls f on the network objects an instance is reachable
// through: its own (security groups, NICs, networks, tags) and the groups
// of its NICs.
func reachable(inst *node, f func(*node)) {
	for _, a := range inst.linked() {
		if !isNet(a.typ) {
			continue
		}
		f(a)
		if a.typ == event.NIC {
			for _, b := range a.linked() {
				if b != inst && isNet(b.typ) && b.typ != event.NIC {
					f(b)
				}
			}
		}
	}
}

// instancesBehind calls f on the instances a network object leads to:
// directly, or through a NIC.
func instancesBehind(net *node, f func(*node)) {
	for _, a := range net.linked() {
		switch a.typ {
		case event.Instance:
			f(a)
		case event.NIC:
			for _, b := range a.linked() {
				if b.typ == event.Instance {
					f(b)
				}
			}
		}
	}
}

// evict drops nodes not touched since before cutoff, unlinking them. It
// pops the queue's front while it was queued before cutoff; a node touched
// since goes to the back, so each node costs O(1) per time-to-live.
func (g *graph) evict(cutoff int64) (n int) {
	q := g.queue
	var again []queued
	i := 0
	for ; i < len(q) && q[i].at < cutoff; i++ {
		x := q[i].n
		if x.seen >= cutoff {
			again = append(again, queued{x, x.seen})
			continue
		}
		for _, y := range x.linked() {
			y.x.links = removeNode(y.x.links, x)
			g.ch.node(y)
		}
		delete(g.nodes, x.id)
		g.ch.evicted(x)
		n++
	}
	q = append(q[i:], again...)
	if cap(q) > 2*len(q)+1024 {
		q = append([]queued(nil), q...) // let the popped front be freed
	}
	g.queue = q
	return n
}

func removeNode(s []*node, x *node) []*node {
	for i, y := range s {
		if y == x {
			s[i] = s[len(s)-1]
			s[len(s)-1] = nil
			return s[:len(s)-1]
		}
	}
	return s
}

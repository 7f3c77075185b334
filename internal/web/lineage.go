package web

import (
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// graph is a chain's lineage laid out for SVG: resources (and the
// accounts copies were shared with) as boxes, left to right in the order
// the events reached them, joined by edges labelled with the action, the
// actor and the time. Every string in it is log text for the template to
// escape; the numbers are the layout's.
type graph struct {
	Width, Height int
	Nodes         []*gnode
	Edges         []gedge
}

type gnode struct {
	key       string
	col, row  int
	X, Y      int
	Type      string
	ID        string // full id, for the tooltip
	Label     string // shortened id
	Name      string // the name the log gave, shortened ("" none)
	Critical  bool   // declared critical (the config, a tag)
	Derived   bool   // copied or restored from a critical resource
	Account   bool   // a share target, not a resource
	connected bool
}

type gedge struct {
	Path          string // SVG path data: numbers only
	LX, LY        int    // label position
	Action, Actor string
	Time, Title   string
	from, to      *gnode
}

// Layout sizes, in SVG user units.
const (
	nodeW, nodeH = 200, 56
	colStep      = 330
	rowStep      = 92
	margin       = 16
)

// graphBuilder collects nodes and edges before the layout.
type graphBuilder struct {
	nodes  map[string]*gnode
	order  []*gnode
	edges  []gedge
	anchor *gnode // where the last edge led: an event naming only a target continues from it
}

// Criticality of a resource in the lineage.
type criticality int

const (
	notCritical  criticality = iota
	criticalRoot             // declared critical
	criticalCopy             // made from a critical resource: holds its data
)

// buildGraph draws f's chain. events holds what the kept records decode
// to, by event id (absent when not kept); critical says which resource ids
// the store marks critical, and how.
func buildGraph(f finding.Finding, events map[string]*event.Event, critical map[string]criticality) *graph {
	b := &graphBuilder{nodes: map[string]*gnode{}}
	for _, r := range f.Resources {
		b.node(string(r.Type), r.ID, "")
	}
	for _, ref := range f.Events {
		ev := events[ref.ID]
		label := gedge{Action: string(ref.Action), Actor: shortActor(ref.Actor), Time: ref.Time.UTC().Format("2006-01-02 15:04:05")}
		label.Title = textsafe.Clean(fmt.Sprintf("%s (%s) by %s at %s", ref.Operation, ref.Action, ref.Actor, label.Time))
		if ev == nil {
			b.guess(label)
			continue
		}
		b.event(ev, label)
	}
	for _, n := range b.order {
		n.Critical = critical[n.key] == criticalRoot
		n.Derived = critical[n.key] == criticalCopy
	}
	return b.layout()
}

// node returns the node of a resource, adding it on first sight.
func (b *graphBuilder) node(typ, id, name string) *gnode {
	if n, ok := b.nodes[id]; ok {
		if n.Name == "" && name != "" {
			n.Name = textsafe.Truncate(name, 28)
		}
		return n
	}
	n := &gnode{key: id, Type: textsafe.Truncate(strings.ReplaceAll(typ, "_", " "), 24), ID: textsafe.Clean(id),
		Label: textsafe.Truncate(lastSegment(id), 26), col: -1}
	if name != "" && name != id {
		n.Name = textsafe.Truncate(name, 28)
	}
	b.nodes[id] = n
	b.order = append(b.order, n)
	return n
}

// event adds the edges of one decoded event: what it read to what it made
// or changed, and what it shared to whom.
func (b *graphBuilder) event(ev *event.Event, label gedge) {
	var from, to, shared []*gnode
	for _, r := range ev.Resources {
		if r.ID == "" {
			continue
		}
		switch r.Role {
		case event.RoleSource:
			from = append(from, b.node(string(r.Type), r.ID, r.Name))
		case event.RoleCreated, event.RoleTarget:
			to = append(to, b.node(string(r.Type), r.ID, r.Name))
		}
	}
	for _, s := range ev.Shares {
		if s.Target == "" {
			continue
		}
		n := b.node("account", s.Target, "")
		if n.Type == "account" {
			n.Account = true
		}
		if s.Kind != "" && s.Kind != "account" {
			n.Type = textsafe.Truncate(s.Kind, 24)
		}
		shared = append(shared, n)
	}
	if len(shared) > 0 { // the shared resource is the one changed in place
		if len(to) == 0 {
			to = from
		}
		from, to = to, shared
	}
	if len(from) == 0 && b.anchor != nil {
		from = []*gnode{b.anchor}
	}
	if len(from) == 0 && len(to) == 0 {
		b.guess(label)
		return
	}
	for _, f := range from {
		for _, t := range to {
			if f != t {
				b.edge(f, t, label)
			}
		}
	}
	if len(to) > 0 && len(shared) == 0 {
		b.anchor = to[len(to)-1]
	}
}

// guess draws an event whose record was not kept: from where the last
// edge led (at first, the finding's first resource) to the finding's next
// resource no edge has reached yet.
func (b *graphBuilder) guess(label gedge) {
	if b.anchor == nil {
		b.anchor = b.unreached(nil)
	}
	next := b.unreached(b.anchor)
	if b.anchor == nil || next == nil {
		return
	}
	b.edge(b.anchor, next, label)
	b.anchor = next
}

// unreached returns the first node, other than but, no edge touches.
func (b *graphBuilder) unreached(but *gnode) *gnode {
	for _, n := range b.order {
		if !n.connected && n != but {
			return n
		}
	}
	return nil
}

func (b *graphBuilder) edge(from, to *gnode, label gedge) {
	from.connected, to.connected = true, true
	for i := range b.edges { // one edge per pair: a second event on it joins its tooltip
		if e := &b.edges[i]; e.from == from && e.to == to {
			e.Title += "; " + label.Title
			return
		}
	}
	label.from, label.to = from, to
	b.edges = append(b.edges, label)
}

// layout gives each node a column one right of the first node an edge
// reached it from (roots in column 0, nodes without edges after the
// rest), stacks a column's nodes top-down in order of arrival, and routes
// the edges as curves between the boxes.
func (b *graphBuilder) layout() *graph {
	for _, e := range b.edges { // edges are in event order: a source is placed before what it made
		if e.from.col < 0 {
			e.from.col = 0
		}
		if e.to.col < 0 {
			e.to.col = e.from.col + 1
		}
	}
	last := 0
	for _, n := range b.order {
		last = max(last, n.col)
	}
	rows := map[int]int{}
	maxRow := 0
	for _, n := range b.order {
		if n.col < 0 {
			n.col = last + 1
			if len(b.edges) == 0 {
				n.col = 0
			}
		}
		n.row = rows[n.col]
		rows[n.col]++
		maxRow = max(maxRow, n.row)
		n.X, n.Y = margin+n.col*colStep, margin+n.row*rowStep
	}
	g := &graph{Nodes: b.order}
	cols := 0
	for _, n := range b.order {
		cols = max(cols, n.col+1)
	}
	g.Width = 2*margin + max(cols-1, 0)*colStep + nodeW
	g.Height = 2*margin + maxRow*rowStep + nodeH + 20
	for _, e := range b.edges {
		x1, y1 := e.from.X+nodeW, e.from.Y+nodeH/2
		x2, y2 := e.to.X, e.to.Y+nodeH/2
		if e.to.col <= e.from.col { // backwards or within a column: loop below the boxes
			x1, y1 = e.from.X+nodeW/2, e.from.Y+nodeH
			x2, y2 = e.to.X+nodeW/2, e.to.Y+nodeH
			e.Path = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x1, y1, x1, y1+50, x2, y2+50, x2, y2)
			e.LX, e.LY = (x1+x2)/2, max(y1, y2)+30
		} else {
			mid := (x1 + x2) / 2
			e.Path = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x1, y1, mid, y1, mid, y2, x2-6, y2)
			// Above the line where it reaches its target: the edges fanning
			// out of one resource end a row apart, and so do their labels.
			e.LX, e.LY = mid, y2-33
		}
		g.Height = max(g.Height, e.LY+40)
		g.Edges = append(g.Edges, e)
	}
	return g
}

// shortActor is an actor as a label shows it: an ARN's resource part
// (user/alice), else the id, cleaned and cut.
func shortActor(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.SplitN(id, ":", 6); len(parts) == 6 && parts[5] != "" {
			id = parts[5]
		}
	}
	return textsafe.Truncate(id, 20)
}

// lastSegment shortens a path-like id (Azure's, GCP's) to its name: the
// box says the type, and the tooltip has the whole id.
func lastSegment(id string) string {
	if strings.Count(id, "/") < 3 {
		return id
	}
	if i := strings.LastIndexByte(strings.TrimRight(id, "/"), '/'); i >= 0 && i+1 < len(strings.TrimRight(id, "/")) {
		return strings.TrimRight(id, "/")[i+1:]
	}
	return id
}

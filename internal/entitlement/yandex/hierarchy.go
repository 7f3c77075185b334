package yandex

import (
	"fmt"
	"sort"
)

// node is a place bindings sit: organization, cloud, folder or a resource.
type node struct {
	level Level
	id    string
}

func (n node) String() string { return string(n.level) + ":" + n.id }

// hierarchy knows each node's parent, from the listings or, failing them,
// from there being a single candidate.
type hierarchy struct {
	parent map[string]node   // by child id (Yandex ids are unique across kinds)
	names  map[string]string // id → name, for the via chain
	notes  []string
	chains map[node][]node // chain's answers, computed once
}

func newHierarchy(resources []resource, bound []node) *hierarchy {
	h := &hierarchy{parent: map[string]node{}, names: map[string]string{}, chains: map[node][]node{}}
	for _, r := range resources {
		if r.parent != "" {
			h.parent[r.id] = node{level: r.parentLevel, id: r.parent}
		}
		if r.name != "" {
			h.names[r.id] = r.name
		}
	}
	// A folder without a listed cloud sits in the only cloud given, if
	// there is one; a cloud likewise in the only organization.
	known := map[Level]map[string]bool{Organization: {}, Cloud: {}}
	for _, n := range bound {
		if known[n.level] != nil {
			known[n.level][n.id] = true
		}
	}
	for _, r := range resources {
		if known[r.level] != nil {
			known[r.level][r.id] = true
		}
		if r.parent != "" && known[r.parentLevel] != nil {
			known[r.parentLevel][r.parent] = true
		}
	}
	only := func(l Level) (string, bool) {
		if len(known[l]) != 1 {
			return "", false
		}
		for id := range known[l] {
			return id, true
		}
		return "", false
	}
	seen := map[node]bool{}
	for _, n := range bound {
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, ok := h.parent[n.id]; ok {
			continue
		}
		switch n.level {
		case Organization:
		case Folder, Cloud:
			up := Cloud
			if n.level == Cloud {
				up = Organization
			}
			if id, ok := only(up); ok {
				h.parent[n.id] = node{level: up, id: id}
				h.notes = append(h.notes, fmt.Sprintf("%s: %s not listed; taken to be in %s:%s, the only one given", n, up, up, id))
			} else {
				h.notes = append(h.notes, fmt.Sprintf("%s: %s unknown (give the %s listing): bindings above it not applied", n, up, listingOf(n.level)))
			}
		default:
			h.notes = append(h.notes, fmt.Sprintf("%s: folder unknown (give the %s listing): folder, cloud and organization bindings not applied to it", n, listingOf(n.level)))
		}
	}
	sort.Strings(h.notes)
	return h
}

func listingOf(l Level) string {
	switch l {
	case Cloud:
		return "cloud"
	case Folder:
		return "folder"
	case ServiceAccount:
		return "service-account"
	}
	return string(l)
}

// chain returns n and its ancestors, nearest first. The slice is shared:
// callers do not change it.
func (h *hierarchy) chain(n node) []node {
	if c, ok := h.chains[n]; ok {
		return c
	}
	c := h.climb(n)
	h.chains[n] = c
	return c
}

func (h *hierarchy) climb(n node) []node {
	out := []node{n}
	seen := map[string]bool{n.id: true}
	for {
		p, ok := h.parent[out[len(out)-1].id]
		if !ok || seen[p.id] || p.level.depth() >= out[len(out)-1].level.depth() {
			return out // a listing that loops or climbs down is not followed
		}
		seen[p.id] = true
		out = append(out, p)
	}
}

// label names a node for the via chain, with its name when listed.
func (h *hierarchy) label(n node) string {
	if name := h.names[n.id]; name != "" {
		return n.String() + " (" + name + ")"
	}
	return n.String()
}

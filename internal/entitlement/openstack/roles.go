package openstack

import "strings"

// roleGraph is Keystone's role implications: a role assigned brings every
// role it implies, transitively.
type roleGraph struct {
	names map[string]string   // role id → name
	next  map[string][]string // lower-cased prior name → implied names
	known map[string]bool     // lower-cased names the implications mention
}

func newRoleGraph(imps []implication) *roleGraph {
	g := &roleGraph{names: map[string]string{}, next: map[string][]string{}, known: map[string]bool{}}
	for _, im := range imps {
		if im.priorID != "" && im.prior != "" {
			g.names[im.priorID] = im.prior
		}
		if im.impliedID != "" && im.implied != "" {
			g.names[im.impliedID] = im.implied
		}
	}
	for _, im := range imps {
		prior := strings.ToLower(g.name(firstOf(im.prior, im.priorID)))
		implied := g.name(firstOf(im.implied, im.impliedID))
		g.next[prior] = append(g.next[prior], implied)
		g.known[prior] = true
		g.known[strings.ToLower(implied)] = true
	}
	return g
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// name turns a role id the implications name into the role's name.
func (g *roleGraph) name(role string) string {
	if n, ok := g.names[role]; ok {
		return n
	}
	return role
}

// expand adds role and all it implies to held, each with the chain that
// brings it; a role already held keeps its first (shortest) chain.
func (g *roleGraph) expand(role string, held map[string]heldRole) {
	type item struct{ name, path string }
	queue := []item{{role, ""}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		key := strings.ToLower(it.name)
		if h, ok := held[key]; ok && (h.path == "" || it.path != "") {
			continue
		}
		held[key] = heldRole{from: role, path: it.path}
		for _, next := range g.next[key] {
			p := it.path
			if p == "" {
				p = it.name
			}
			queue = append(queue, item{next, p + " ⇒ " + next})
		}
	}
}

// looksLikeID tells a Keystone id (32 hex digits) from a role name.
func looksLikeID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

package gcp

import (
	"fmt"
	"slices"
	"strings"
)

// hierarchy knows each organization, folder and project node given and
// their ancestors.
type hierarchy struct {
	chains   map[Resource]*chain // memo of chainOf
	nodes    map[Resource]bool
	parent   map[Resource]Resource // from get-ancestors output
	orgs     []Resource
	folders  []Resource
	fallback bool // some node's ancestors were assumed
}

func newHierarchy() *hierarchy {
	return &hierarchy{nodes: map[Resource]bool{}, parent: map[Resource]Resource{}, chains: map[Resource]*chain{}}
}

func (h *hierarchy) add(r Resource) {
	if r.Level == ServiceAccount || h.nodes[r] {
		return
	}
	h.nodes[r] = true
	switch r.Level {
	case Organization:
		h.orgs = append(h.orgs, r)
	case Folder:
		h.folders = append(h.folders, r)
	}
}

// parseAncestry reads `gcloud projects get-ancestors --format=json`.
func (h *hierarchy) parseAncestry(f File) error {
	type entry struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	list, err := decodeList[entry](f.Data, "ancestor")
	if err != nil {
		return fmt.Errorf("ancestry %s: %w", f.Name, err)
	}
	var chain []Resource
	for i, e := range list {
		l, err := ParseLevel(e.Type)
		if err != nil || l == ServiceAccount || e.ID == "" {
			return fmt.Errorf("ancestry %s: [%d]: want {id, type: project|folder|organization}, got %+v", f.Name, i, e)
		}
		chain = append(chain, Resource{Level: l, ID: e.ID})
	}
	for i := 0; i+1 < len(chain); i++ {
		if chain[i].Level.rank() < chain[i+1].Level.rank() {
			return fmt.Errorf("ancestry %s: [%d] %s cannot sit under %s", f.Name, i, chain[i], chain[i+1])
		}
		h.parent[chain[i]] = chain[i+1]
	}
	for _, r := range chain {
		h.add(r)
	}
	return nil
}

// ancestors returns r's ancestors, nearest first. A node whose parent is
// not known inherits from every organization (a project also from every
// folder) given.
func (h *hierarchy) ancestors(r Resource) []Resource {
	given := h.nodes[r]
	var out []Resource
	seen := map[Resource]bool{r: true}
	for {
		p, ok := h.parent[r]
		if !ok {
			break
		}
		if seen[p] {
			return out // a loop in the input: stop
		}
		seen[p] = true
		out = append(out, p)
		r = p
	}
	if r.Level == Organization {
		return out
	}
	var assumed []Resource
	if r.Level == Project || r.Level == ServiceAccount {
		assumed = append(assumed, h.folders...)
	}
	assumed = append(assumed, h.orgs...)
	for _, a := range assumed {
		if !seen[a] {
			h.fallback = h.fallback || given
			out = append(out, a)
		}
	}
	return out
}

// chain is a resource and its ancestors, broadest first, and the same as
// a set.
type chain struct {
	list []Resource
	set  map[Resource]bool
}

func newChain(list []Resource) *chain {
	c := &chain{list: list, set: make(map[Resource]bool, len(list))}
	for _, r := range list {
		c.set[r] = true
	}
	return c
}

// target is the resource the chain leads to.
func (c *chain) target() Resource { return c.list[len(c.list)-1] }

// chainOf is r's chain. Call it once every node is added: it is memoised.
func (h *hierarchy) chainOf(r Resource) *chain {
	if c, ok := h.chains[r]; ok {
		return c
	}
	list := append([]Resource{r}, h.ancestors(r)...)
	slices.SortStableFunc(list, func(a, b Resource) int { return a.Level.rank() - b.Level.rank() })
	c := newChain(list)
	h.chains[r] = c
	return c
}

// leaves are the nodes no other node sits under: where grants are
// evaluated (a parent's bindings reach them by inheritance).
func (h *hierarchy) leaves() []Resource {
	inner := map[Resource]bool{}
	for n := range h.nodes {
		for _, a := range h.ancestors(n) {
			inner[a] = true
		}
	}
	var out []Resource
	for n := range h.nodes {
		if !inner[n] {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b Resource) int {
		if d := a.Level.rank() - b.Level.rank(); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// serviceAccountProject is the project id a service account's email
// names: name@PROJECT.iam.gserviceaccount.com, PROJECT@appspot.gserviceaccount.com;
// "" for the other forms (e.g. NUMBER-compute@developer.gserviceaccount.com).
func serviceAccountProject(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return ""
	}
	if domain == "appspot.gserviceaccount.com" {
		return local
	}
	p, ok := strings.CutSuffix(domain, ".iam.gserviceaccount.com")
	if !ok || strings.HasPrefix(p, "gcp-sa-") || strings.HasSuffix(p, "-system") {
		return "" // a Google-managed service agent: not in the customer's project
	}
	return p
}

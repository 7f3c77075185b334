package openstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

func rank(p path) int {
	r := 0
	switch p.verdict {
	case entitlement.Allow:
		r = 30
	case entitlement.Conditional:
		r = 20
	case entitlement.Eligible:
		r = 15
	case entitlement.Denied:
		r = 10
	}
	if !p.indirect {
		r += 2
	}
	if p.scope == "*" {
		r++
	}
	return r
}

func best(ps []path) (path, bool) {
	if len(ps) == 0 {
		return path{}, false
	}
	b := ps[0]
	for _, p := range ps[1:] {
		if rank(p) > rank(b) {
			b = p
		}
	}
	return b, true
}

// maxAlso bounds the via's "also:" lines.
const maxAlso = 3

// grantOf folds a principal's paths to one capability into its grant: the
// strongest path's via, every scope at that verdict, the other ways in
// "also:" lines.
func grantOf(cloud event.Cloud, h *holder, c entitlement.Capability, ps []path) (entitlement.Grant, bool) {
	b, ok := best(ps)
	if !ok {
		return entitlement.Grant{}, false
	}
	g := entitlement.Grant{
		ID:            entitlement.GrantID(cloud, h.id, c),
		Cloud:         cloud,
		Principal:     h.id,
		PrincipalType: h.typ,
		Capability:    c,
		Verdict:       b.verdict,
		Via:           slices.Clone(b.lines()),
		Standing:      true,
		Indirect:      b.indirect,
	}
	var scopes, conds, also []string
	bl := b.label()
	for _, p := range ps {
		if p.verdict != b.verdict || p.indirect != b.indirect {
			continue
		}
		scopes = append(scopes, p.scope)
		conds = append(conds, p.conds...)
		if l := p.label(); l != bl && !slices.Contains(also, l) {
			also = append(also, l)
		}
	}
	if slices.Contains(scopes, "*") {
		g.Scope = "*"
	} else {
		g.Scope = strings.Join(dedupe(scopes), ", ")
	}
	if b.verdict == entitlement.Conditional {
		g.Conditions = dedupe(conds)
	}
	for i, a := range also {
		if i == maxAlso {
			g.Via = append(g.Via, fmt.Sprintf("also: %d more", len(also)-maxAlso))
			break
		}
		g.Via = append(g.Via, "also: "+a)
	}
	return g, true
}

// dedupe sorts and removes repeats.
func dedupe(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

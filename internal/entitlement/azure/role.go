package azure

import (
	"fmt"
	"strings"
)

// block is a compiled permission block. notActions subtract only from the
// actions of their own block: they are not a deny, and another block or
// role can grant the operation back.
type block struct {
	actions, notActions, dataActions, notDataActions patterns
	cond                                             *condition
}

func compileBlock(p rawPermission) block {
	return block{
		actions:        compilePatterns(p.Actions),
		notActions:     compilePatterns(p.NotActions),
		dataActions:    compilePatterns(p.DataActions),
		notDataActions: compilePatterns(p.NotDataActions),
		cond:           parseCondition(p.Condition),
	}
}

// allows returns the pattern of the block that grants the operation, or nil.
func (b *block) allows(o op) *pattern {
	name := o.lower
	allow, not := b.actions, b.notActions
	if o.data {
		allow, not = b.dataActions, b.notDataActions
	}
	p := allow.first(name)
	if p == nil || not.first(name) != nil {
		return nil
	}
	return p
}

// hit is how a role holds a catalog operation.
type hit struct {
	block   int
	pattern string
	cond    *condition // the block's condition, when it bears on the operation
}

func (h *hit) describe(o op) string {
	field := "actions"
	if o.data {
		field = "dataActions"
	}
	s := fmt.Sprintf("permissions[%d].%s %q matches %s", h.block, field, h.pattern, o.name)
	if h.cond != nil {
		s += " under the block's condition"
	}
	return s
}

// role is a compiled role definition with its catalog operations resolved.
type role struct {
	id         string // the definition's GUID, lower-cased
	name       string
	custom     bool
	assignable []scope
	hits       map[op]*hit
}

func compileRole(id string, p roleProps, ops []op) *role {
	r := &role{
		id:     id,
		name:   p.RoleName,
		custom: strings.EqualFold(p.RoleType, "CustomRole"),
		hits:   map[op]*hit{},
	}
	if r.name == "" {
		r.name = id
	}
	for _, s := range p.AssignableScopes {
		r.assignable = append(r.assignable, parseScope(s))
	}
	blocks := make([]block, len(p.Permissions))
	for i, perm := range p.Permissions {
		blocks[i] = compileBlock(perm)
	}
	for _, o := range ops {
		var best *hit
		for i := range blocks {
			pat := blocks[i].allows(o)
			if pat == nil {
				continue
			}
			h := &hit{block: i, pattern: pat.text}
			if blocks[i].cond.restricts(o.lower) {
				h.cond = blocks[i].cond
			}
			if best == nil || (best.cond != nil && h.cond == nil) {
				best = h
			}
		}
		if best != nil {
			r.hits[o] = best
		}
	}
	return r
}

func (r *role) describe() string {
	kind := "built-in"
	if r.custom {
		kind = "custom"
	}
	if r.name == r.id {
		return fmt.Sprintf("role %s (%s)", r.id, kind)
	}
	return fmt.Sprintf("role %s (%s, %s)", r.name, r.id, kind)
}

// everyone is the principal id a deny assignment uses for all principals.
const everyone = "00000000-0000-0000-0000-000000000000"

// deny is a compiled deny assignment. It applies at its scope and below
// (unless doNotApplyToChildScopes), to its principals but not to the
// excluded ones, and wins over every role assignment.
type deny struct {
	name       string
	scope      scope
	childScope bool
	blocks     []block
	principals map[string]bool
	excluded   map[string]bool
}

func (d *deny) denies(principal string, at scope, o op) bool {
	if !d.scope.covers(at) || (!d.childScope && d.scope.lower != at.lower) {
		return false
	}
	if d.excluded[principal] || !(d.principals[principal] || d.principals[everyone]) {
		return false
	}
	for i := range d.blocks {
		if d.blocks[i].allows(o) != nil {
			return true
		}
	}
	return false
}

func (d *deny) describe(o op) string {
	return fmt.Sprintf("deny assignment %s at %s denies %s", d.name, d.scope.describe(), o.name)
}

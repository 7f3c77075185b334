package openstack

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Evaluate reads Keystone's role assignments and the services' policies
// and returns, per principal and capability, the grant.
func Evaluate(in Input) (*entitlement.Report, error) {
	cloud := cmp.Or(in.Cloud, event.OpenStack)
	if cloud != event.OpenStack && cloud != event.VKCloud {
		return nil, fmt.Errorf("openstack: cloud %q is neither %s nor %s", cloud, event.OpenStack, event.VKCloud)
	}
	d, err := embedded()
	if err != nil {
		return nil, err
	}
	asg, err := parseAssignments(in.Assignments)
	if err != nil {
		return nil, err
	}
	imps, err := parseImplied(in.Implied)
	if err != nil {
		return nil, err
	}
	var notes []string
	if imps == nil {
		imps = bootstrapImplications
		notes = append(notes, "implied roles: no export given; Keystone's bootstrap implications assumed (admin ⇒ member ⇒ reader)")
	}
	e := &evaluator{d: d, cloud: cloud, graph: newRoleGraph(imps)}
	if cloud == event.OpenStack || len(in.Policies) > 0 {
		var pnotes []string
		e.pol, pnotes, err = loadPolicy(in.Policies, in.LegacyDefaults, d)
		if err != nil {
			return nil, err
		}
		notes = append(notes, pnotes...)
		e.shared = valueFree(e.pol)
		if len(in.Policies) > 0 {
			base, _, err := loadPolicy(nil, in.LegacyDefaults, d)
			if err != nil {
				return nil, err
			}
			notes = append(notes, e.loosened(base)...)
		}
		if in.LegacyDefaults {
			notes = append(notes, "enforce_new_defaults=False: a default with a deprecated check string passes when either passes (broader)")
		}
		notes = append(notes,
			"is_admin_project is taken as True (Keystone with no admin project configured)",
			"scope_types and enforce_scope are not modelled: a system- or domain-scoped token is evaluated by its roles and scope fields only")
	}
	return e.run(asg, notes), nil
}

// evaluator holds one run's catalog, policy and role implications.
type evaluator struct {
	d     *data
	cloud event.Cloud
	pol   policy // nil: no policy evaluation (VK Cloud without policy files)
	graph *roleGraph
	// self caches, per capability, the path a role gives to a principal
	// that can grant itself that role.
	self map[entitlement.Capability]*path
	// shared: the policy compares no credential's value (valueFree), so
	// principals with the same roles on the same kind of scope share
	// evaluations, kept in byRoles.
	shared  bool
	byRoles map[string]*envs
}

// holder is a principal with its assignments, by scope.
type holder struct {
	id, typ string
	scopes  []*scoped
}

// scoped is what a principal holds on one scope.
type scoped struct {
	scope    scope
	label    string              // scope.String()
	assigned []string            // roles as assigned, in input order
	groups   map[string][]string // role → groups it comes through
}

// path is one way a principal holds a capability.
type path struct {
	verdict  entitlement.Verdict
	scope    string
	conds    []string
	indirect bool
	what     string // what gives it, for the via's "also:" lines
	// via is the chain of grants; build makes it on demand instead (most
	// paths are never shown).
	via   []string
	build func() []string
}

func (p path) lines() []string {
	if p.via == nil && p.build != nil {
		return p.build()
	}
	return p.via
}

func (p path) label() string { return p.what + " on " + scopeLabel(p.scope) }

func (e *evaluator) run(asg []assignment, notes []string) *entitlement.Report {
	var holders []*holder
	byID := map[string]*holder{}
	unnamed := map[string]bool{}
	for _, a := range asg {
		a.role = e.graph.name(a.role)
		if looksLikeID(a.role) {
			unnamed[a.role] = true
		}
		key := a.ptype + "\x00" + a.principal
		h := byID[key]
		if h == nil {
			h = &holder{id: a.principal, typ: a.ptype}
			byID[key] = h
			holders = append(holders, h)
		}
		var s *scoped
		for _, t := range h.scopes {
			if t.scope == a.scope {
				s = t
			}
		}
		if s == nil {
			s = &scoped{scope: a.scope, label: a.scope.String(), groups: map[string][]string{}}
			h.scopes = append(h.scopes, s)
		}
		if !slices.Contains(s.assigned, a.role) {
			s.assigned = append(s.assigned, a.role)
		}
		if a.group != "" && !slices.Contains(s.groups[a.role], a.group) {
			s.groups[a.role] = append(s.groups[a.role], a.group)
		}
	}
	if len(unnamed) > 0 {
		notes = append(notes, fmt.Sprintf("%d roles are ids, not names: policies name roles, so run openstack role assignment list with --names (or give the implied role list, which names them)", len(unnamed)))
	}

	r := &entitlement.Report{Principals: len(holders), Notes: notes}
	vkUnknown := map[string]bool{}
	for _, h := range holders {
		paths := map[entitlement.Capability][]path{}
		for _, s := range h.scopes {
			if e.pol != nil {
				es := e.envsFor(h, s)
				for i, w := range e.d.ways {
					if p, ok := e.policyPath(i, es, s); ok {
						paths[w.capability] = append(paths[w.capability], p)
					}
				}
			}
			if e.cloud == event.VKCloud {
				for _, p := range e.vkPaths(s, vkUnknown) {
					paths[p.c] = append(paths[p.c], p.path)
				}
			}
		}
		e.addIndirect(paths)
		for _, c := range entitlement.Capabilities {
			if g, ok := grantOf(e.cloud, h, c, paths[c]); ok {
				r.Grants = append(r.Grants, g)
			}
		}
	}
	if len(vkUnknown) > 0 && e.pol == nil {
		names := make([]string, 0, len(vkUnknown))
		for n := range vkUnknown {
			names = append(names, n)
		}
		slices.Sort(names)
		r.Notes = append(r.Notes, "vkcloud: roles not in the VK role catalog give nothing here: "+strings.Join(names, ", "))
	}
	if e.cloud == event.VKCloud && e.d.vkDate == "" {
		r.Notes = append(r.Notes, "vkcloud: the role catalog follows VK's documentation ("+e.d.vkSource+") and has not been verified against a live project")
	}
	entitlement.Sort(r.Grants)
	return r
}

// creds builds a token's policy values for a principal on one scope (id:
// the scope's id, or its stand-in).
func (e *evaluator) creds(user string, s *scoped, id string) *creds {
	c := &creds{roles: map[string]heldRole{}, fields: map[string]string{
		"user_id":          user,
		"project_id":       "None",
		"domain_id":        "None",
		"system_scope":     "None",
		"is_admin_project": "True",
	}}
	switch s.scope.kind {
	case "project", "projects":
		c.fields["project_id"] = id
	case "domain":
		c.fields["domain_id"] = id
	case "system":
		c.fields["system_scope"] = id
	}
	for _, a := range s.assigned {
		e.graph.expand(a, c.roles)
	}
	return c
}

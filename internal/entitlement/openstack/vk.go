package openstack

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

// vkMember is one VK Cloud project member: VK shows members by e-mail with
// their roles. Its JSON form is snapwarden's own (VK has no export
// command): {"user": id, "email": …, "project": id, "roles": […]} or a
// single "role".
type vkMember struct {
	User    string   `json:"user"`
	Email   string   `json:"email"`
	Project string   `json:"project"`
	Role    string   `json:"role"`
	Roles   []string `json:"roles"`
}

// EvaluateVK reads VK Cloud role bindings (project members with VK roles:
// a JSON array of members, or {"members": […]}) through VK's role catalog.
// A principal is the member's user id, else its e-mail.
func EvaluateVK(bindings File) (*entitlement.Report, error) {
	d, err := embedded()
	if err != nil {
		return nil, err
	}
	members, err := parseVKMembers(bindings)
	if err != nil {
		return nil, err
	}
	var asg []assignment
	for i, m := range members {
		id := cmp.Or(m.User, m.Email)
		if id == "" {
			return nil, fmt.Errorf("%s: members[%d]: neither user nor email", bindings.Name, i)
		}
		if m.Project == "" {
			return nil, fmt.Errorf("%s: members[%d] (%s): no project", bindings.Name, i, id)
		}
		roles := m.Roles
		if m.Role != "" {
			roles = append([]string{m.Role}, roles...)
		}
		if len(roles) == 0 {
			return nil, fmt.Errorf("%s: members[%d] (%s): no role", bindings.Name, i, id)
		}
		for _, r := range roles {
			asg = append(asg, assignment{principal: id, ptype: "user", role: r, scope: scope{"project", m.Project}})
		}
	}
	e := &evaluator{d: d, cloud: event.VKCloud, graph: newRoleGraph(nil)}
	return e.run(asg, nil), nil
}

func parseVKMembers(f File) ([]vkMember, error) {
	data := bytes.TrimSpace(f.Data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty; want VK Cloud project members with their roles", f.Name)
	}
	var members []vkMember
	if data[0] == '[' {
		if err := json.Unmarshal(data, &members); err != nil {
			return nil, fmt.Errorf("%s: not a list of VK Cloud project members: %w", f.Name, err)
		}
		return members, nil
	}
	var doc struct {
		Members *[]vkMember `json:"members"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a list of VK Cloud project members: %w", f.Name, err)
	}
	if doc.Members == nil {
		return nil, fmt.Errorf("%s: no members; want [{\"user\", \"email\", \"project\", \"roles\"}] or {\"members\": […]}", f.Name)
	}
	return *doc.Members, nil
}

type capPath struct {
	c entitlement.Capability
	path
}

// vkPaths reads a scope's roles through the VK role catalog.
func (e *evaluator) vkPaths(s *scoped, unknown map[string]bool) []capPath {
	var out []capPath
	for _, a := range s.assigned {
		vr := e.d.vkRole(a)
		if vr == nil {
			unknown[a] = true
			continue
		}
		out = append(out, e.vkRolePaths(vr, holding(s, []string{a}), s.label)...)
	}
	return out
}

func (e *evaluator) vkRolePaths(vr *vkRole, held, where string) []capPath {
	var out []capPath
	via := func() []string {
		return []string{held, fmt.Sprintf("VK role %s: %s [VK role catalog]", vr.name, vr.what)}
	}
	for _, c := range vr.grants {
		out = append(out, capPath{c, path{verdict: entitlement.Allow, scope: where, via: via(), what: "VK role " + vr.name}})
	}
	for _, c := range entitlement.Capabilities {
		why, ok := vr.unverified[c]
		if !ok || slices.Contains(vr.grants, c) {
			continue
		}
		out = append(out, capPath{c, path{verdict: entitlement.Conditional, scope: where, via: via(),
			conds: []string{"unverified: " + why}, what: "VK role " + vr.name}})
	}
	return out
}

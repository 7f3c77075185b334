package openstack

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// File is one input file: its name (named in errors; for a policy file it
// also tells the service) and its bytes.
type File struct {
	Name string
	Data []byte
}

// Input is one OpenStack or VK Cloud IAM export.
type Input struct {
	// Assignments are Keystone's effective role assignments: the output of
	// `openstack role assignment list --effective --names -f json` (a JSON
	// array of {Role, User, Group, Project, Domain, System, Inherited}) or
	// of GET /v3/role_assignments?effective&include_names
	// ({"role_assignments": […]}). Without --names the roles are ids, which
	// policies cannot match unless Implied names them.
	Assignments File
	// Policies are the services' policy files (policy.yaml or policy.json,
	// oslo.policy's "rule": "check string" form). The name tells the
	// service: it must contain cinder, nova, glance, trove or keystone
	// (cinder.yaml, nova/policy.yaml, policy-glance.json). A rule a file
	// leaves out keeps its in-code default (defaults.yaml).
	Policies []File
	// Implied is `openstack implied role list -f json` or GET
	// /v3/role_inferences; optional. Empty means Keystone's bootstrap
	// implications (admin ⇒ member ⇒ reader).
	Implied File
	// Cloud is event.OpenStack (the default) or event.VKCloud. For VK Cloud
	// the assigned roles are also read through VK's role catalog, and the
	// OpenStack defaults apply only when policy files are given (VK's own
	// are not public).
	Cloud event.Cloud
	// LegacyDefaults is [oslo_policy] enforce_new_defaults=False: each
	// default that has a deprecated check string passes when either does.
	LegacyDefaults bool
}

// scope is where an assignment applies.
type scope struct {
	kind string // project, domain, system, or projects (inherited to every project of a domain)
	id   string
}

func (s scope) String() string {
	switch s.kind {
	case "system":
		return "system " + s.id
	case "projects":
		return "every project of domain " + s.id
	}
	return s.kind + " " + s.id
}

// assignment is one role assignment.
type assignment struct {
	principal, ptype string // user or group
	role             string
	scope            scope
	group            string // the group it comes through (API membership link)
}

// cliAssignment is a row of `openstack role assignment list -f json`.
type cliAssignment struct {
	Role      string          `json:"Role"`
	User      string          `json:"User"`
	Group     string          `json:"Group"`
	Project   string          `json:"Project"`
	Domain    string          `json:"Domain"`
	System    string          `json:"System"`
	Inherited json.RawMessage `json:"Inherited"`
}

// apiRef is an id with an optional name and domain, as Keystone returns
// them with include_names.
type apiRef struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Domain *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"domain"`
}

// label is name@domain when Keystone gave names (the CLI's --names form),
// else the id.
func (r *apiRef) label() string {
	if r == nil {
		return ""
	}
	if r.Name == "" {
		return r.ID
	}
	if r.Domain != nil && cmp.Or(r.Domain.Name, r.Domain.ID) != "" {
		return r.Name + "@" + cmp.Or(r.Domain.Name, r.Domain.ID)
	}
	return r.Name
}

type apiAssignment struct {
	Role  *apiRef `json:"role"`
	User  *apiRef `json:"user"`
	Group *apiRef `json:"group"`
	Scope struct {
		Project     *apiRef         `json:"project"`
		Domain      *apiRef         `json:"domain"`
		System      json.RawMessage `json:"system"`
		InheritedTo string          `json:"OS-INHERIT:inherited_to"`
	} `json:"scope"`
	Links struct {
		Membership string `json:"membership"`
	} `json:"links"`
}

func parseAssignments(f File) ([]assignment, error) {
	data := bytes.TrimSpace(f.Data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty; want the output of openstack role assignment list --effective --names -f json", f.Name)
	}
	if data[0] == '[' {
		var rows []cliAssignment
		if err := json.Unmarshal(data, &rows); err != nil {
			return nil, fmt.Errorf("%s: not a role assignment list: %w", f.Name, err)
		}
		out := make([]assignment, 0, len(rows))
		for i, r := range rows {
			a, err := r.assignment()
			if err != nil {
				return nil, fmt.Errorf("%s: element %d: %w", f.Name, i, err)
			}
			out = append(out, a)
		}
		return out, nil
	}
	var doc struct {
		RoleAssignments *[]apiAssignment `json:"role_assignments"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a role assignment list: %w", f.Name, err)
	}
	if doc.RoleAssignments == nil {
		return nil, fmt.Errorf("%s: no role_assignments; want the output of openstack role assignment list --effective --names -f json or GET /v3/role_assignments", f.Name)
	}
	out := make([]assignment, 0, len(*doc.RoleAssignments))
	for i, r := range *doc.RoleAssignments {
		a, err := r.assignment()
		if err != nil {
			return nil, fmt.Errorf("%s: role_assignments[%d]: %w", f.Name, i, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func (r cliAssignment) assignment() (assignment, error) {
	a := assignment{role: r.Role}
	if a.role == "" {
		return a, fmt.Errorf("no Role")
	}
	switch {
	case r.User != "":
		a.principal, a.ptype = r.User, "user"
	case r.Group != "":
		a.principal, a.ptype = r.Group, "group"
	default:
		return a, fmt.Errorf("neither User nor Group")
	}
	inherited, err := truthy(r.Inherited)
	if err != nil {
		return a, fmt.Errorf("Inherited: %w", err)
	}
	switch {
	case r.Project != "":
		a.scope = scope{"project", r.Project}
	case r.Domain != "" && inherited:
		a.scope = scope{"projects", r.Domain}
	case r.Domain != "":
		a.scope = scope{"domain", r.Domain}
	case r.System != "":
		a.scope = scope{"system", r.System}
	default:
		return a, fmt.Errorf("no Project, Domain or System")
	}
	return a, nil
}

func (r apiAssignment) assignment() (assignment, error) {
	var a assignment
	if a.role = r.Role.label(); a.role == "" {
		return a, fmt.Errorf("no role")
	}
	switch {
	case r.User.label() != "":
		a.principal, a.ptype = r.User.label(), "user"
	case r.Group.label() != "":
		a.principal, a.ptype = r.Group.label(), "group"
	default:
		return a, fmt.Errorf("neither user nor group")
	}
	inherited := r.Scope.InheritedTo == "projects"
	switch {
	case r.Scope.Project.label() != "":
		a.scope = scope{"project", r.Scope.Project.label()}
	case r.Scope.Domain.label() != "" && inherited:
		a.scope = scope{"projects", r.Scope.Domain.label()}
	case r.Scope.Domain.label() != "":
		a.scope = scope{"domain", r.Scope.Domain.label()}
	case len(r.Scope.System) > 0 && string(r.Scope.System) != "null":
		a.scope = scope{"system", "all"}
	default:
		return a, fmt.Errorf("scope has no project, domain or system")
	}
	// An effective assignment through a group links the membership:
	// …/groups/{group_id}/users/{user_id}.
	if m := r.Links.Membership; m != "" {
		if _, rest, ok := strings.Cut(m, "/groups/"); ok {
			a.group, _, _ = strings.Cut(rest, "/")
		}
	}
	return a, nil
}

// truthy reads the CLI's Inherited column: a JSON bool, or its text.
func truthy(raw json.RawMessage) (bool, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return false, fmt.Errorf("want true or false, got %s", raw)
	}
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, got %q", s)
}

// implication is "prior implies implied", by name (ids kept to name the
// roles of an id-only assignment list).
type implication struct {
	priorID, prior, impliedID, implied string
}

// bootstrapImplications are what keystone-manage bootstrap creates.
var bootstrapImplications = []implication{{prior: "admin", implied: "member"}, {prior: "member", implied: "reader"}}

type cliImplied struct {
	PriorID     string `json:"Prior Role ID"`
	PriorName   string `json:"Prior Role Name"`
	ImpliedID   string `json:"Implied Role ID"`
	ImpliedName string `json:"Implied Role Name"`
}

type apiInference struct {
	Prior   *apiRef         `json:"prior_role"`
	Implies json.RawMessage `json:"implies"`
}

func parseImplied(f File) ([]implication, error) {
	data := bytes.TrimSpace(f.Data)
	if len(data) == 0 {
		return nil, nil
	}
	if data[0] == '[' {
		var rows []cliImplied
		if err := json.Unmarshal(data, &rows); err != nil {
			return nil, fmt.Errorf("%s: not an implied role list: %w", f.Name, err)
		}
		out := make([]implication, 0, len(rows))
		for i, r := range rows {
			im := implication{r.PriorID, r.PriorName, r.ImpliedID, r.ImpliedName}
			if cmp.Or(im.prior, im.priorID) == "" || cmp.Or(im.implied, im.impliedID) == "" {
				return nil, fmt.Errorf("%s: element %d: want Prior Role and Implied Role", f.Name, i)
			}
			out = append(out, im)
		}
		return out, nil
	}
	var doc struct {
		Many *[]apiInference `json:"role_inferences"`
		One  *apiInference   `json:"role_inference"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not an implied role list: %w", f.Name, err)
	}
	var infs []apiInference
	switch {
	case doc.Many != nil:
		infs = *doc.Many
	case doc.One != nil:
		infs = []apiInference{*doc.One}
	default:
		return nil, fmt.Errorf("%s: no role_inferences; want the output of openstack implied role list -f json or GET /v3/role_inferences", f.Name)
	}
	var out []implication
	for i, inf := range infs {
		if inf.Prior == nil || cmp.Or(inf.Prior.Name, inf.Prior.ID) == "" {
			return nil, fmt.Errorf("%s: role_inferences[%d]: no prior_role", f.Name, i)
		}
		var implies []apiRef
		raw := bytes.TrimSpace(inf.Implies)
		switch {
		case len(raw) > 0 && raw[0] == '[':
			if err := json.Unmarshal(raw, &implies); err != nil {
				return nil, fmt.Errorf("%s: role_inferences[%d].implies: %w", f.Name, i, err)
			}
		case len(raw) > 0 && raw[0] == '{':
			var one apiRef
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, fmt.Errorf("%s: role_inferences[%d].implies: %w", f.Name, i, err)
			}
			implies = []apiRef{one}
		default:
			return nil, fmt.Errorf("%s: role_inferences[%d]: no implies", f.Name, i)
		}
		for j, im := range implies {
			if cmp.Or(im.Name, im.ID) == "" {
				return nil, fmt.Errorf("%s: role_inferences[%d].implies[%d]: no id or name", f.Name, i, j)
			}
			out = append(out, implication{inf.Prior.ID, inf.Prior.Name, im.ID, im.Name})
		}
	}
	return out, nil
}

package azure

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// pathKind is how a principal comes to a role.
type pathKind int

const (
	standing     pathKind = iota // an active role assignment
	eligible                     // a PIM eligibility: activated on demand
	roleOnlyPath                 // no assignments given: the role as its own principal
)

// path is one assignment of a role to a principal at a scope.
type path struct {
	kind   pathKind
	name   string // the assignment's or schedule's name or id
	to     string // the principal's display name, when the export has it
	scope  scope
	role   *role
	cond   *condition // the assignment's ABAC condition
	until  string     // a time-bound assignment's end
	member string     // PIM memberType (Direct, Group, Inherited)
}

func (p *path) describe() string {
	var b strings.Builder
	switch p.kind {
	case roleOnlyPath:
		scopes := make([]string, len(p.role.assignable))
		for i, s := range p.role.assignable {
			scopes[i] = s.text
		}
		if len(scopes) == 0 {
			scopes = []string{"/"}
		}
		return "assignable at " + strings.Join(scopes, ", ")
	case eligible:
		b.WriteString("eligible (PIM) assignment")
	default:
		b.WriteString("assignment")
	}
	if p.name != "" {
		b.WriteString(" " + p.name)
	}
	if p.to != "" {
		b.WriteString(" to " + p.to)
	}
	b.WriteString(" at " + p.scope.describe())
	if p.member != "" && !strings.EqualFold(p.member, "Direct") {
		b.WriteString(", member type " + p.member)
	}
	if p.until != "" {
		b.WriteString(", until " + p.until)
	}
	return b.String()
}

// short names the path in an "also:" line.
func (p *path) short() string {
	s := p.role.name + " at " + p.scope.text
	if p.kind == eligible {
		s += " (eligible)"
	}
	return s
}

type principal struct {
	id    string // lower-cased object id, or "role:NAME"
	typ   string
	paths []*path
	seen  map[string]bool // path keys
}

type state struct {
	roles      map[string]*role // by GUID
	byName     map[string]*role // by lower-cased role name
	principals map[string]*principal
	denies     []*deny
	roleOnly   bool
	notes      []string
}

func load(in Input, cat *catalog) (*state, error) {
	st := &state{roles: map[string]*role{}, byName: map[string]*role{}, principals: map[string]*principal{}}
	if err := st.loadRoles(in.Roles, cat); err != nil {
		return nil, err
	}
	if len(in.Assignments.Data) == 0 && len(in.Eligible.Data) == 0 {
		st.roleOnly = true
		for _, id := range sortedKeys(st.roles) {
			r := st.roles[id]
			p := st.principal("role:"+r.name, "role")
			p.paths = append(p.paths, &path{kind: roleOnlyPath, role: r, scope: firstScope(r)})
		}
		st.notes = append(st.notes, "no role assignments given: each role definition is evaluated as a principal \"role:NAME\" at its assignable scopes, to review the roles themselves")
		return st, nil
	}
	var unknown unknownRoles
	if len(in.Assignments.Data) > 0 {
		if err := st.loadAssignments(in.Assignments, standing, &unknown); err != nil {
			return nil, err
		}
	} else {
		st.notes = append(st.notes, "no role assignment export given: only PIM-eligible grants are shown")
	}
	if len(in.Eligible.Data) > 0 {
		if err := st.loadAssignments(in.Eligible, eligible, &unknown); err != nil {
			return nil, err
		}
	} else {
		st.notes = append(st.notes, "no PIM eligibility export given: eligible (activate-on-demand) grants are not shown")
	}
	if len(in.Deny.Data) > 0 {
		if err := st.loadDenies(in.Deny); err != nil {
			return nil, err
		}
	}
	if len(st.denies) == 0 {
		st.notes = append(st.notes, "no deny assignments in the input: none applied")
	}
	if unknown.count > 0 {
		st.notes = append(st.notes, fmt.Sprintf("%d assignments name a role the role definitions do not hold (first: %s): they grant nothing here; export the custom roles of every subscription", unknown.count, unknown.first))
	}
	return st, nil
}

type unknownRoles struct {
	count int
	first string
}

func (st *state) loadRoles(f File, cat *catalog) error {
	list, err := elements(f)
	if err != nil {
		return err
	}
	for i, raw := range list {
		var r rawRole
		if err := json.Unmarshal(raw, &r); err != nil {
			return elementError(f, i, err)
		}
		p := r.props()
		id := lastSegment(r.ID)
		if id == "" {
			id = lastSegment(r.Name)
		}
		if id == "" {
			return elementError(f, i, errors.New("role definition without a name (GUID) or id"))
		}
		if _, dup := st.roles[id]; dup {
			continue
		}
		if p.RoleName == "" && len(p.Permissions) == 0 {
			return elementError(f, i, fmt.Errorf("role definition %s has neither roleName nor permissions: not a role definition export?", id))
		}
		cr := compileRole(id, p, cat.ops)
		st.roles[id] = cr
		if name := strings.ToLower(cr.name); st.byName[name] == nil {
			st.byName[name] = cr
		}
	}
	if len(st.roles) == 0 {
		return fmt.Errorf("%s: no role definitions", f.Name)
	}
	return nil
}

func (st *state) loadAssignments(f File, kind pathKind, unknown *unknownRoles) error {
	list, err := elements(f)
	if err != nil {
		return err
	}
	skipped := 0
	for i, raw := range list {
		var r rawAssignment
		if err := json.Unmarshal(raw, &r); err != nil {
			return elementError(f, i, err)
		}
		switch r.kind() {
		case kindDeny:
			if err := st.addDeny(f, i, &r); err != nil {
				return err
			}
			continue
		case kindRoleDefinition:
			skipped++
			continue
		case kindActiveSchedule:
			if kind == eligible {
				skipped++
				continue
			}
		}
		p := r.props()
		pid := strings.ToLower(strings.TrimSpace(p.principalID()))
		if pid == "" {
			return elementError(f, i, errors.New("no principalId"))
		}
		sc := p.scope()
		if strings.TrimSpace(sc) == "" {
			return elementError(f, i, errors.New("no scope"))
		}
		roleID, roleName := p.roleRef()
		if roleID == "" && roleName == "" {
			return elementError(f, i, errors.New("no roleDefinitionId or roleDefinitionName"))
		}
		pr := st.principal(pid, principalType(p.principalType()))
		ro := st.roles[lastSegment(roleID)]
		if ro == nil && roleName != "" {
			ro = st.byName[strings.ToLower(roleName)]
		}
		if ro == nil {
			if unknown.count == 0 {
				unknown.first = firstNonEmpty(roleID, roleName)
			}
			unknown.count++
			continue
		}
		name := firstNonEmpty(r.Name, lastSegment(r.ID), lastSegment(p.RoleAssignmentID))
		pa := &path{
			kind:   kind,
			name:   name,
			to:     p.principalName(),
			scope:  parseScope(sc),
			role:   ro,
			cond:   parseCondition(p.Condition),
			until:  p.EndDateTime,
			member: p.MemberType,
		}
		if key := pa.key(); !pr.seen[key] {
			pr.seen[key] = true
			pr.paths = append(pr.paths, pa)
		}
	}
	if skipped > 0 {
		what := "role definitions in the assignment export"
		if kind == eligible {
			what = "records of the eligibility export that are not eligibility schedules (role definitions, active schedule instances)"
		}
		st.notes = append(st.notes, fmt.Sprintf("%s: %d %s skipped", f.Name, skipped, what))
	}
	return nil
}

func (st *state) loadDenies(f File) error {
	list, err := elements(f)
	if err != nil {
		return err
	}
	for i, raw := range list {
		var r rawAssignment
		if err := json.Unmarshal(raw, &r); err != nil {
			return elementError(f, i, err)
		}
		if r.kind() != kindDeny {
			return elementError(f, i, errors.New("not a deny assignment (want denyAssignmentName, permissions and principals)"))
		}
		if err := st.addDeny(f, i, &r); err != nil {
			return err
		}
	}
	return nil
}

func (st *state) addDeny(f File, i int, r *rawAssignment) error {
	p := r.props()
	if strings.TrimSpace(p.Scope) == "" {
		return elementError(f, i, errors.New("deny assignment without a scope"))
	}
	if len(p.Principals) == 0 {
		return elementError(f, i, errors.New("deny assignment without principals"))
	}
	d := &deny{
		name:       firstNonEmpty(p.DenyAssignmentName, r.Name, lastSegment(r.ID)),
		scope:      parseScope(p.Scope),
		childScope: !p.DoNotApplyToChildScopes,
		principals: map[string]bool{},
		excluded:   map[string]bool{},
	}
	for _, perm := range p.Permissions {
		d.blocks = append(d.blocks, compileBlock(perm))
	}
	for _, pr := range p.Principals {
		d.principals[strings.ToLower(pr.ID)] = true
	}
	for _, pr := range p.ExcludePrincipals {
		d.excluded[strings.ToLower(pr.ID)] = true
	}
	st.denies = append(st.denies, d)
	return nil
}

// key identifies a path for de-duplication: the same role at the same scope
// under the same condition, listed twice (exports overlap), counts once.
func (p *path) key() string {
	return fmt.Sprintf("%d\x00%s\x00%s\x00%s", p.kind, p.role.id, p.scope.lower, p.cond)
}

func (st *state) principal(id, typ string) *principal {
	p := st.principals[id]
	if p == nil {
		p = &principal{id: id, typ: typ, seen: map[string]bool{}}
		st.principals[id] = p
	} else if p.typ == "unknown" && typ != "unknown" {
		p.typ = typ
	}
	return p
}

// principalType maps Azure's principalType to the model's words.
func principalType(t string) string {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "user":
		return "user"
	case "group":
		return "group"
	case "serviceprincipal":
		return "service_principal"
	case "foreigngroup":
		return "foreign_group"
	case "device":
		return "device"
	case "":
		return "unknown"
	}
	return strings.ToLower(t)
}

func firstScope(r *role) scope {
	if len(r.assignable) == 0 {
		return parseScope("/")
	}
	best := r.assignable[0]
	for _, s := range r.assignable[1:] {
		if s.rank() < best.rank() {
			best = s
		}
	}
	return best
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package azure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// elements returns the records of an export: a JSON array, as az prints
// it, or the "value" (ARM REST) or "data" (Resource Graph) array of an
// object.
func elements(f File) ([]json.RawMessage, error) {
	data := bytes.TrimSpace(f.Data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty file", f.Name)
	}
	var list []json.RawMessage
	if data[0] == '[' {
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fileError(f, err)
		}
		return list, nil
	}
	var wrapped struct {
		Value *[]json.RawMessage `json:"value"`
		Data  *[]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &wrapped); err != nil {
		return nil, fileError(f, err)
	}
	switch {
	case wrapped.Value != nil:
		return *wrapped.Value, nil
	case wrapped.Data != nil:
		return *wrapped.Data, nil
	}
	return nil, fmt.Errorf("%s: want a JSON array, or an object with a \"value\" or \"data\" array", f.Name)
}

// fileError names the file and, for a syntax error, the line and column.
func fileError(f File, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(f.Data, se.Offset)
		return fmt.Errorf("%s:%d:%d: %v", f.Name, line, col, se)
	}
	return fmt.Errorf("%s: %s", f.Name, describeJSONError(err))
}

// elementError names the file and the record.
func elementError(f File, i int, err error) error {
	return fmt.Errorf("%s: [%d]: %s", f.Name, i, describeJSONError(err))
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		// Embedded structs show in the path by their Go names; the
		// export's reader wants its own keys.
		var keys []string
		for _, k := range strings.Split(te.Field, ".") {
			if k != "roleProps" && k != "assignProps" {
				keys = append(keys, k)
			}
		}
		field := strings.Join(keys, ".")
		if field == "" {
			field = "record"
		}
		return fmt.Sprintf("%s: want %s, got JSON %s", field, te.Type, te.Value)
	}
	return err.Error()
}

// position turns a decoder offset (the bytes read when it stopped, the
// offending one included) into the line and column of that byte.
func position(data []byte, offset int64) (line, col int) {
	offset = max(1, min(offset, int64(len(data))))
	before := data[:offset-1]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// rawPermission is a permission block of a role or a deny assignment.
type rawPermission struct {
	Actions        []string `json:"actions"`
	NotActions     []string `json:"notActions"`
	DataActions    []string `json:"dataActions"`
	NotDataActions []string `json:"notDataActions"`
	Condition      string   `json:"condition"`
}

// roleProps is a role definition as `az role definition list` prints it;
// the ARM form keeps the same fields under "properties", with the role type
// as "type".
type roleProps struct {
	RoleName         string          `json:"roleName"`
	RoleType         string          `json:"roleType"`
	Permissions      []rawPermission `json:"permissions"`
	AssignableScopes []string        `json:"assignableScopes"`
}

type rawRole struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Properties *struct {
		roleProps
		Type string `json:"type"`
	} `json:"properties"`
	roleProps
}

func (r *rawRole) props() roleProps {
	if r.Properties == nil {
		return r.roleProps
	}
	p := r.Properties.roleProps
	if p.RoleType == "" {
		p.RoleType = r.Properties.Type
	}
	return p
}

type rawPrincipalRef struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// assignProps holds the fields of a role assignment (az role assignment
// list, ARM, Resource Graph, Get-AzRoleAssignment), a PIM eligibility
// schedule or instance, and a deny assignment: the record's kind decides
// which are read. Field names match case-insensitively, so PowerShell's
// PascalCase output reads too.
type assignProps struct {
	RoleAssignmentID     string `json:"roleAssignmentId"`
	PrincipalID          string `json:"principalId"`
	ObjectID             string `json:"objectId"`
	PrincipalName        string `json:"principalName"`
	PrincipalDisplayName string `json:"principalDisplayName"`
	DisplayName          string `json:"displayName"`
	SignInName           string `json:"signInName"`
	PrincipalType        string `json:"principalType"`
	ObjectType           string `json:"objectType"`
	RoleDefinitionID     string `json:"roleDefinitionId"`
	RoleDefinitionName   string `json:"roleDefinitionName"`
	Scope                string `json:"scope"`
	Condition            string `json:"condition"`
	EndDateTime          string `json:"endDateTime"`
	MemberType           string `json:"memberType"`
	ExpandedProperties   *struct {
		Principal struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
			Type        string `json:"type"`
		} `json:"principal"`
		RoleDefinition struct {
			ID          string `json:"id"`
			DisplayName string `json:"displayName"`
		} `json:"roleDefinition"`
		Scope struct {
			ID string `json:"id"`
		} `json:"scope"`
	} `json:"expandedProperties"`

	DenyAssignmentName      string            `json:"denyAssignmentName"`
	Permissions             []rawPermission   `json:"permissions"`
	Principals              []rawPrincipalRef `json:"principals"`
	ExcludePrincipals       []rawPrincipalRef `json:"excludePrincipals"`
	DoNotApplyToChildScopes bool              `json:"doNotApplyToChildScopes"`
}

type rawAssignment struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	Properties *assignProps `json:"properties"`
	assignProps
}

type recordKind int

const (
	kindAssignment recordKind = iota
	kindDeny
	kindRoleDefinition
	kindActiveSchedule
)

func (r *rawAssignment) kind() recordKind {
	p := r.props()
	t := strings.ToLower(r.Type)
	switch {
	case strings.HasSuffix(t, "/denyassignments") || p.DenyAssignmentName != "" || len(p.Principals) > 0:
		return kindDeny
	case strings.HasSuffix(t, "/roledefinitions"):
		return kindRoleDefinition
	case strings.Contains(t, "/roleassignmentschedule"):
		return kindActiveSchedule
	}
	return kindAssignment
}

func (r *rawAssignment) props() *assignProps {
	if r.Properties != nil {
		return r.Properties
	}
	return &r.assignProps
}

func (p *assignProps) principalID() string {
	for _, s := range []string{p.PrincipalID, p.ObjectID} {
		if s != "" {
			return s
		}
	}
	if p.ExpandedProperties != nil {
		return p.ExpandedProperties.Principal.ID
	}
	return ""
}

func (p *assignProps) principalName() string {
	for _, s := range []string{p.PrincipalName, p.SignInName, p.PrincipalDisplayName, p.DisplayName} {
		if s != "" {
			return s
		}
	}
	if p.ExpandedProperties != nil {
		return p.ExpandedProperties.Principal.DisplayName
	}
	return ""
}

func (p *assignProps) principalType() string {
	for _, s := range []string{p.PrincipalType, p.ObjectType} {
		if s != "" {
			return s
		}
	}
	if p.ExpandedProperties != nil {
		return p.ExpandedProperties.Principal.Type
	}
	return ""
}

func (p *assignProps) roleRef() (id, name string) {
	id, name = p.RoleDefinitionID, p.RoleDefinitionName
	if p.ExpandedProperties != nil {
		if id == "" {
			id = p.ExpandedProperties.RoleDefinition.ID
		}
		if name == "" {
			name = p.ExpandedProperties.RoleDefinition.DisplayName
		}
	}
	return id, name
}

func (p *assignProps) scope() string {
	if p.Scope == "" && p.ExpandedProperties != nil {
		return p.ExpandedProperties.Scope.ID
	}
	return p.Scope
}

// lastSegment is the GUID at the end of a role definition id.
func lastSegment(id string) string {
	id = strings.TrimRight(strings.TrimSpace(id), "/")
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	return strings.ToLower(id)
}

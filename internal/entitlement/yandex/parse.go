package yandex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// binding is one access binding as read.
type binding struct {
	role    string
	subject subject
	index   int // position in its file, from 0
}

// subject is whom a binding names: type and id as Yandex spells them
// (userAccount, serviceAccount, federatedUser, group, system).
type subject struct {
	typ string
	id  string
}

// key identifies a principal: Yandex ids are unique across subject types.
func (s subject) key() string { return s.id }

// wireBinding accepts both the CLI's snake_case and the REST API's
// camelCase.
type wireBinding struct {
	RoleID      string `json:"roleId"`
	RoleIDSnake string `json:"role_id"`
	Subject     *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"subject"`
}

type wireBindingList struct {
	AccessBindings      []json.RawMessage `json:"accessBindings"`
	AccessBindingsSnake []json.RawMessage `json:"access_bindings"`
	NextPageToken       string            `json:"nextPageToken"`
	NextPageTokenSnake  string            `json:"next_page_token"`
}

// parseBindings reads `yc … list-access-bindings --format json` (a JSON
// array) or an API response ({"accessBindings": […]}). more is true when
// the response says further pages exist.
func parseBindings(name string, data []byte) (out []binding, more bool, err error) {
	items, more, err := bindingItems(name, data)
	if err != nil {
		return nil, false, err
	}
	for i, raw := range items {
		var w wireBinding
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, false, fmt.Errorf("%s: binding %d: %w", name, i, plainJSONError(err))
		}
		role := w.RoleID
		if role == "" {
			role = w.RoleIDSnake
		}
		switch {
		case role == "":
			return nil, false, fmt.Errorf("%s: binding %d: no role_id", name, i)
		case w.Subject == nil || w.Subject.ID == "":
			return nil, false, fmt.Errorf("%s: binding %d (%s): no subject id", name, i, role)
		case w.Subject.Type == "":
			return nil, false, fmt.Errorf("%s: binding %d (%s): subject %s has no type", name, i, role, w.Subject.ID)
		}
		out = append(out, binding{role: role, subject: subject{typ: w.Subject.Type, id: w.Subject.ID}, index: i})
	}
	return out, more, nil
}

func bindingItems(name string, data []byte) ([]json.RawMessage, bool, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, false, nil // yc prints nothing for a resource without bindings
	}
	switch trimmed[0] {
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return nil, false, fileJSONError(name, trimmed, err)
		}
		return items, false, nil
	case '{':
		var list wireBindingList
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, false, fileJSONError(name, trimmed, err)
		}
		items := list.AccessBindings
		if items == nil {
			items = list.AccessBindingsSnake
		}
		if items == nil && !emptyObject(trimmed) {
			return nil, false, fmt.Errorf("%s: not an access-bindings list: want a JSON array or {\"accessBindings\": […]}", name)
		}
		return items, list.NextPageToken != "" || list.NextPageTokenSnake != "", nil
	}
	return nil, false, fmt.Errorf("%s: not an access-bindings list: want a JSON array or {\"accessBindings\": […]}", name)
}

func emptyObject(data []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(data, &m) == nil && len(m) == 0
}

// resource is one listed resource: its id, its parent's and what it is.
type resource struct {
	id, name    string
	level       Level // Cloud, Folder, or a resource kind ("" when unknown)
	parent      string
	parentLevel Level
}

type wireResource struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CloudID       string `json:"cloudId"`
	CloudIDSnake  string `json:"cloud_id"`
	OrgID         string `json:"organizationId"`
	OrgIDSnake    string `json:"organization_id"`
	FolderID      string `json:"folderId"`
	FolderIDSnake string `json:"folder_id"`
}

// listKinds maps the API's list keys to the level of their items.
var listKinds = map[string]Level{
	"clouds":             Cloud,
	"folders":            Folder,
	"serviceAccounts":    ServiceAccount,
	"service_accounts":   ServiceAccount,
	"snapshots":          Snapshot,
	"images":             Image,
	"disks":              Disk,
	"snapshotSchedules":  Schedule,
	"snapshot_schedules": Schedule,
	"instances":          Instance,
}

// parseResources reads a listing: a JSON array (yc --format json) or an
// API response with one list ({"folders": […]}). Each item's parent comes
// from organization_id (a cloud), cloud_id (a folder) or folder_id.
func parseResources(name string, data []byte) ([]resource, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil
	}
	var items []json.RawMessage
	kind := Level("")
	switch trimmed[0] {
	case '[':
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return nil, fileJSONError(name, trimmed, err)
		}
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			return nil, fileJSONError(name, trimmed, err)
		}
		found := 0
		for k, v := range obj {
			if k == "nextPageToken" || k == "next_page_token" {
				continue
			}
			var list []json.RawMessage
			if json.Unmarshal(v, &list) != nil {
				continue
			}
			found++
			items, kind = list, listKinds[k]
		}
		if found != 1 {
			return nil, fmt.Errorf("%s: not a resource listing: want a JSON array or an object with one list", name)
		}
	default:
		return nil, fmt.Errorf("%s: not a resource listing: want a JSON array or an object with one list", name)
	}
	out := make([]resource, 0, len(items))
	for i, raw := range items {
		var w wireResource
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("%s: item %d: %w", name, i, plainJSONError(err))
		}
		if w.ID == "" {
			return nil, fmt.Errorf("%s: item %d: no id", name, i)
		}
		r := resource{id: w.ID, name: w.Name, level: kind}
		switch {
		case first(w.OrgID, w.OrgIDSnake) != "":
			r.level, r.parent, r.parentLevel = Cloud, first(w.OrgID, w.OrgIDSnake), Organization
		case first(w.CloudID, w.CloudIDSnake) != "":
			r.level, r.parent, r.parentLevel = Folder, first(w.CloudID, w.CloudIDSnake), Cloud
		case first(w.FolderID, w.FolderIDSnake) != "":
			r.parent, r.parentLevel = first(w.FolderID, w.FolderIDSnake), Folder
		case kind == Organization:
			r.level = Organization // the top: no parent
		default:
			return nil, fmt.Errorf("%s: item %d (%s): no organization_id, cloud_id or folder_id", name, i, w.ID)
		}
		out = append(out, r)
	}
	return out, nil
}

type wireMember struct {
	SubjectID        string `json:"subjectId"`
	SubjectIDSnake   string `json:"subject_id"`
	SubjectType      string `json:"subjectType"`
	SubjectTypeSnake string `json:"subject_type"`
}

// parseMembers reads `yc organization-manager group list-members
// --format json` (an array) or {"members": […]}.
func parseMembers(name string, data []byte) ([]subject, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil
	}
	var items []json.RawMessage
	switch trimmed[0] {
	case '[':
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return nil, fileJSONError(name, trimmed, err)
		}
	case '{':
		var w struct {
			Members []json.RawMessage `json:"members"`
		}
		if err := json.Unmarshal(trimmed, &w); err != nil {
			return nil, fileJSONError(name, trimmed, err)
		}
		if w.Members == nil && !emptyObject(trimmed) {
			return nil, fmt.Errorf("%s: not a member list: want a JSON array or {\"members\": […]}", name)
		}
		items = w.Members
	default:
		return nil, fmt.Errorf("%s: not a member list: want a JSON array or {\"members\": […]}", name)
	}
	out := make([]subject, 0, len(items))
	for i, raw := range items {
		var w wireMember
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, fmt.Errorf("%s: member %d: %w", name, i, plainJSONError(err))
		}
		s := subject{id: first(w.SubjectID, w.SubjectIDSnake), typ: first(w.SubjectType, w.SubjectTypeSnake)}
		if s.id == "" {
			return nil, fmt.Errorf("%s: member %d: no subject_id", name, i)
		}
		if s.typ == "" {
			s.typ = "userAccount" // members are users unless said otherwise
		}
		out = append(out, s)
	}
	return out, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fileJSONError names the file and, for a syntax error, the line and
// column.
func fileJSONError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := lineCol(data, syn.Offset)
		return fmt.Errorf("%s:%d:%d: %s", name, line, col, syn.Error())
	}
	return fmt.Errorf("%s: %w", name, plainJSONError(err))
}

// plainJSONError shortens a type error to what the reader needs.
func plainJSONError(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s: want %s, found JSON %s", field, typ.Type, typ.Value)
	}
	return err
}

func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// principalType names a subject type in the report's vocabulary.
func principalType(s subject) string {
	switch s.typ {
	case "userAccount":
		return "user"
	case "federatedUser":
		return "federated_user"
	case "serviceAccount":
		return "service_account"
	case "group":
		return "group"
	case "system":
		return "public_group"
	}
	return strings.ToLower(s.typ)
}

package gcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// condition is an IAM condition (CEL) on a binding or a deny rule.
type condition struct {
	Title      string `json:"title"`
	Expression string `json:"expression"`
}

func (c *condition) String() string {
	if c.Title != "" {
		return fmt.Sprintf("%q (%s)", c.Title, c.Expression)
	}
	return c.Expression
}

// binding is one allow-policy binding, where it sits and where it came from.
type binding struct {
	Role      string     `json:"role"`
	Members   []string   `json:"members"`
	Condition *condition `json:"condition"`

	at    Resource
	index int    // bindings[index] of its policy
	name  string // how a via chain names it
}

// label names the binding for a via chain.
func (b *binding) label() string { return b.name }

func (b *binding) setLabel() {
	b.name = fmt.Sprintf("%s bindings[%d] %s", b.at, b.index, b.Role)
	if b.Condition != nil {
		b.name += " if " + b.Condition.String()
	}
}

// parsePolicy reads one allow policy file.
func parsePolicy(f PolicyFile) ([]*binding, Resource, error) {
	at := f.Resource
	if at.IsZero() {
		var ok bool
		if at, ok = ResourceFromName(f.Name); !ok {
			return nil, at, fmt.Errorf("policy %s: cannot tell its resource from the name: pass it as LEVEL:ID=FILE (e.g. project:my-project=%s)", f.Name, f.Name)
		}
	}
	if at.ID == "" || strings.ContainsAny(at.ID, " /\t\n") {
		return nil, at, fmt.Errorf("policy %s: bad resource id %q", f.Name, at.ID)
	}
	if at.Level == ServiceAccount && !strings.Contains(at.ID, "@") {
		return nil, at, fmt.Errorf("policy %s: service account %q: want its email", f.Name, at.ID)
	}
	var p struct {
		Bindings []*binding `json:"bindings"`
	}
	if err := decodeJSON(f.Data, &p); err != nil {
		return nil, at, fmt.Errorf("policy %s: %w", f.Name, err)
	}
	if p.Bindings == nil && !hasKey(f.Data, "bindings") && !hasKey(f.Data, "etag") {
		return nil, at, fmt.Errorf("policy %s: not a get-iam-policy output (no bindings or etag)", f.Name)
	}
	for i, b := range p.Bindings {
		if b == nil {
			return nil, at, fmt.Errorf("policy %s: bindings[%d]: null", f.Name, i)
		}
		if b.Role == "" {
			return nil, at, fmt.Errorf("policy %s: bindings[%d]: no role", f.Name, i)
		}
		for j, m := range b.Members {
			if _, err := principalType(m); err != nil {
				return nil, at, fmt.Errorf("policy %s: bindings[%d].members[%d]: %w", f.Name, i, j, err)
			}
		}
		if b.Condition != nil && b.Condition.Expression == "" {
			return nil, at, fmt.Errorf("policy %s: bindings[%d].condition: no expression", f.Name, i)
		}
		b.at, b.index = at, i
		b.setLabel()
	}
	return p.Bindings, at, nil
}

// principalType tells a member's type, or rejects a form IAM does not have.
func principalType(m string) (string, error) {
	switch {
	case m == "allUsers" || m == "allAuthenticatedUsers":
		return "public", nil
	case strings.HasPrefix(m, "deleted:"):
		return "deleted", nil
	case strings.HasPrefix(m, "principalSet://"):
		return "workload_identity_pool", nil
	case strings.HasPrefix(m, "principal://"):
		return "workload_identity", nil
	}
	kind, id, ok := strings.Cut(m, ":")
	if ok && id != "" {
		switch kind {
		case "user":
			return "user", nil
		case "group":
			return "group", nil
		case "serviceAccount":
			return "service_account", nil
		case "domain":
			return "domain", nil
		case "projectOwner", "projectEditor", "projectViewer":
			return "convenience", nil
		}
	}
	return "", fmt.Errorf("unknown member %q (want user:, group:, serviceAccount:, domain:, allUsers, allAuthenticatedUsers, principal:// or principalSet://)", m)
}

// decodeJSON decodes strictly enough to name where the input breaks.
func decodeJSON(data []byte, v any) error {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) == 0 {
		return errors.New("empty")
	}
	if looksLikeYAML(data) {
		return errors.New("not JSON (gcloud writes YAML by default): export it again with --format=json")
	}
	err := json.Unmarshal(data, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at offset %d: %w", syn.Offset, err)
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "top level"
		}
		return fmt.Errorf("%s: %s where %s was expected (offset %d)", where, typ.Value, typ.Type, typ.Offset)
	}
	return err
}

// looksLikeYAML reports whether data starts as a YAML mapping or list
// (`bindings:`, `- name: …`) rather than JSON.
func looksLikeYAML(data []byte) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	switch c := line[0]; {
	case c == '-' && !bytes.HasPrefix(line, []byte("-0")) && (len(line) == 1 || line[1] == ' '):
		return true
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return bytes.Contains(line, []byte(":"))
	}
	return false
}

// hasKey reports whether a JSON object has the top-level key.
func hasKey(data []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

// decodeList reads a list of T given as [T…], {key: [T…]} or one T.
func decodeList[T any](data []byte, key string) ([]T, error) {
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "[") {
		var list []T
		err := decodeJSON(data, &list)
		return list, err
	}
	if hasKey(data, key) {
		var wrap map[string]json.RawMessage
		if err := decodeJSON(data, &wrap); err != nil {
			return nil, err
		}
		var list []T
		if err := decodeJSON(wrap[key], &list); err != nil {
			return nil, fmt.Errorf("%s%w", key+": ", err)
		}
		return list, nil
	}
	var one T
	if err := decodeJSON(data, &one); err != nil {
		return nil, err
	}
	return []T{one}, nil
}

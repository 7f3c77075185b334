package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// document is a parsed IAM policy document (identity, boundary, SCP or
// role trust policy).
type document struct {
	Statements []statement
}

// statement is one Statement element, normalized: action patterns
// lower-cased, resources as written, conditions flattened and sorted.
type statement struct {
	Index       int
	Sid         string
	Deny        bool
	Actions     []string // lower-cased patterns of Action or NotAction
	ActionText  []string // the same, as written (for via chains)
	NotAction   bool
	Resources   []string // patterns of Resource or NotResource; nil means "*"
	NotResource bool
	Principal   principal
	Conditions  []condition
}

// principal is a trust policy's Principal (or NotPrincipal) element.
type principal struct {
	Not       bool     // NotPrincipal: everyone but those listed
	Any       bool     // "*" or {"AWS": "*"}
	AWS       []string // ARNs or account ids
	Service   []string
	Federated []string
}

// condition is one operator × key of a Condition block.
type condition struct {
	Op     string
	Key    string
	Values []string
}

func (c condition) String() string {
	return c.Op + " " + c.Key + " " + strings.Join(c.Values, "|")
}

// label names the statement for a via chain.
func (s statement) label() string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %d (Sid %s)", s.Index, s.Sid)
	}
	return fmt.Sprintf("statement %d", s.Index)
}

// parseDocument reads a policy document: a JSON object, a JSON string
// holding one, or the URL-encoded text the AWS SDKs return.
func parseDocument(raw json.RawMessage) (*document, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errors.New("policy document is missing")
	}
	if raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, fmt.Errorf("policy document string: %w", err)
		}
		text = strings.TrimSpace(text)
		if !strings.HasPrefix(text, "{") {
			// RFC 3986 encoding from the SDKs: QueryUnescape, so that '+'
			// becomes a space as the encoder meant.
			dec, err := url.QueryUnescape(text)
			if err != nil {
				return nil, fmt.Errorf("URL-encoded policy document: %w", err)
			}
			text = dec
		}
		raw = []byte(text)
	}
	var rd struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(raw, &rd); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	var raws []json.RawMessage
	st := bytes.TrimSpace(rd.Statement)
	switch {
	case len(st) == 0 || bytes.Equal(st, []byte("null")):
		// a document without statements grants nothing
	case st[0] == '[':
		if err := json.Unmarshal(st, &raws); err != nil {
			return nil, fmt.Errorf("Statement: %w", err)
		}
	default:
		raws = []json.RawMessage{st}
	}
	doc := &document{Statements: make([]statement, 0, len(raws))}
	for i, r := range raws {
		s, err := parseStatement(r)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		s.Index = i
		doc.Statements = append(doc.Statements, s)
	}
	return doc, nil
}

type rawStatement struct {
	Sid          any
	Effect       string
	Action       *stringList
	NotAction    *stringList
	Resource     *stringList
	NotResource  *stringList
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Condition    map[string]map[string]anyList
}

func parseStatement(raw json.RawMessage) (statement, error) {
	var r rawStatement
	if err := json.Unmarshal(raw, &r); err != nil {
		return statement{}, err
	}
	var s statement
	if r.Sid != nil {
		s.Sid = fmt.Sprint(r.Sid)
	}
	switch strings.ToLower(r.Effect) {
	case "allow":
	case "deny":
		s.Deny = true
	default:
		return s, fmt.Errorf("Effect %q is neither Allow nor Deny", r.Effect)
	}
	switch {
	case r.Action != nil && r.NotAction != nil:
		return s, errors.New("both Action and NotAction")
	case r.Action != nil:
		s.Actions, s.ActionText = lowerAll(*r.Action), *r.Action
	case r.NotAction != nil:
		s.Actions, s.ActionText, s.NotAction = lowerAll(*r.NotAction), *r.NotAction, true
	}
	switch {
	case r.Resource != nil && r.NotResource != nil:
		return s, errors.New("both Resource and NotResource")
	case r.Resource != nil:
		s.Resources = *r.Resource
	case r.NotResource != nil:
		s.Resources, s.NotResource = *r.NotResource, true
	}
	if len(r.Principal) > 0 && len(r.NotPrincipal) > 0 {
		return s, errors.New("both Principal and NotPrincipal")
	}
	if len(r.NotPrincipal) > 0 {
		p, err := parsePrincipal(r.NotPrincipal)
		if err != nil {
			return s, fmt.Errorf("NotPrincipal: %w", err)
		}
		p.Not = true
		s.Principal = p
	} else {
		p, err := parsePrincipal(r.Principal)
		if err != nil {
			return s, fmt.Errorf("Principal: %w", err)
		}
		s.Principal = p
	}
	for op, keys := range r.Condition {
		for key, vals := range keys {
			s.Conditions = append(s.Conditions, condition{Op: op, Key: key, Values: vals})
		}
	}
	sort.Slice(s.Conditions, func(i, j int) bool {
		a, b := s.Conditions[i], s.Conditions[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Op < b.Op
	})
	return s, nil
}

func parsePrincipal(raw json.RawMessage) (principal, error) {
	var p principal
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return p, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return p, err
		}
		if s != "*" {
			return p, fmt.Errorf("%q is neither \"*\" nor an object", s)
		}
		p.Any = true
		return p, nil
	}
	var m map[string]stringList
	if err := json.Unmarshal(raw, &m); err != nil {
		return p, err
	}
	for k, v := range m {
		switch k {
		case "AWS":
			for _, a := range v {
				if a == "*" {
					p.Any = true
					continue
				}
				p.AWS = append(p.AWS, a)
			}
		case "Service":
			p.Service = append(p.Service, v...)
		case "Federated":
			p.Federated = append(p.Federated, v...)
		}
	}
	sort.Strings(p.AWS)
	sort.Strings(p.Service)
	sort.Strings(p.Federated)
	return p, nil
}

// stringList is a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var xs []string
		if err := json.Unmarshal(b, &xs); err != nil {
			return err
		}
		*l = xs
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*l = stringList{s}
	return nil
}

// anyList is a condition value: a string, number, boolean or an array of
// them, kept as text.
type anyList []string

func (l *anyList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var xs []any
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &xs); err != nil {
			return err
		}
	} else {
		var x any
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		xs = []any{x}
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		switch v := x.(type) {
		case string:
			out = append(out, v)
		case nil:
			out = append(out, "null")
		case map[string]any, []any:
			return errors.New("condition value is neither a scalar nor a list of scalars")
		default:
			out = append(out, fmt.Sprint(v))
		}
	}
	*l = out
	return nil
}

func lowerAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = lower(x)
	}
	return out
}

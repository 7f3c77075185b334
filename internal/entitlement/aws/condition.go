package aws

import "strings"

// conditionsIn settles the statement's conditions whose keys the context
// knows: it returns the conditions left open, and false when a known one
// fails (the statement does not apply).
func (st *statement) conditionsIn(ctx map[string]string) ([]string, bool) {
	var open []string
	for _, c := range st.Conditions {
		v, known := ctx[lower(c.Key)]
		if known {
			switch c.holds(v) {
			case yes:
				continue
			case no:
				return nil, false
			}
		}
		open = append(open, c.String())
	}
	return open, true
}

type tri int

const (
	unknown tri = iota
	yes
	no
)

// holds evaluates the condition for a single-valued key; operators it
// does not know stay unknown.
func (c condition) holds(v string) tri {
	op := strings.TrimPrefix(strings.TrimPrefix(c.Op, "ForAnyValue:"), "ForAllValues:")
	op = strings.TrimSuffix(op, "IfExists")
	var eq func(pattern string) bool
	negate := false
	switch op {
	case "StringEquals":
		eq = func(p string) bool { return p == v }
	case "StringNotEquals":
		eq, negate = func(p string) bool { return p == v }, true
	case "StringEqualsIgnoreCase":
		eq = func(p string) bool { return strings.EqualFold(p, v) }
	case "StringNotEqualsIgnoreCase":
		eq, negate = func(p string) bool { return strings.EqualFold(p, v) }, true
	case "StringLike":
		eq = func(p string) bool { return match(p, v) }
	case "StringNotLike":
		eq, negate = func(p string) bool { return match(p, v) }, true
	default:
		return unknown
	}
	found := false
	for _, p := range c.Values {
		if eq(p) {
			found = true
			break
		}
	}
	if found != negate {
		return yes
	}
	return no
}

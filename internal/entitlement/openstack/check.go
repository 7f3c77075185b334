package openstack

import (
	"fmt"
	"strings"
)

// node is a parsed oslo.policy check string. The grammar is oslo.policy's:
// "and" binds tighter than "or", "not" tighter than both, parentheses group.
type node interface {
	String() string
}

type (
	// constCheck is "@" and "" (always) or "!" (never).
	constCheck bool
	// ruleCheck is rule:NAME, another rule of the same service.
	ruleCheck string
	// roleCheck is role:NAME, a role of the credentials (after implication).
	roleCheck string
	// remoteCheck is an http: or https: check, decided by a remote server.
	remoteCheck string
	// genericCheck is kind:match: a credential field (or a literal) compared
	// with a literal or a target attribute %(attr)s.
	genericCheck struct {
		kind, match string
		lit         string // kind read as a Python literal, when isLit
		isLit       bool
	}
	notCheck struct{ n node }
	andCheck []node
	orCheck  []node
)

func (c constCheck) String() string {
	if c {
		return "@"
	}
	return "!"
}
func (c ruleCheck) String() string    { return "rule:" + string(c) }
func (c roleCheck) String() string    { return "role:" + string(c) }
func (c remoteCheck) String() string  { return string(c) }
func (c genericCheck) String() string { return c.kind + ":" + c.match }
func (c notCheck) String() string {
	switch c.n.(type) {
	case andCheck, orCheck:
		return "not (" + c.n.String() + ")"
	}
	return "not " + c.n.String()
}
func (c andCheck) String() string { return join(c, " and ") }
func (c orCheck) String() string  { return join(c, " or ") }

// join prints compound operands in parentheses, so that the grouping reads
// without knowing the precedence.
func join(ns []node, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		s := n.String()
		switch n.(type) {
		case andCheck, orCheck:
			s = "(" + s + ")"
		}
		parts[i] = s
	}
	return strings.Join(parts, sep)
}

// maxDepth bounds parenthesis and "not" nesting, so that no input can
// exhaust the stack.
const maxDepth = 64

// parseCheck parses a check string. The empty string always passes, as in
// oslo.policy.
func parseCheck(s string) (node, error) {
	if s == "" {
		return constCheck(true), nil
	}
	p := &parser{toks: tokenize(s)}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("check %q is blank", s)
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q at token %d", p.toks[p.pos].text, p.pos+1)
	}
	return n, nil
}

type tokKind uint8

const (
	tokCheck tokKind = iota
	tokAnd
	tokOr
	tokNot
	tokOpen
	tokClose
)

type token struct {
	kind tokKind
	text string
}

// tokenize splits as oslo.policy does: on white space, with leading "(" and
// trailing ")" peeled off each word.
func tokenize(s string) []token {
	var out []token
	for _, w := range strings.Fields(s) {
		for strings.HasPrefix(w, "(") {
			out = append(out, token{tokOpen, "("})
			w = w[1:]
		}
		closes := 0
		for strings.HasSuffix(w, ")") {
			closes++
			w = w[:len(w)-1]
		}
		if w != "" {
			switch strings.ToLower(w) {
			case "and":
				out = append(out, token{tokAnd, w})
			case "or":
				out = append(out, token{tokOr, w})
			case "not":
				out = append(out, token{tokNot, w})
			default:
				out = append(out, token{tokCheck, w})
			}
		}
		for range closes {
			out = append(out, token{tokClose, ")"})
		}
	}
	return out
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *parser) or(depth int) (node, error) {
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	ns := []node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokOr {
			break
		}
		p.pos++
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	if len(ns) == 1 {
		return first, nil
	}
	return orCheck(ns), nil
}

func (p *parser) and(depth int) (node, error) {
	first, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	ns := []node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokAnd {
			break
		}
		p.pos++
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	if len(ns) == 1 {
		return first, nil
	}
	return andCheck(ns), nil
}

func (p *parser) unary(depth int) (node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("check string ends where a check is expected")
	}
	p.pos++
	switch t.kind {
	case tokNot:
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return notCheck{n}, nil
	case tokOpen:
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != tokClose {
			return nil, fmt.Errorf("missing \")\"")
		}
		p.pos++
		return n, nil
	case tokCheck:
		return leaf(t.text)
	default:
		return nil, fmt.Errorf("unexpected %q at token %d", t.text, p.pos)
	}
}

// leaf parses one check word.
func leaf(w string) (node, error) {
	switch w {
	case "@":
		return constCheck(true), nil
	case "!":
		return constCheck(false), nil
	}
	kind, match, ok := strings.Cut(w, ":")
	if !ok {
		return nil, fmt.Errorf("check %q is not of the form kind:match", w)
	}
	switch kind {
	case "rule":
		return ruleCheck(match), nil
	case "role":
		return roleCheck(match), nil
	case "http", "https":
		return remoteCheck(w), nil
	}
	if kind == "" {
		return nil, fmt.Errorf("check %q has no kind before \":\"", w)
	}
	lit, isLit := literal(kind)
	return genericCheck{kind: kind, match: match, lit: lit, isLit: isLit}, nil
}

// legacyForm turns the pre-Kilo list form of a rule ([["a", "b"], ["c"]]:
// a and b, or c) into a check string.
func legacyForm(alts [][]string) string {
	ors := make([]string, 0, len(alts))
	for _, all := range alts {
		if len(all) == 0 {
			continue
		}
		ors = append(ors, "("+strings.Join(all, " and ")+")")
	}
	if len(ors) == 0 {
		return "@"
	}
	return strings.Join(ors, " or ")
}

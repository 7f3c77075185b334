package rule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// condition parses the detection's condition: a string, or a list of strings
// meaning any of them (joined with Or).
func (p *docParser) condition(f field, searches map[string]*Search) (Expr, string) {
	v := deref(f.val)
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null":
		return p.conditionText(v, searches), strings.TrimSpace(v.Value)
	case v.Kind == yaml.SequenceNode && len(v.Content) > 0:
		var (
			expr  Expr
			texts []string
		)
		for _, it := range v.Content {
			it = deref(it)
			if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
				p.errorf(p.src.at(it), "a condition list must hold conditions, not %s", describe(it))
				continue
			}
			e := p.conditionText(it, searches)
			texts = append(texts, "("+strings.TrimSpace(it.Value)+")")
			if e == nil {
				continue
			}
			if expr == nil {
				expr = e
			} else {
				expr = &Or{Pos: p.src.at(it), L: expr, R: e} // at the condition it adds
			}
		}
		if len(texts) == 1 {
			return expr, strings.TrimSpace(deref(v.Content[0]).Value)
		}
		return expr, strings.Join(texts, " or ")
	}
	p.errorf(p.src.at(v), "condition must be a string or a list of strings, not %s", describe(v))
	return nil, ""
}

func (p *docParser) conditionText(n *yaml.Node, searches map[string]*Search) Expr {
	names := make([]string, 0, len(searches))
	for name := range searches {
		names = append(names, name)
	}
	pos := p.src.scalarPos(n)
	e, err := parseCondition(n.Value, names)
	if err != nil {
		p.errorf(pos(err.off), "condition: %s", err.msg)
		return nil
	}
	shift(e, pos)
	return e
}

// ParseCondition parses a condition on its own, against the names of the
// detection's searches. Positions are on line 1 of a file named
// "condition", columns counting characters from 1. Parse does the same for
// a rule's condition, with positions in the rule file.
//
// Grammar, loosest first: or, and, not, then `N of P` / `all of P`,
// parentheses and search identifiers. Keywords are case-insensitive. P is
// `them` (every search whose name does not start with _, as Sigma says), a
// search name, or a pattern with * wildcards (which may match names starting
// with _, as pySigma does); it must match at least one search, and N at most
// as many as it matches. Binary operators are placed at their keyword,
// Not at "not", a quantifier at its count. Legacy aggregations (`| count()`,
// `near`) are rejected.
func ParseCondition(text string, searches []string) (Expr, error) {
	pos := func(off int) Pos {
		off = min(max(off, 0), len(text))
		return Pos{File: "condition", Line: 1, Col: utf8.RuneCountInString(text[:off]) + 1}
	}
	e, err := parseCondition(text, searches)
	if err != nil {
		return nil, &Error{Pos: pos(err.off), Err: errors.New(err.msg)}
	}
	shift(e, pos)
	return e, nil
}

// shift moves the positions of a parsed condition, which hold byte offsets
// in Col, to their place.
func shift(e Expr, pos func(int) Pos) {
	switch e := e.(type) {
	case *And:
		e.Pos = pos(e.Pos.Col)
		shift(e.L, pos)
		shift(e.R, pos)
	case *Or:
		e.Pos = pos(e.Pos.Col)
		shift(e.L, pos)
		shift(e.R, pos)
	case *Not:
		e.Pos = pos(e.Pos.Col)
		shift(e.X, pos)
	case *Ref:
		e.Pos = pos(e.Pos.Col)
	case *Quant:
		e.Pos = pos(e.Pos.Col)
	}
}

// condError is a problem in a condition, at a byte offset into it.
type condError struct {
	off int
	msg string
}

// maxConditionDepth bounds nesting (parentheses, not): deeper conditions are
// not written by people, and recursion must stay shallow on hostile input.
const maxConditionDepth = 100

// parseCondition parses text; the positions it gives hold byte offsets in
// Col. A panic becomes an internal error (asserted never to happen by the
// fuzz tests).
func parseCondition(text string, searches []string) (e Expr, err *condError) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, &condError{0, fmt.Sprintf("internal error: %v", r)}
		}
	}()
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	// Legacy aggregations end the expression with a pipe; say so before
	// any other complaint about what follows it.
	for _, t := range toks {
		if t.kind == tPipe || t.kind == tNear {
			return nil, &condError{t.off, "aggregation expressions are not supported; use a correlation rule"}
		}
	}
	names := slices.Clone(searches)
	slices.Sort(names)
	names = slices.Compact(names)
	c := &condParser{toks: toks, names: names}
	e, err = c.or(0)
	if err != nil {
		return nil, err
	}
	if t := c.peek(); t.kind != tEOF {
		return nil, c.unexpected(t, "'and', 'or' or the end of the condition")
	}
	return e, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tAnd
	tOr
	tNot
	tOf
	tAll
	tThem
	tLParen
	tRParen
	tPipe
	tNear
)

type token struct {
	kind tokKind
	text string
	off  int
}

var keywords = map[string]tokKind{"and": tAnd, "or": tOr, "not": tNot, "of": tOf, "all": tAll, "them": tThem, "near": tNear}

// lex splits a condition into tokens. A word is any run of characters other
// than spaces, parentheses and pipes, so search names may hold - . * and
// letters of any script.
func lex(s string) ([]token, *condError) {
	var toks []token
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, &condError{i, "invalid UTF-8"}
		case unicode.IsSpace(r):
			i += w
		case r == '(':
			toks = append(toks, token{tLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tRParen, ")", i})
			i++
		case r == '|':
			toks = append(toks, token{tPipe, "|", i})
			i++
		default:
			j := i
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) || r == '(' || r == ')' || r == '|' || (r == utf8.RuneError && w == 1) {
					break
				}
				j += w
			}
			word := s[i:j]
			kind := tIdent
			if k, ok := keywords[strings.ToLower(word)]; ok {
				kind = k
			} else if isDigits(word) {
				kind = tNumber
			}
			toks = append(toks, token{kind, word, i})
			i = j
		}
	}
	return append(toks, token{tEOF, "", len(s)}), nil
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

type condParser struct {
	toks  []token
	i     int
	names []string // sorted
}

func (c *condParser) has(name string) bool {
	_, ok := slices.BinarySearch(c.names, name)
	return ok
}

func (c *condParser) peek() token { return c.toks[c.i] }

func (c *condParser) next() token {
	t := c.toks[c.i]
	if t.kind != tEOF {
		c.i++
	}
	return t
}

func at(off int) Pos { return Pos{Col: off} }

func (c *condParser) or(depth int) (Expr, *condError) {
	l, err := c.and(depth)
	if err != nil {
		return nil, err
	}
	for c.peek().kind == tOr {
		op := c.next()
		r, err := c.and(depth)
		if err != nil {
			return nil, err
		}
		l = &Or{Pos: at(op.off), L: l, R: r}
	}
	return l, nil
}

func (c *condParser) and(depth int) (Expr, *condError) {
	l, err := c.not(depth)
	if err != nil {
		return nil, err
	}
	for c.peek().kind == tAnd {
		op := c.next()
		r, err := c.not(depth)
		if err != nil {
			return nil, err
		}
		l = &And{Pos: at(op.off), L: l, R: r}
	}
	return l, nil
}

func (c *condParser) not(depth int) (Expr, *condError) {
	if depth > maxConditionDepth {
		return nil, &condError{c.peek().off, "nested too deeply"}
	}
	if t := c.peek(); t.kind == tNot {
		c.next()
		x, err := c.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{Pos: at(t.off), X: x}, nil
	}
	return c.primary(depth)
}

func (c *condParser) primary(depth int) (Expr, *condError) {
	t := c.next()
	switch t.kind {
	case tLParen:
		e, err := c.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if r := c.next(); r.kind != tRParen {
			return nil, c.unexpected(r, fmt.Sprintf("')' to close the '(' at offset %d", t.off))
		}
		return e, nil
	case tNumber, tAll:
		return c.quant(t)
	case tIdent:
		if strings.Contains(t.text, "*") {
			return nil, &condError{t.off, fmt.Sprintf("the pattern %q needs a quantifier: write '1 of %s' or 'all of %s'", t.text, t.text, t.text)}
		}
		if !c.has(t.text) {
			return nil, &condError{t.off, fmt.Sprintf("unknown search identifier %q%s", t.text, suggest(t.text, c.names))}
		}
		return &Ref{Pos: at(t.off), Name: t.text}, nil
	case tThem:
		return nil, &condError{t.off, "'them' needs a quantifier: write '1 of them' or 'all of them'"}
	}
	return nil, c.unexpected(t, "a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')")
}

func (c *condParser) quant(t token) (Expr, *condError) {
	q := &Quant{Pos: at(t.off), All: t.kind == tAll}
	if !q.All {
		n, err := strconv.Atoi(t.text)
		if err != nil || n < 1 {
			return nil, &condError{t.off, fmt.Sprintf("'%s of' needs a count of at least 1", t.text)}
		}
		q.N = n
	}
	if of := c.next(); of.kind != tOf {
		return nil, c.unexpected(of, fmt.Sprintf("'of' after %q", t.text))
	}
	target := c.next()
	switch target.kind {
	case tThem:
		q.Pattern = "them"
		for _, name := range c.names {
			if !strings.HasPrefix(name, "_") {
				q.Names = append(q.Names, name)
			}
		}
		if len(q.Names) == 0 {
			return nil, &condError{target.off, "'them' matches no search (names starting with _ are left out)"}
		}
	case tIdent:
		q.Pattern = target.text
		for _, name := range c.names {
			if matchPattern(target.text, name) {
				q.Names = append(q.Names, name)
			}
		}
		if len(q.Names) == 0 {
			return nil, &condError{target.off, fmt.Sprintf("%q matches no search identifier%s", target.text, suggest(target.text, c.names))}
		}
	default:
		return nil, c.unexpected(target, "a search identifier, a pattern such as sel_* or 'them'")
	}
	if !q.All && q.N > len(q.Names) {
		return nil, &condError{t.off, fmt.Sprintf("'%d of %s' can never hold: %q matches %d search(es)", q.N, q.Pattern, q.Pattern, len(q.Names))}
	}
	return q, nil
}

func (c *condParser) unexpected(t token, want string) *condError {
	if t.kind == tEOF {
		return &condError{t.off, "unexpected end of condition, expected " + want}
	}
	return &condError{t.off, fmt.Sprintf("unexpected %q, expected %s", t.text, want)}
}

// matchPattern reports whether name matches pattern, where * stands for any
// run of characters (Sigma defines no other wildcard here).
func matchPattern(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(name, part)
		if i < 0 {
			return false
		}
		name = name[i+len(part):]
	}
	return strings.HasSuffix(name, last)
}

// ExprString writes a condition with every binary operation in parentheses
// and each quantifier followed by the searches it resolved to:
// "(sel and not 1 of filter_* [filter_a filter_b])". For messages and tests.
func ExprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *And:
		b.WriteByte('(')
		writeExpr(b, e.L)
		b.WriteString(" and ")
		writeExpr(b, e.R)
		b.WriteByte(')')
	case *Or:
		b.WriteByte('(')
		writeExpr(b, e.L)
		b.WriteString(" or ")
		writeExpr(b, e.R)
		b.WriteByte(')')
	case *Not:
		b.WriteString("not ")
		writeExpr(b, e.X)
	case *Ref:
		b.WriteString(e.Name)
	case *Quant:
		if e.All {
			b.WriteString("all")
		} else {
			b.WriteString(strconv.Itoa(e.N))
		}
		b.WriteString(" of ")
		b.WriteString(e.Pattern)
		b.WriteString(" [")
		b.WriteString(strings.Join(e.Names, " "))
		b.WriteByte(']')
	case nil:
		b.WriteString("<nil>")
	default:
		fmt.Fprintf(b, "<%T>", e)
	}
}

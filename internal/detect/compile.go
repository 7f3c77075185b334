package detect

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// crule is a compiled detection rule.
type crule struct {
	rule     *rule.Rule
	idx      int
	format   string // decoder name, or Product
	searches []csearch
	cond     *cond
}

// csearch is a compiled search identifier: any map whose matchers all
// match, or a keyword matcher.
type csearch struct {
	name     string
	maps     [][]*cmatcher
	keywords *cmatcher
}

// cmatcher is a compiled `field|modifiers: values` entry.
type cmatcher struct {
	pos        rule.Pos
	field      int // index into Engine.fields; -1 for keywords
	kind       mkind
	all        bool // every value must match (else any)
	neq        bool // the field has a value and none matches
	want       bool // exists: true or false
	op         cmpOp
	part       timePart
	mode       refMode // fieldref: how the two fields compare
	cased      bool
	values     []cvalue
	cost       int  // evaluation order within a map: cheap first
	normalized bool // keywords of a Product rule search the normalized event
	plain      bool // kPattern, not neq, no null value, every pattern folded
	// For plain: the shortest and longest folded text a pattern accepts
	// (foldMax -1: no longest), to pass over values without folding them.
	foldMin, foldMax int
}

// mayFit reports whether a string of n bytes could fold to a length some
// pattern of a plain matcher accepts.
func (m *cmatcher) mayFit(n int) bool { return mayFoldTo(n, m.foldMin, m.foldMax) }

// mayFoldTo reports whether a string of n bytes could fold to a length from
// lo to hi (hi -1: no longest). Lowering a rune changes its UTF-8 length at
// most 3 to 1 (U+212A KELVIN SIGN to k) or 2 to 3 (U+023A to U+2C65), so n
// bytes fold to between ⌈n/3⌉ and ⌊3n/2⌋ bytes.
func mayFoldTo(n, lo, hi int) bool {
	return 3*n/2 >= lo && (hi < 0 || (n+2)/3 <= hi)
}

type mkind uint8

const (
	kPattern  mkind = iota // strings with wildcards (and numbers, booleans)
	kCompare               // lt, lte, gt, gte
	kTime                  // minute, hour, day, week, month, year
	kCIDR                  // cidr
	kRegex                 // re
	kExists                // exists
	kFieldref              // fieldref
	kKeyword               // keyword search
)

type cmpOp uint8

const (
	opEq cmpOp = iota
	opLt
	opLte
	opGt
	opGte
)

type timePart uint8

const (
	partNone timePart = iota
	partMinute
	partHour
	partDay
	partWeek
	partMonth
	partYear
)

type refMode uint8

const (
	refEq refMode = iota
	refPrefix
	refSuffix
	refContains
)

// cvalue is one compiled value; alternatives of a matcher are OR-ed unless
// the matcher has the all modifier.
type cvalue struct {
	null   bool      // YAML null: the field is absent or null
	pats   []pattern // variants (windash, base64offset, expand): any
	exact  bool      // every variant is an exact string: never matches an object
	num    float64   // for kPattern: a plain number compared numerically with JSON numbers; kCompare, kTime: the operand
	hasNum bool
	key    string // folded index key, when keyOK
	keyOK  bool
	re     *regexp.Regexp
	reLit  string // a literal every match contains: tested first, as regexps are slow
	reFold bool   // reLit is folded: compare with the folded text
	prefix netip.Prefix
	ref    int // fieldref: field id
}

// fieldSpec is a resolved field: where an event holds its value.
type fieldSpec struct {
	key   string     // identity, for sharing one field's values between matchers
	name  string     // as written
	paths [][]string // raw paths; in each record the first present wins
	tops  []int32    // per path: the engine's id of its first segment (Engine.topKeys)
	norm  *normField // normalized field, read when no path is present
	last  bool       // records of a paired operation last first
}

type compiler struct {
	e        *Engine
	errs     rule.ErrorList
	fieldIDs map[string]int
	topIDs   map[string]int32
	r        *rule.Rule // the rule being compiled
	format   string
}

func (c *compiler) errorf(pos rule.Pos, format string, args ...any) {
	id := c.r.ID
	if id == "" {
		id = c.r.Title
	}
	if pos.File == "" && pos.Line == 0 {
		pos = c.r.Pos
	}
	c.errs.Add(rule.Errorf(pos, id, format, args...))
}

// compileRule compiles one rule, or reports why it cannot and returns nil.
func (c *compiler) compileRule(r *rule.Rule) *crule {
	c.r = r
	before := len(c.errs)
	format, err := LogSourceFormat(r.LogSource)
	if err != nil {
		pos := r.LogSource.Pos
		if pos.Line == 0 {
			pos = r.Pos
		}
		c.errorf(pos, "logsource: %w", err)
		return nil
	}
	c.format = format
	d := &r.Detection
	if d.Timeframe != "" {
		c.errorf(d.Pos, "timeframe (a legacy aggregation) is not supported: write a correlation rule")
	}
	cr := &crule{rule: r, format: format}
	names := make([]string, 0, len(d.Searches))
	for name := range d.Searches {
		names = append(names, name)
	}
	sort.Strings(names)
	index := make(map[string]int, len(names))
	for i, name := range names {
		index[name] = i
		cr.searches = append(cr.searches, c.compileSearch(name, d.Searches[name]))
	}
	if d.Condition == nil {
		c.errorf(d.Pos, "detection has no condition")
	} else {
		cr.cond = c.compileCond(d.Condition, index, len(names))
	}
	if len(c.errs) > before {
		return nil
	}
	return cr
}

func (c *compiler) compileSearch(name string, s *rule.Search) csearch {
	cs := csearch{name: name}
	if s == nil {
		c.errorf(rule.Pos{}, "search %q is empty", name)
		return cs
	}
	if s.Keywords != nil {
		cs.keywords = c.compileMatcher(s.Keywords, true)
	}
	for _, fms := range s.Maps {
		if len(fms) == 0 {
			c.errorf(s.Pos, "search %q has an empty map", name)
			continue
		}
		var ms []*cmatcher
		for _, fm := range fms {
			if m := c.compileMatcher(fm, false); m != nil {
				ms = append(ms, m)
			}
		}
		slices.SortStableFunc(ms, func(a, b *cmatcher) int { return a.cost - b.cost })
		cs.maps = append(cs.maps, ms)
	}
	if s.Keywords == nil && len(s.Maps) == 0 {
		c.errorf(s.Pos, "search %q is empty", name)
	}
	return cs
}

// mods are a matcher's modifiers, checked for combinations that mean
// nothing.
type mods struct {
	set        map[string]bool
	position   string   // contains, startswith, endswith
	compare    string   // lt, lte, gt, gte
	part       string   // minute … year
	transforms []string // windash and encodings, in written order
}

var (
	positionMods  = []string{"contains", "startswith", "endswith"}
	compareMods   = []string{"lt", "lte", "gt", "gte"}
	timeMods      = []string{"minute", "hour", "day", "week", "month", "year"}
	utf16Mods     = []string{"utf16le", "utf16be", "utf16", "wide"}
	base64Mods    = []string{"base64", "base64offset"}
	transformMods = []string{"windash", "utf16le", "utf16be", "utf16", "wide", "base64", "base64offset"}
)

// parseMods sorts a matcher's modifiers and rejects combinations that mean
// nothing. The parser checks the same with each modifier's own position;
// this guards rules built otherwise (tests, future front ends).
func (c *compiler) parseMods(fm *rule.FieldMatcher, keyword bool) (mods, bool) {
	m := mods{set: map[string]bool{}}
	ok := true
	bad := func(format string, args ...any) {
		c.errorf(fm.Pos, format, args...)
		ok = false
	}
	for _, x := range fm.Modifiers {
		if !slices.Contains(rule.Modifiers, x) {
			bad("unknown modifier %q", x)
			continue
		}
		if m.set[x] {
			bad("modifier %q given twice", x)
			continue
		}
		m.set[x] = true
		switch {
		case slices.Contains(positionMods, x):
			if m.position != "" {
				bad("modifiers %q and %q exclude each other", m.position, x)
			}
			m.position = x
		case slices.Contains(compareMods, x):
			if m.compare != "" {
				bad("modifiers %q and %q exclude each other", m.compare, x)
			}
			m.compare = x
		case slices.Contains(timeMods, x):
			if m.part != "" {
				bad("modifiers %q and %q exclude each other", m.part, x)
			}
			m.part = x
		case slices.Contains(transformMods, x):
			m.transforms = append(m.transforms, x)
		}
	}
	if !ok {
		return m, false
	}
	has := m.set
	// excl reports the first of others present beside mod.
	excl := func(mod string, others ...[]string) {
		if !has[mod] {
			return
		}
		for _, list := range others {
			for _, o := range list {
				if has[o] && o != mod {
					bad("modifier %q cannot be combined with %q", mod, o)
					return
				}
			}
		}
	}
	var utf, b64 []string
	for _, t := range m.transforms {
		if slices.Contains(utf16Mods, t) {
			utf = append(utf, t)
		}
		if slices.Contains(base64Mods, t) {
			b64 = append(b64, t)
		}
	}
	if len(utf) > 1 {
		bad("modifiers %q and %q exclude each other", utf[0], utf[1])
	}
	if len(b64) > 1 {
		bad("modifiers %q and %q exclude each other", b64[0], b64[1])
	}
	for _, f := range []string{"i", "m", "s"} {
		if has[f] && !has["re"] {
			bad("modifier %q applies only to re", f)
		}
	}
	all := slices.Concat(positionMods, compareMods, timeMods, transformMods,
		[]string{"all", "cased", "neq", "exists", "re", "cidr", "fieldref", "expand"})
	excl("exists", all)
	excl("re", positionMods, compareMods, timeMods, transformMods, []string{"cidr", "fieldref", "expand"})
	excl("cidr", positionMods, compareMods, timeMods, transformMods, []string{"fieldref", "expand", "cased"})
	if m.compare != "" {
		excl(m.compare, positionMods, transformMods, []string{"cidr", "re", "fieldref", "expand", "neq"})
	}
	if m.part != "" {
		excl(m.part, positionMods, transformMods, []string{"cidr", "re", "fieldref", "expand", "cased"})
	}
	excl("fieldref", transformMods, []string{"expand"})
	if keyword {
		for _, x := range []string{"exists", "neq", "fieldref", "cidr"} {
			if has[x] {
				bad("modifier %q needs a field (this is a keyword search)", x)
			}
		}
		if m.compare != "" || m.part != "" {
			bad("modifier %q needs a field (this is a keyword search)", cmp.Or(m.compare, m.part))
		}
	}
	return m, ok
}

// compileMatcher compiles one field matcher, or a keyword search.
func (c *compiler) compileMatcher(fm *rule.FieldMatcher, keyword bool) *cmatcher {
	ms, ok := c.parseMods(fm, keyword)
	if !ok {
		return nil
	}
	m := &cmatcher{pos: fm.Pos, field: -1, all: ms.set["all"], neq: ms.set["neq"], cased: ms.set["cased"], normalized: c.format == Product}
	if !keyword {
		id, err := c.resolve(fm.Field)
		if err != nil {
			c.errorf(fm.Pos, "field %q: %v", fm.Field, err)
			return nil
		}
		m.field = id
	}
	if len(fm.Values) == 0 {
		c.errorf(fm.Pos, "no value to compare with")
		return nil
	}
	if m.all && len(fm.Values) == 1 {
		c.errorf(fm.Pos, "modifier \"all\" needs a list of values")
		return nil
	}
	switch {
	case keyword:
		m.kind, m.cost = kKeyword, 9
	case ms.set["exists"]:
		m.kind, m.cost = kExists, 1
		if len(fm.Values) != 1 {
			c.errorf(fm.Pos, "exists takes one value, true or false")
			return nil
		}
	case ms.set["re"]:
		m.kind, m.cost = kRegex, 6
	case ms.set["cidr"]:
		m.kind, m.cost = kCIDR, 4
	case ms.set["fieldref"]:
		m.kind, m.cost = kFieldref, 5
		m.mode = map[string]refMode{"": refEq, "startswith": refPrefix, "endswith": refSuffix, "contains": refContains}[ms.position]
	case ms.part != "":
		m.kind, m.cost = kTime, 4
		m.part = map[string]timePart{"minute": partMinute, "hour": partHour, "day": partDay, "week": partWeek, "month": partMonth, "year": partYear}[ms.part]
		m.op = map[string]cmpOp{"": opEq, "lt": opLt, "lte": opLte, "gt": opGt, "gte": opGte}[ms.compare]
	case ms.compare != "":
		m.kind, m.cost = kCompare, 3
		m.op = map[string]cmpOp{"lt": opLt, "lte": opLte, "gt": opGt, "gte": opGte}[ms.compare]
	default:
		m.kind, m.cost = kPattern, 2
	}
	before := len(c.errs)
	for _, v := range fm.Values {
		cv, err := c.compileValue(m, ms, v)
		if err != nil {
			pos := v.Pos
			if pos.Line == 0 {
				pos = fm.Pos
			}
			c.errorf(pos, "%v", err)
			continue
		}
		m.values = append(m.values, cv)
	}
	if len(c.errs) > before {
		return nil
	}
	if m.kind == kPattern && !m.neq {
		m.plain = true
		m.foldMin, m.foldMax = math.MaxInt, 0
		for _, v := range m.values {
			for _, p := range v.pats {
				m.plain = m.plain && !p.cased
				lo, hi := p.foldLen()
				m.foldMin = min(m.foldMin, lo)
				if hi < 0 || m.foldMax < 0 {
					m.foldMax = -1
				} else {
					m.foldMax = max(m.foldMax, hi)
				}
			}
			m.plain = m.plain && !v.null
		}
	}
	if m.kind == kPattern && !m.all && !m.neq {
		if f := c.e.fields[m.field]; f.key == c.indexKey() {
			m.cost = 0 // the operation: most selective, and already fetched for the index
		}
	}
	return m
}

// indexKey returns the key of the current format's operation field.
func (c *compiler) indexKey() string {
	name, ok := indexFields[c.format]
	if !ok {
		return ""
	}
	spec, err := c.spec(c.format, name)
	if err != nil {
		return ""
	}
	return spec.key
}

// compileValue compiles one value of a matcher of kind m.kind.
func (c *compiler) compileValue(m *cmatcher, ms mods, v rule.Value) (cvalue, error) {
	text := valueText(v)
	if v.Kind == rule.Null {
		switch {
		case m.kind != kPattern:
			return cvalue{}, errors.New("null cannot be used with these modifiers")
		case ms.position != "" || len(ms.transforms) > 0 || ms.set["expand"] || m.all:
			return cvalue{}, errors.New("null takes no modifiers but neq")
		}
		return cvalue{null: true}, nil
	}
	switch m.kind {
	case kExists:
		switch {
		case v.Kind == rule.Bool:
			m.want = v.Bool
		case strings.EqualFold(text, "true"), strings.EqualFold(text, "false"):
			m.want = strings.EqualFold(text, "true")
		default:
			return cvalue{}, fmt.Errorf("exists takes true or false, not %q", text)
		}
		return cvalue{}, nil
	case kRegex:
		flags := ""
		for _, f := range []string{"i", "m", "s"} {
			if ms.set[f] {
				flags += f
			}
		}
		expr := text
		if flags != "" {
			expr = "(?" + flags + ")" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return cvalue{}, fmt.Errorf("re: %v", err)
		}
		cv := cvalue{re: re}
		cv.reLit, cv.reFold = requiredLiteral(expr)
		return cv, nil
	case kCIDR:
		p, err := netip.ParsePrefix(text)
		if err != nil {
			a, aerr := netip.ParseAddr(text)
			if aerr != nil {
				return cvalue{}, fmt.Errorf("cidr: %q is neither a CIDR nor an IP address", text)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		return cvalue{prefix: p.Masked()}, nil
	case kCompare, kTime:
		n, ok := numeric(text)
		if v.Kind == rule.Bool || !ok {
			return cvalue{}, fmt.Errorf("%q is not a number", text)
		}
		return cvalue{num: n, hasNum: true}, nil
	case kFieldref:
		toks := parseWildcards(text)
		name, ok := plain(toks)
		if !ok || name == "" {
			return cvalue{}, fmt.Errorf("fieldref takes a field name, not %q", text)
		}
		id, err := c.resolve(name)
		if err != nil {
			return cvalue{}, fmt.Errorf("fieldref %q: %v", name, err)
		}
		return cvalue{ref: id}, nil
	}
	return c.compileStrings(m, ms, v, text)
}

// compileStrings compiles a value matched as text: expand, then wildcards,
// then windash and the encodings in the order written, then the position
// modifiers around it. Encoded values are matched case-sensitively: their
// case is part of the encoding.
func (c *compiler) compileStrings(m *cmatcher, ms mods, v rule.Value, text string) (cvalue, error) {
	texts := []string{text}
	if ms.set["expand"] {
		var err error
		if texts, err = expandPlaceholders(text, c.e.opts.Placeholders); err != nil {
			return cvalue{}, err
		}
	}
	variants := make([][]token, 0, len(texts))
	for _, t := range texts {
		variants = append(variants, parseWildcards(t))
	}
	encoded := false
	for _, t := range ms.transforms {
		var next [][]token
		for _, toks := range variants {
			if t == "windash" {
				w, err := windash(toks)
				if err != nil {
					return cvalue{}, err
				}
				next = append(next, w...)
				continue
			}
			lit, ok := plain(toks)
			if !ok {
				return cvalue{}, fmt.Errorf("%s: %w", t, errWildcardEncode)
			}
			for _, enc := range encode(t, lit) {
				next = append(next, []token{{kind: tokLit, lit: enc}})
			}
			encoded = true
		}
		if len(next) > maxVariants {
			return cvalue{}, fmt.Errorf("%s: more than %d values", t, maxVariants)
		}
		variants = next
	}
	before, after := false, false
	switch ms.position {
	case "contains":
		before, after = true, true
	case "startswith":
		after = true
	case "endswith":
		before = true
	case "":
		before, after = m.kind == kKeyword, m.kind == kKeyword // a keyword occurs anywhere in a string
	}
	cv := cvalue{exact: true}
	for _, toks := range variants {
		p := compilePattern(wrap(toks, before, after), m.cased || encoded)
		cv.exact = cv.exact && p.op == patExact
		cv.pats = append(cv.pats, p)
	}
	transformed := ms.set["expand"] || len(ms.transforms) > 0
	if !transformed && len(variants) == 1 && cv.exact {
		lit, _ := plain(variants[0])
		if n, ok := numeric(lit); ok {
			cv.num, cv.hasNum = n, true
		} else if !strings.EqualFold(lit, "true") && !strings.EqualFold(lit, "false") && v.Kind == rule.String {
			// A plain string can select rules by operation: numbers and
			// booleans cannot, as they also equal JSON numbers and booleans.
			cv.key, cv.keyOK = fold(lit), true
		}
	}
	return cv, nil
}

// valueText is a value as Sigma compares it: the text as written, with
// numbers YAML spells in other bases written in decimal.
func valueText(v rule.Value) string {
	switch v.Kind {
	case rule.Number:
		if _, ok := numeric(v.Text); !ok {
			return strconv.FormatFloat(v.Num, 'f', -1, 64)
		}
	case rule.Bool:
		return strconv.FormatBool(v.Bool)
	}
	return v.Text
}

// numeric parses a finite decimal number.
func numeric(s string) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// compileCond compiles a condition; n is the number of searches.
func (c *compiler) compileCond(x rule.Expr, index map[string]int, n int) *cond {
	switch x := x.(type) {
	case *rule.And:
		return c.join(opAnd, c.compileCond(x.L, index, n), c.compileCond(x.R, index, n))
	case *rule.Or:
		return c.join(opOr, c.compileCond(x.L, index, n), c.compileCond(x.R, index, n))
	case *rule.Not:
		return &cond{op: opNot, kids: []*cond{c.compileCond(x.X, index, n)}}
	case *rule.Ref:
		i, ok := index[x.Name]
		if !ok {
			c.errorf(x.Pos, "condition names %q, which is not a search of this rule", x.Name)
			return &cond{op: opRef}
		}
		return &cond{op: opRef, ref: i}
	case *rule.Quant:
		q := &cond{op: opAtLeast}
		for _, name := range x.Names {
			i, ok := index[name]
			if !ok {
				c.errorf(x.Pos, "condition names %q, which is not a search of this rule", name)
				continue
			}
			q.kids = append(q.kids, &cond{op: opRef, ref: i})
		}
		switch {
		case len(x.Names) == 0:
			c.errorf(x.Pos, "%q matches no search", x.Pattern)
		case x.All:
			q.n = len(q.kids)
		case x.N < 1:
			c.errorf(x.Pos, "%d of %s: the count must be at least 1", x.N, x.Pattern)
		case x.N > len(x.Names):
			c.errorf(x.Pos, "%d of %s: only %d searches match", x.N, x.Pattern, len(x.Names))
		default:
			q.n = x.N
		}
		return q
	case nil:
		c.errorf(rule.Pos{}, "empty condition")
	default:
		c.errorf(x.Position(), "unsupported condition node %T", x)
	}
	return &cond{op: opRef}
}

// join builds an n-ary and/or, flattening nested ones of the same kind.
func (c *compiler) join(op condOp, l, r *cond) *cond {
	out := &cond{op: op}
	for _, k := range []*cond{l, r} {
		if k.op == op {
			out.kids = append(out.kids, k.kids...)
		} else {
			out.kids = append(out.kids, k)
		}
	}
	return out
}

// resolve returns the id of a field of the current rule's format.
func (c *compiler) resolve(name string) (int, error) {
	spec, err := c.spec(c.format, name)
	if err != nil {
		return 0, err
	}
	if id, ok := c.fieldIDs[spec.key]; ok {
		return id, nil
	}
	id := len(c.e.fields)
	for _, p := range spec.paths {
		spec.tops = append(spec.tops, c.topID(p[0]))
	}
	c.e.fields = append(c.e.fields, spec)
	c.fieldIDs[spec.key] = id
	return id, nil
}

// topID interns a top-level key: fields under one key (userIdentity.type,
// userIdentity.arn, …) share one lookup of it per event.
func (c *compiler) topID(key string) int32 {
	if id, ok := c.topIDs[key]; ok {
		return id
	}
	id := int32(len(c.e.topKeys))
	c.e.topKeys = append(c.e.topKeys, key)
	c.topIDs[key] = id
	return id
}

// spec resolves a field name of a format: a normalized field for Product
// (raw.PATH reads the records); else a mapping from Options, a built-in
// mapping, a prefix mapping, or a raw path under a known top-level key.
func (c *compiler) spec(format, name string) (*fieldSpec, error) {
	if name == "" {
		return nil, errors.New("empty field name")
	}
	if format == Product {
		if raw, ok := strings.CutPrefix(name, "raw."); ok {
			p, err := splitPath(raw)
			if err != nil {
				return nil, err
			}
			return newSpec(name, [][]string{p}, nil, false), nil
		}
		f := lookupNormField(name)
		if f == nil {
			return nil, fmt.Errorf("not a normalized field (known: %s; raw.PATH reads the provider record)", normFieldNames())
		}
		return newSpec(name, nil, f, false), nil
	}
	if paths, ok := c.e.opts.FieldMappings[format][name]; ok {
		return c.mapped(format, name, paths, "", false)
	}
	for _, mp := range builtinMappings {
		if mp.Format == format && mp.Field == name {
			return c.mapped(format, name, mp.Paths, mp.Event, mp.Last)
		}
	}
	for _, pm := range builtinPrefixes {
		if pm.Format != format {
			continue
		}
		if rest, ok := strings.CutPrefix(name, pm.Prefix); ok && rest != "" {
			if pm.SnakeToCamel {
				segs := strings.Split(rest, ".")
				for i := range segs {
					segs[i] = decode.Camel(segs[i])
				}
				rest = strings.Join(segs, ".")
			}
			return c.mapped(format, name, []string{pm.To + rest}, "", false)
		}
	}
	p, err := splitPath(name)
	if err != nil {
		return nil, err
	}
	if !knownRoot(format, p[0]) {
		return nil, fmt.Errorf("neither a field-mapping entry nor a path under a known top-level key of %s records (%s); see docs/field-mappings.md",
			format, strings.Join(rawRoots[format], ", "))
	}
	return newSpec(name, c.twins(format, p), nil, false), nil
}

// mapped builds the spec of a mapping entry. Paths may name a normalized
// field as "event:NAME".
func (c *compiler) mapped(format, name string, paths []string, norm string, last bool) (*fieldSpec, error) {
	var ps [][]string
	for _, s := range paths {
		if ev, ok := strings.CutPrefix(s, "event:"); ok {
			norm = ev
			continue
		}
		p, err := splitPath(s)
		if err != nil {
			return nil, fmt.Errorf("mapping to %q: %v", s, err)
		}
		ps = append(ps, c.twins(format, p)...)
	}
	var nf *normField
	if norm != "" {
		if nf = lookupNormField(norm); nf == nil {
			return nil, fmt.Errorf("mapping to unknown normalized field %q", norm)
		}
	}
	if len(ps) == 0 && nf == nil {
		return nil, errors.New("mapping has no path")
	}
	return newSpec(name, ps, nf, last), nil
}

// twins returns a path and, for formats written in two spellings, its
// camelCase or snake_case twin.
func (c *compiler) twins(format string, p []string) [][]string {
	if !twinCase[format] {
		return [][]string{p}
	}
	snake := make([]string, len(p))
	camel := make([]string, len(p))
	for i, s := range p {
		snake[i], camel[i] = camelToSnake(s), decode.Camel(s)
	}
	if slices.Equal(snake, camel) {
		return [][]string{snake}
	}
	return [][]string{snake, camel}
}

func splitPath(s string) ([]string, error) {
	p := strings.Split(s, ".")
	for _, seg := range p {
		if seg == "" {
			return nil, fmt.Errorf("empty segment in field path %q", s)
		}
	}
	return p, nil
}

func newSpec(name string, paths [][]string, norm *normField, last bool) *fieldSpec {
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(strings.Join(p, "\x00"))
		b.WriteByte('\x01')
	}
	if norm != nil {
		b.WriteString("event:" + norm.Name)
	}
	if last {
		b.WriteString("\x02last")
	}
	return &fieldSpec{key: b.String(), name: name, paths: paths, norm: norm, last: last}
}

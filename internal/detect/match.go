package detect

import (
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Matcher evaluates an engine's rules on one event at a time. It keeps
// scratch space between events, so that matching allocates nothing once
// warm. It is not safe for concurrent use: give each worker its own.
type Matcher struct {
	e    *Engine
	ev   *event.Event
	docs []*jsondoc.Value

	gen   uint32       // event counter: cache entries of other events are stale
	cache []cacheEntry // per field id
	tops  []topEntry   // per top-level key id: its member in the first record
	vals  []val        // values of the fields fetched for this event
	arena []byte       // folded texts and number texts of this event
	tmp   []byte       // fold of a value tested once (leaves, keywords)
	memo  []uint8      // per search of the rule being evaluated: 0 unknown, 1 true, 2 false
	cand  []uint64     // candidate rules of this event, one bit each
	// format is the group of the last event's format: a feed is mostly
	// one format, so the map is seldom consulted.
	format struct {
		name string
		g    *group
	}
	skip      []uint64 // rules never evaluated (Skip), one bit each
	deadIndex []bool   // per field index: every rule listed is skipped

	// Raw records parsed when an event carries Raw but no Docs.
	parsers []jsondoc.Parser
	parsed  []*jsondoc.Value

	kw     kwState // the keyword walk under way
	counts Counts
}

// Counts are what a Matcher has done, for benchmarks and metrics.
type Counts struct {
	Events     int64
	Candidates int64 // rules evaluated
	Hits       int64
}

// topEntry is a top-level member of the event's first record, looked up
// once per event (nil: absent).
type topEntry struct {
	gen uint32
	v   *jsondoc.Value
}

type cacheEntry struct {
	gen     uint32
	lo, hi  int32
	present bool
}

// val is one value of a field in an event. Strings point into the parsed
// record or the event: nothing is copied.
type val struct {
	kind   vkind
	folded bool
	b      bool
	s      string // string; number text
	fold   string // s folded, once computed
	n      float64
	t      time.Time
	obj    *jsondoc.Value // object
}

type vkind uint8

const (
	vString vkind = iota
	vNumber
	vBool
	vNull
	vObject
	vTime
)

// NewMatcher returns a Matcher for the engine.
func (e *Engine) NewMatcher() *Matcher {
	return &Matcher{
		e:     e,
		cache: make([]cacheEntry, len(e.fields)),
		tops:  make([]topEntry, len(e.topKeys)),
		memo:  make([]uint8, e.maxSearches),
		cand:  make([]uint64, (len(e.rules)+63)/64),
	}
}

// Skip leaves the rules skip picks out of every later match, as if they
// were not there: a caller that would drop their hits (findings below the
// minimum severity) saves their evaluation.
func (m *Matcher) Skip(skip func(*rule.Rule) bool) {
	m.skip = make([]uint64, len(m.cand))
	for i, r := range m.e.rules {
		if skip(r.rule) {
			m.skip[i>>6] |= 1 << (i & 63)
		}
	}
	// An index whose rules are all skipped need not be looked up.
	m.deadIndex = make([]bool, m.e.nIndexes)
	for _, g := range m.e.groups {
		for _, fi := range g.indexes {
			dead := true
			for _, rules := range fi.byKey {
				for _, r := range rules {
					dead = dead && m.skip[r>>6]&(1<<(r&63)) != 0
				}
			}
			m.deadIndex[fi.id] = dead
		}
	}
}

// Counts returns the matcher's counters.
func (m *Matcher) Counts() Counts { return m.counts }

// Match appends to hits the rules that match ev, in rule-id order. Raw
// fields are read from ev.Docs; an event without Docs but with Raw records
// has them parsed here.
func (m *Matcher) Match(ev *event.Event, hits []Hit) []Hit {
	m.begin(ev)
	defer m.end()
	e := m.e
	if ev.Format != m.format.name {
		m.format.name, m.format.g = ev.Format, e.groups[ev.Format]
	}
	if g := m.format.g; g != nil && ev.Format != Product {
		m.selectRules(g)
	}
	if g := e.product; g != nil {
		m.selectRules(g)
	}
	for w, word := range m.cand {
		m.cand[w] = 0
		if m.skip != nil {
			word &^= m.skip[w]
		}
		for word != 0 {
			i := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			r := e.rules[i]
			m.counts.Candidates++
			if m.evalRule(r) {
				m.counts.Hits++
				hits = append(hits, Hit{Rule: r.rule})
			}
		}
	}
	return hits
}

func (m *Matcher) begin(ev *event.Event) {
	m.counts.Events++
	m.gen++
	if m.gen == 0 { // wrapped: entries of old events could look current
		clear(m.cache)
		clear(m.tops)
		m.gen = 1
	}
	m.ev = ev
	m.vals = m.vals[:0]
	m.arena = m.arena[:0]
	m.docs = ev.Docs
	if len(ev.Docs) == 0 && len(ev.Raw) > 0 {
		m.docs = m.parseRaw(ev)
	}
}

func (m *Matcher) end() {
	m.ev, m.docs = nil, nil
	clear(m.parsed)
}

// parseRaw parses an event's raw records, one parser each (a parser's
// values die at its next parse). A record that does not parse is skipped.
func (m *Matcher) parseRaw(ev *event.Event) []*jsondoc.Value {
	for len(m.parsers) < len(ev.Raw) {
		m.parsers = append(m.parsers, jsondoc.Parser{})
	}
	m.parsed = m.parsed[:0]
	for i, raw := range ev.Raw {
		if v, err := m.parsers[i].ParseBytes(raw); err == nil {
			m.parsed = append(m.parsed, v)
		}
	}
	return m.parsed
}

// selectRules marks a group's candidate rules: the ones listed under the
// event's values of the indexed fields, and the ones that always run.
func (m *Matcher) selectRules(g *group) {
	for _, i := range g.always {
		m.cand[i>>6] |= 1 << (i & 63)
	}
	for _, fi := range g.indexes {
		if len(fi.byKey) == 0 || m.deadIndex != nil && m.deadIndex[fi.id] {
			continue
		}
		vals, _ := m.fetch(fi.field)
		for i := range vals {
			v := &vals[i]
			var rules []int32
			switch v.kind {
			case vString:
				var ok bool
				if rules, ok = fi.keys.lookup(v.s); !ok {
					rules = fi.byKey[m.folded(v)]
				}
			case vTime: // a normalized time equals a plain string by its text
				rules = fi.byKey[m.folded(v)]
			default: // numbers, booleans, null and objects never equal a plain string
				continue
			}
			for _, r := range rules {
				m.cand[r>>6] |= 1 << (r & 63)
			}
		}
	}
}

func (m *Matcher) evalRule(r *crule) bool {
	memo := m.memo[:len(r.searches)]
	clear(memo)
	return m.evalCond(r, r.cond)
}

func (m *Matcher) evalCond(r *crule, c *cond) bool {
	switch c.op {
	case opRef:
		return m.search(r, c.ref)
	case opAnd:
		for _, k := range c.kids {
			if !m.evalCond(r, k) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range c.kids {
			if m.evalCond(r, k) {
				return true
			}
		}
		return false
	case opNot:
		return !m.evalCond(r, c.kids[0])
	case opAtLeast:
		got, left := 0, len(c.kids)
		for _, k := range c.kids {
			left--
			if m.evalCond(r, k) {
				if got++; got >= c.n {
					return true
				}
			}
			if got+left < c.n {
				return false
			}
		}
		return got >= c.n
	}
	return false
}

// search evaluates a search once per event and rule.
func (m *Matcher) search(r *crule, i int) bool {
	switch m.memo[i] {
	case 1:
		return true
	case 2:
		return false
	}
	ok := m.evalSearch(&r.searches[i])
	m.memo[i] = 2
	if ok {
		m.memo[i] = 1
	}
	return ok
}

func (m *Matcher) evalSearch(s *csearch) bool {
	if s.keywords != nil {
		return m.keywords(s.keywords)
	}
	for _, ms := range s.maps {
		ok := true
		for _, fm := range ms {
			if !m.matches(fm) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// matches evaluates one field matcher.
func (m *Matcher) matches(fm *cmatcher) bool {
	vals, present := m.fetch(fm.field)
	if fm.kind == kExists {
		return present == fm.want
	}
	if fm.plain {
		return m.plainStrings(fm, vals)
	}
	if fm.neq {
		return hasValue(vals) && !m.combine(fm, vals, present)
	}
	return m.combine(fm, vals, present)
}

// plainStrings is combine for the commonest matcher: folded string
// patterns, no null, no neq. Strings are tested here; other values take the
// general path.
func (m *Matcher) plainStrings(fm *cmatcher, vals []val) bool {
	if !fm.all { // any value of the field against any value of the rule
		for j := range vals {
			v := &vals[j]
			if v.kind != vString {
				for i := range fm.values {
					if m.test(fm, &fm.values[i], v) {
						return true
					}
				}
				continue
			}
			if !v.folded && !fm.mayFit(len(v.s)) {
				continue // too long or too short for every pattern: no fold
			}
			f := m.folded(v)
			for i := range fm.values {
				pats := fm.values[i].pats
				for k := range pats {
					if pats[k].match(f) {
						return true
					}
				}
			}
		}
		return false
	}
	for i := range fm.values {
		if !m.testValue(fm, &fm.values[i], vals, true) {
			return false
		}
	}
	return true
}

// hasValue reports whether any value is not null.
func hasValue(vals []val) bool {
	for i := range vals {
		if vals[i].kind != vNull {
			return true
		}
	}
	return false
}

// combine ORs (or, with all, ANDs) the matcher's values over the field.
func (m *Matcher) combine(fm *cmatcher, vals []val, present bool) bool {
	for i := range fm.values {
		ok := m.testValue(fm, &fm.values[i], vals, present)
		if fm.all != ok {
			return ok
		}
	}
	return fm.all
}

// testValue reports whether one rule value matches the field: null when it
// is absent or null, else when any of the field's values matches.
func (m *Matcher) testValue(fm *cmatcher, cv *cvalue, vals []val, present bool) bool {
	if cv.null {
		return !present || (len(vals) > 0 && !hasValue(vals))
	}
	if fm.kind == kFieldref {
		return m.fieldref(fm, cv, vals)
	}
	for i := range vals {
		if m.test(fm, cv, &vals[i]) {
			return true
		}
	}
	return false
}

// test compares one field value with one rule value.
func (m *Matcher) test(fm *cmatcher, cv *cvalue, v *val) bool {
	switch v.kind {
	case vNull:
		return false
	case vObject:
		// A scalar never equals an object; a pattern or a regular
		// expression looks for a match among its leaves.
		if (fm.kind == kPattern && !cv.exact) || fm.kind == kRegex {
			return m.anyLeaf(fm, cv, v.obj)
		}
		return false
	}
	switch fm.kind {
	case kPattern:
		if v.kind == vNumber && cv.hasNum {
			return v.n == cv.num
		}
		return m.testPatterns(cv, v)
	case kRegex:
		switch {
		case cv.reLit == "":
		case cv.reFold && !strings.Contains(m.folded(v), cv.reLit) && isASCII(m.text(v)):
			// Lower-casing and the regexp's Unicode folding agree on ASCII.
			return false
		case !cv.reFold && !strings.Contains(m.text(v), cv.reLit):
			return false
		}
		return cv.re.MatchString(m.text(v))
	case kCompare:
		n, ok := m.number(v)
		return ok && compare(n, fm.op, cv.num)
	case kTime:
		t, ok := m.timeOf(v)
		return ok && compare(float64(timePartOf(t, fm.part)), fm.op, cv.num)
	case kCIDR:
		s := m.text(v)
		a, err := netip.ParseAddr(s)
		if err != nil {
			ap, err := netip.ParseAddrPort(s)
			if err != nil {
				return false
			}
			a = ap.Addr()
		}
		return cv.prefix.Contains(a.Unmap()) || cv.prefix.Contains(a)
	}
	return false
}

func (m *Matcher) testPatterns(cv *cvalue, v *val) bool {
	for i := range cv.pats {
		p := &cv.pats[i]
		var text string
		if p.cased {
			text = m.text(v)
		} else {
			text = m.folded(v)
		}
		if p.match(text) {
			return true
		}
	}
	return false
}

// anyLeaf tests the scalar leaves of an object or array one by one.
func (m *Matcher) anyLeaf(fm *cmatcher, cv *cvalue, v *jsondoc.Value) bool {
	switch v.Type() {
	case jsondoc.TypeObject:
		obj, _ := v.Object()
		found := false
		obj.Visit(func(_ []byte, c *jsondoc.Value) {
			found = found || m.anyLeaf(fm, cv, c)
		})
		return found
	case jsondoc.TypeArray:
		arr, _ := v.Array()
		for _, c := range arr {
			if m.anyLeaf(fm, cv, c) {
				return true
			}
		}
		return false
	case jsondoc.TypeNull:
		return false
	}
	var leaf val
	m.setScalar(&leaf, v)
	leaf.fold, leaf.folded = m.tmpFold(leaf.s), true
	return m.test(fm, cv, &leaf)
}

// keywords evaluates a keyword search: each value (any, or with all every
// one) must occur in a string of the event: for rules on raw records, a
// string value or an object key anywhere in them; for normalized rules, a
// string field. The event is walked once for all the values.
func (m *Matcher) keywords(fm *cmatcher) bool {
	if len(fm.values) > 64 { // beyond one word of found bits: a walk per value
		for i := range fm.values {
			ok := m.keywordWalk(fm, i, i+1)
			if fm.all != ok {
				return ok
			}
		}
		return fm.all
	}
	return m.keywordWalk(fm, 0, len(fm.values))
}

// keywordWalk looks for values [lo, hi) of a keyword matcher.
func (m *Matcher) keywordWalk(fm *cmatcher, lo, hi int) bool {
	m.kw = kwState{fm: fm, lo: lo, hi: hi, want: 1<<(hi-lo) - 1}
	if hi-lo == 64 {
		m.kw.want = ^uint64(0)
	}
	if fm.normalized {
		m.keywordEvent()
	} else {
		for _, d := range m.docs {
			if m.keywordRaw(d) {
				break
			}
		}
	}
	if fm.all {
		return m.kw.found == m.kw.want
	}
	return m.kw.found != 0
}

// kwState is the progress of a keyword walk.
type kwState struct {
	fm          *cmatcher
	lo, hi      int
	found, want uint64 // bit i: value lo+i found
}

// keywordString tests a string against the values not found yet and
// reports whether the walk can stop.
func (m *Matcher) keywordString(s string) bool {
	k := &m.kw
	v := val{kind: vString, s: s, fold: m.tmpFold(s), folded: true}
	for i := k.lo; i < k.hi; i++ {
		bit := uint64(1) << (i - k.lo)
		if k.found&bit == 0 && m.testPatterns(&k.fm.values[i], &v) {
			k.found |= bit
		}
	}
	if k.fm.all {
		return k.found == k.want
	}
	return k.found != 0
}

func (m *Matcher) keywordRaw(v *jsondoc.Value) bool {
	switch v.Type() {
	case jsondoc.TypeObject:
		obj, _ := v.Object()
		stop := false
		obj.Visit(func(k []byte, c *jsondoc.Value) {
			stop = stop || m.keywordString(b2s(k)) || m.keywordRaw(c)
		})
		return stop
	case jsondoc.TypeArray:
		arr, _ := v.Array()
		for _, c := range arr {
			if m.keywordRaw(c) {
				return true
			}
		}
	case jsondoc.TypeString:
		b, _ := v.StringBytes()
		return m.keywordString(b2s(b))
	}
	return false
}

// keywordEvent walks the normalized event's strings.
func (m *Matcher) keywordEvent() {
	e := m.ev
	a := &e.Actor
	for _, s := range [...]string{e.ID, string(e.Cloud), e.Format, e.Account, e.Region, e.Service, e.Operation,
		string(e.Action), string(e.Outcome), e.Error, a.ID, a.Name, a.Type, a.IP, a.UserAgent, a.SessionIssuer, a.Account} {
		if s != "" && m.keywordString(s) {
			return
		}
	}
	for i := range e.Resources {
		r := &e.Resources[i]
		for _, s := range [...]string{string(r.Role), string(r.Type), r.ID, r.Name, r.Account} {
			if s != "" && m.keywordString(s) {
				return
			}
		}
	}
	for _, sh := range e.Shares {
		if m.keywordString(sh.Target) || m.keywordString(sh.Kind) {
			return
		}
	}
	for _, in := range e.Ingress {
		if m.keywordString(in.Protocol) || m.keywordString(in.Source) {
			return
		}
	}
}

// fieldref compares the field with another field of the event: any pair
// of values, as equal, prefix, suffix or substring; numbers numerically.
func (m *Matcher) fieldref(fm *cmatcher, cv *cvalue, vals []val) bool {
	refs, _ := m.fetch(cv.ref)
	for i := range vals {
		a := &vals[i]
		if a.kind == vNull || a.kind == vObject {
			continue
		}
		for j := range refs {
			b := &refs[j]
			if b.kind == vNull || b.kind == vObject {
				continue
			}
			if fm.mode == refEq && a.kind == vNumber && b.kind == vNumber {
				if a.n == b.n {
					return true
				}
				continue
			}
			x, y := m.text(a), m.text(b)
			if !fm.cased {
				x, y = m.folded(a), m.folded(b)
			}
			var ok bool
			switch fm.mode {
			case refEq:
				ok = x == y
			case refPrefix:
				ok = strings.HasPrefix(x, y)
			case refSuffix:
				ok = strings.HasSuffix(x, y)
			case refContains:
				ok = strings.Contains(x, y)
			}
			if ok {
				return true
			}
		}
	}
	return false
}

func compare(n float64, op cmpOp, x float64) bool {
	switch op {
	case opLt:
		return n < x
	case opLte:
		return n <= x
	case opGt:
		return n > x
	case opGte:
		return n >= x
	}
	return n == x
}

func timePartOf(t time.Time, p timePart) int {
	switch p {
	case partMinute:
		return t.Minute()
	case partHour:
		return t.Hour()
	case partDay:
		return t.Day()
	case partWeek:
		_, w := t.ISOWeek()
		return w
	case partMonth:
		return int(t.Month())
	case partYear:
		return t.Year()
	}
	return -1
}

// fetch returns a field's values in this event, reading them once.
func (m *Matcher) fetch(id int) ([]val, bool) {
	if id < 0 {
		return nil, false
	}
	c := &m.cache[id]
	if c.gen == m.gen {
		return m.vals[c.lo:c.hi], c.present
	}
	f := m.e.fields[id]
	lo := len(m.vals)
	present := false
	if len(f.paths) > 0 {
		present = m.fetchRaw(f)
	}
	if !present && f.norm != nil {
		present = f.norm.get(m, m.ev)
	}
	*c = cacheEntry{gen: m.gen, lo: int32(lo), hi: int32(len(m.vals)), present: present}
	return m.vals[lo:], present
}

// fetchRaw reads a field from the records: the first record that has it
// wins (the last first for Last mappings), and within a record the first
// path present.
func (m *Matcher) fetchRaw(f *fieldSpec) bool {
	if len(m.docs) == 1 && len(f.paths) == 1 && f.tops != nil && m.docs[0].Type() == jsondoc.TypeObject {
		// The commonest case, one record and one path, without the loops.
		c := m.top(m.docs[0], f.tops[0], f.paths[0][0])
		return c != nil && m.collect(c, f.paths[0][1:])
	}
	n := len(m.docs)
	for k := range n {
		i := k
		if f.last {
			i = n - 1 - k
		}
		d := m.docs[i]
		for j, p := range f.paths {
			if i == 0 && f.tops != nil && d.Type() == jsondoc.TypeObject {
				// The first record's top-level members are shared by the
				// fields under them: look each up once.
				if c := m.top(d, f.tops[j], p[0]); c != nil && m.collect(c, p[1:]) {
					return true
				}
				continue
			}
			if m.collect(d, p) {
				return true
			}
		}
	}
	return false
}

// top returns member key (id in Engine.topKeys) of the first record d.
func (m *Matcher) top(d *jsondoc.Value, id int32, key string) *jsondoc.Value {
	t := &m.tops[id]
	if t.gen != m.gen {
		obj, _ := d.Object()
		*t = topEntry{gen: m.gen, v: obj.Get(key)}
	}
	return t.v
}

// collect appends the values at path under v, descending into arrays
// (any element), and reports whether the path exists.
func (m *Matcher) collect(v *jsondoc.Value, path []string) bool {
	for len(path) > 0 && v.Type() == jsondoc.TypeObject {
		obj, _ := v.Object()
		if v = obj.Get(path[0]); v == nil {
			return false
		}
		path = path[1:]
	}
	if len(path) == 0 {
		if s, ok := v.Str(); ok { // the commonest value, without addJSON's calls
			m.vals = append(m.vals, val{kind: vString, s: s})
			return true
		}
		m.addJSON(v)
		return true
	}
	if v.Type() != jsondoc.TypeArray {
		return false
	}
	arr, _ := v.Array()
	found := false
	for _, c := range arr {
		found = m.collect(c, path) || found
	}
	return found
}

// addJSON appends a JSON value; an array's elements are values of their own.
func (m *Matcher) addJSON(v *jsondoc.Value) {
	if v.Type() == jsondoc.TypeArray {
		arr, _ := v.Array()
		for _, c := range arr {
			m.addJSON(c)
		}
		return
	}
	m.vals = append(m.vals, val{})
	m.setScalar(&m.vals[len(m.vals)-1], v)
}

// setScalar fills x from a JSON value that is not an array.
func (m *Matcher) setScalar(x *val, v *jsondoc.Value) {
	switch v.Type() {
	case jsondoc.TypeString:
		b, _ := v.StringBytes()
		x.kind, x.s = vString, b2s(b)
	case jsondoc.TypeNumber:
		x.kind = vNumber
		x.n, _ = v.Float64()
		start := len(m.arena)
		m.arena = v.MarshalTo(m.arena)
		x.s = b2s(m.arena[start:])
	case jsondoc.TypeTrue:
		x.kind, x.b, x.s = vBool, true, "true"
	case jsondoc.TypeFalse:
		x.kind, x.b, x.s = vBool, false, "false"
	case jsondoc.TypeNull:
		x.kind = vNull
	case jsondoc.TypeObject:
		x.kind, x.obj = vObject, v
	}
}

// addString appends a normalized string value unless it is empty.
func (m *Matcher) addString(s string) bool {
	if s == "" {
		return false
	}
	m.vals = append(m.vals, val{kind: vString, s: s})
	return true
}

func (m *Matcher) addBool(b bool) {
	s := "false"
	if b {
		s = "true"
	}
	m.vals = append(m.vals, val{kind: vBool, b: b, s: s})
}

func (m *Matcher) addInt(n int) {
	start := len(m.arena)
	m.arena = strconv.AppendInt(m.arena, int64(n), 10)
	m.vals = append(m.vals, val{kind: vNumber, n: float64(n), s: b2s(m.arena[start:])})
}

func (m *Matcher) addTime(t time.Time) {
	m.vals = append(m.vals, val{kind: vTime, t: t})
}

// text returns a value as text: a string, a number as written, true or
// false, a time in RFC 3339.
func (m *Matcher) text(v *val) string {
	if v.kind == vTime && v.s == "" {
		start := len(m.arena)
		m.arena = v.t.AppendFormat(m.arena, time.RFC3339Nano)
		v.s = b2s(m.arena[start:])
	}
	return v.s
}

// folded returns a value's text folded, computing it once per event.
func (m *Matcher) folded(v *val) string {
	if !v.folded {
		s := m.text(v)
		v.fold = s
		if needsFold(s) {
			start := len(m.arena)
			m.arena = appendFold(m.arena, s)
			v.fold = b2s(m.arena[start:])
		}
		v.folded = true
	}
	return v.fold
}

// tmpFold folds a value tested once: the result is valid until the next call.
func (m *Matcher) tmpFold(s string) string {
	if !needsFold(s) {
		return s
	}
	m.tmp = appendFold(m.tmp[:0], s)
	return b2s(m.tmp)
}

// number returns a value as a number: a JSON number, or a string that
// holds one (ports are often written as strings).
func (m *Matcher) number(v *val) (float64, bool) {
	switch v.kind {
	case vNumber:
		return v.n, true
	case vString:
		return numeric(strings.TrimSpace(v.s))
	}
	return 0, false
}

// timeOf reads a value as a time: a timestamp string, or a number of
// seconds (or milliseconds) since the epoch. No zone is converted.
func (m *Matcher) timeOf(v *val) (time.Time, bool) {
	switch v.kind {
	case vTime:
		return v.t, true
	case vString:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, v.s); err == nil {
				return t, true
			}
		}
	case vNumber:
		n := v.n
		if n > 1e11 || n < -1e11 { // milliseconds
			return time.UnixMilli(int64(n)).UTC(), true
		}
		return time.Unix(int64(n), 0).UTC(), true
	}
	return time.Time{}, false
}

// b2s views bytes as a string without copying. The bytes must not change
// while the string is used: they belong to a parsed record or to scratch
// that is only appended to during one event.
func b2s(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

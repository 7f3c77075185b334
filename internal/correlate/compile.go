package correlate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Defaults of Options.
const (
	DefaultMaxGroups = 100_000
	DefaultMaxWindow = 10_000
	DefaultMaxEvents = 100
)

// maxCombos bounds the groups one event joins when group-by fields have
// several values (a list field such as resources.id).
const maxCombos = 16

// Options bound the engine's state. Zero values mean the defaults.
type Options struct {
	// MaxGroups bounds the windows (one per correlation and group) open
	// at once; past it, the window closest to expiry is dropped (an open
	// finding gets its last revision first) and counted in Stats.Evicted.
	MaxGroups int
	// MaxWindow bounds the events one window keeps; past it the oldest go,
	// counted in Stats.Truncated. A rule whose threshold needs more gets
	// what it needs.
	MaxWindow int
	// MaxEvents bounds the events a finding lists; its summary counts them
	// all.
	MaxEvents int
}

// corr is a compiled correlation rule.
type corr struct {
	rule     *rule.Rule
	c        *rule.Correlation
	idx      int
	refs     []ref
	groupBy  []string
	cond     *rule.CorrelationCondition // the rule's, or "all rules" for temporal types
	rarity   bool                       // value_percentile without a percentile: each value's share
	rising   bool                       // evaluated on every event over a sliding window
	emit     bool                       // reports its own findings
	outs     []use                      // correlations that reference this one
	info     finding.RuleInfo
	summary  map[string]string
	maxWin   int
	resolved bool
}

// ref is one referenced rule of a correlation.
type ref struct {
	rule  *rule.Rule
	inner *corr // a referenced correlation; nil for a detection rule
	// For a detection rule: how to read each group-by field and the
	// condition's field from its events.
	group    []detect.FieldReader
	value    detect.FieldReader
	hasValue bool
	// For a correlation: where each group-by field and the condition's
	// field sit in its group (-1: not there).
	innerGroup []int
	innerValue int
}

// use is a reference to a rule: correlation c, at index ref of its rules.
type use struct {
	c   *corr
	ref int
}

// program is what Compile builds: immutable, shared by Fresh engines.
type program struct {
	opts     Options
	corrs    []*corr
	byID     map[string]*corr
	bases    map[*rule.Rule][]use // detection rules → their correlations
	used     map[*rule.Rule][]use // any referenced rule → its correlations
	generate map[*rule.Rule]bool
}

// Compile builds the engine for the correlation rules among rs, resolving
// their rules: references (ids or names) against the rules in rs and
// reading group-by and condition fields of detection rules' events through
// det, as those rules' own matchers read them. A correlation may reference
// other correlations (Sigma's chaining), but not in a cycle. The list has
// one error per problem, at its position; a correlation with an error, or
// one referencing such a correlation, is left out. Rules other than
// correlations are not compiled here, only referenced.
func Compile(rs []*rule.Rule, det *detect.Engine, opts Options) (*Engine, rule.ErrorList) {
	opts.MaxGroups = cmp.Or(opts.MaxGroups, DefaultMaxGroups)
	opts.MaxWindow = cmp.Or(opts.MaxWindow, DefaultMaxWindow)
	opts.MaxEvents = cmp.Or(opts.MaxEvents, DefaultMaxEvents)
	c := &compiler{
		p:      &program{opts: opts, byID: map[string]*corr{}, bases: map[*rule.Rule][]use{}, used: map[*rule.Rule][]use{}, generate: map[*rule.Rule]bool{}},
		det:    det,
		byID:   map[string]*rule.Rule{},
		byName: map[string]*rule.Rule{},
		active: map[*rule.Rule]bool{},
		corrs:  map[*rule.Rule]*corr{},
	}
	if det != nil {
		for _, r := range det.Rules() {
			c.active[r] = true
		}
	}
	for _, r := range rs {
		if r == nil {
			continue
		}
		if _, dup := c.byID[r.ID]; !dup && r.ID != "" {
			c.byID[r.ID] = r
		}
		if _, dup := c.byName[r.Name]; !dup && r.Name != "" {
			c.byName[r.Name] = r
		}
		if r.Kind == rule.KindCorrelation && r.Correlation != nil {
			x := &corr{rule: r, c: r.Correlation}
			c.corrs[r] = x
			c.order = append(c.order, x)
		}
	}
	for _, x := range c.order {
		c.resolve(x, nil)
	}
	c.link()
	c.errs.Sort()
	return &Engine{p: c.p}, c.errs
}

type compiler struct {
	p      *program
	det    *detect.Engine
	errs   rule.ErrorList
	byID   map[string]*rule.Rule
	byName map[string]*rule.Rule
	active map[*rule.Rule]bool
	corrs  map[*rule.Rule]*corr
	order  []*corr
	failed map[*corr]bool
}

func (c *compiler) errorf(x *corr, pos rule.Pos, format string, args ...any) {
	if pos.Line == 0 {
		pos = x.rule.Pos
	}
	c.errs.Add(rule.Errorf(pos, x.rule.ID, format, args...))
	if c.failed == nil {
		c.failed = map[*corr]bool{}
	}
	c.failed[x] = true
}

// lookup finds a referenced rule by id, else by name.
func (c *compiler) lookup(name string) *rule.Rule {
	if r, ok := c.byID[name]; ok {
		return r
	}
	return c.byName[name]
}

// resolve compiles correlation x after the correlations it references;
// path holds the correlations being resolved, to find cycles.
func (c *compiler) resolve(x *corr, path []*corr) {
	if x.resolved {
		return
	}
	if i := slices.Index(path, x); i >= 0 {
		names := make([]string, 0, len(path)-i+1)
		for _, y := range path[i:] {
			names = append(names, y.rule.ID)
		}
		names = append(names, x.rule.ID)
		c.errorf(x, x.c.Pos, "correlations reference each other in a cycle: %s", strings.Join(names, " → "))
		x.resolved = true
		return
	}
	path = append(path, x)
	cr := x.c
	if len(cr.Rules) > 64 {
		c.errorf(x, cr.Pos, "a correlation references at most 64 rules, not %d", len(cr.Rules))
	}
	x.groupBy = make([]string, len(cr.GroupBy))
	for i, g := range cr.GroupBy {
		x.groupBy[i] = g.Name
	}
	seen := map[*rule.Rule]string{}
	for _, rf := range cr.Rules {
		r := c.lookup(rf.Name)
		if first, dup := seen[r]; dup && r != nil {
			c.errorf(x, rf.Pos, "rule %q is the rule %q names: a rule is referenced once", rf.Name, first)
			continue
		}
		seen[r] = rf.Name
		switch {
		case r == nil:
			c.errorf(x, rf.Pos, "rule %q is unknown: no loaded rule has this id or name", rf.Name)
			continue
		case r == x.rule:
			c.errorf(x, rf.Pos, "a correlation cannot reference itself")
			continue
		case r.Kind == rule.KindCorrelation && c.corrs[r] == nil:
			c.errorf(x, rf.Pos, "rule %q is a correlation rule without a correlation block", rf.Name)
			continue
		case r.Kind == rule.KindCorrelation:
			inner := c.corrs[r]
			c.resolve(inner, path)
			if c.failed[inner] {
				c.errorf(x, rf.Pos, "rule %q did not compile", rf.Name)
				continue
			}
			x.refs = append(x.refs, c.innerRef(x, r, inner))
		case r.Kind != "" && r.Kind != rule.KindDetection:
			c.errorf(x, rf.Pos, "rule %q is a %s rule: a correlation references detection or correlation rules", rf.Name, r.Kind)
			continue
		case !c.active[r]:
			c.errorf(x, rf.Pos, "rule %q is not active: its log source is not read, or it did not compile", rf.Name)
			continue
		default:
			x.refs = append(x.refs, c.detectionRef(x, r))
		}
	}
	c.checkAliases(x)
	c.condition(x)
	c.finish(x)
	x.resolved = true
}

// fieldFor is the field name a group-by or condition name stands for in
// rule r's events: the alias's field for r, else the name itself.
func (c *compiler) fieldFor(x *corr, r *rule.Rule, name string, pos rule.Pos) (string, bool) {
	a := x.c.Alias(name)
	if a == nil {
		return name, true
	}
	for _, af := range a.Fields {
		if af.Rule == r.ID || (r.Name != "" && af.Rule == r.Name) {
			return af.Field, true
		}
	}
	c.errorf(x, pos, "alias %q gives no field for rule %q", name, cmp.Or(r.Name, r.ID))
	return "", false
}

// detectionRef resolves a detection rule's group-by and value fields.
func (c *compiler) detectionRef(x *corr, r *rule.Rule) ref {
	rf := ref{rule: r, innerValue: -1}
	read := func(name string, pos rule.Pos) detect.FieldReader {
		field, ok := c.fieldFor(x, r, name, pos)
		if !ok {
			return detect.FieldReader{}
		}
		fr, err := c.det.FieldReader(r, field)
		if err != nil {
			c.errorf(x, pos, "field %q of rule %q: %v", field, cmp.Or(r.Name, r.ID), err)
		}
		return fr
	}
	for _, g := range x.c.GroupBy {
		rf.group = append(rf.group, read(g.Name, g.Pos))
	}
	if cond := x.c.Condition; cond != nil && cond.Field.Name != "" {
		rf.value, rf.hasValue = read(cond.Field.Name, cond.Field.Pos), true
	}
	return rf
}

// innerRef maps group-by and value fields onto a referenced correlation's
// group: those are the only values its findings carry.
func (c *compiler) innerRef(x *corr, r *rule.Rule, inner *corr) ref {
	rf := ref{rule: r, inner: inner, innerValue: -1}
	find := func(name string, pos rule.Pos) int {
		field, ok := c.fieldFor(x, r, name, pos)
		if !ok {
			return -1
		}
		i := slices.Index(inner.groupBy, field)
		if i < 0 {
			c.errorf(x, pos, "field %q: correlation %q does not group by it (it groups by %s), so its findings do not carry it",
				field, cmp.Or(r.Name, r.ID), quoteList(inner.groupBy))
		}
		return i
	}
	for _, g := range x.c.GroupBy {
		rf.innerGroup = append(rf.innerGroup, find(g.Name, g.Pos))
	}
	if cond := x.c.Condition; cond != nil && cond.Field.Name != "" {
		rf.innerValue, rf.hasValue = find(cond.Field.Name, cond.Field.Pos), true
	}
	return rf
}

// checkAliases rejects aliases naming rules the correlation does not
// reference.
func (c *compiler) checkAliases(x *corr) {
	for _, a := range x.c.Aliases {
		for _, af := range a.Fields {
			known := slices.ContainsFunc(x.c.Rules, func(rf rule.CorrelationRef) bool {
				r := c.lookup(rf.Name)
				return rf.Name == af.Rule || (r != nil && (r.ID == af.Rule || (r.Name != "" && r.Name == af.Rule)))
			})
			if !known {
				c.errorf(x, af.Pos, "alias %q names rule %q, which the correlation does not reference", a.Name, af.Rule)
			}
		}
	}
}

// condition settles how the correlation is evaluated.
func (c *compiler) condition(x *corr) {
	cr := x.c
	x.cond = cr.Condition
	if x.cond == nil {
		// Temporal types without a condition: every rule must match.
		n := float64(len(cr.Rules))
		x.cond = &rule.CorrelationCondition{Pos: cr.Pos, Criteria: []rule.Criterion{{Pos: cr.Pos, Op: rule.OpGte, Value: n, Text: fmt.Sprint(len(cr.Rules))}}}
	}
	x.rarity = cr.Type == rule.ValuePercentile && !x.cond.HasPercentile
	switch cr.Type {
	case rule.EventCount, rule.ValueCount, rule.Temporal, rule.TemporalOrdered, rule.ValueSum:
		x.rising = x.cond.Rising()
	}
	x.maxWin = c.p.opts.MaxWindow
	if cr.Type == rule.EventCount || cr.Type == rule.ValueCount {
		// A window must be able to hold the count the condition asks for.
		for _, k := range x.cond.Criteria {
			if need := int(min(k.Value, 1e7)) + 1; need > x.maxWin {
				x.maxWin = need
			}
		}
	}
}

// finish fills what findings need: severity, techniques, summaries.
func (c *compiler) finish(x *corr) {
	r := x.rule
	sev, err := finding.FromSigmaLevel(r.Level)
	if err != nil {
		sev = finding.Medium
	}
	attack := finding.AttackIDs(r.Tags)
	if len(attack) == 0 {
		// Inherit the techniques of the rules it correlates.
		for _, rf := range x.refs {
			ids := finding.AttackIDs(rf.rule.Tags)
			if rf.inner != nil {
				ids = rf.inner.info.Attack
			}
			for _, id := range ids {
				if !slices.Contains(attack, id) {
					attack = append(attack, id)
				}
			}
		}
	}
	x.info = finding.RuleInfo{ID: r.ID, Title: r.Title, Kind: finding.KindCorrelation, Severity: sev, Attack: attack}
	x.summary = defaultSummary(x)
	for lang, tmpl := range r.Summary {
		if bad := unknownPlaceholders(tmpl, x.groupBy); len(bad) > 0 {
			c.errorf(x, r.Pos, "summary %s: unknown placeholders %s (known: %s and the group-by fields)", lang, quoteList(bad), strings.Join(placeholders, ", "))
		}
		x.summary[lang] = tmpl
	}
}

// link indexes the compiled correlations and records who uses whom.
func (c *compiler) link() {
	p := c.p
	for _, x := range c.order {
		if c.failed[x] {
			continue
		}
		x.idx = len(p.corrs)
		p.corrs = append(p.corrs, x)
		p.byID[x.rule.ID] = x
		for k, rf := range x.refs {
			u := use{c: x, ref: k}
			p.used[rf.rule] = append(p.used[rf.rule], u)
			if rf.inner != nil {
				rf.inner.outs = append(rf.inner.outs, u)
			} else {
				p.bases[rf.rule] = append(p.bases[rf.rule], u)
			}
			if x.c.Generate {
				p.generate[rf.rule] = true
			}
		}
	}
	for _, x := range p.corrs {
		x.emit = len(p.used[x.rule]) == 0 || p.generate[x.rule]
	}
}

func quoteList(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

package rule

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Correlation is a Sigma correlation rule's correlation block
// (specification v2.1): it counts, sums or orders the events of other
// rules per group within a time span. It is data; internal/correlate
// evaluates it.
//
//	correlation:
//	  type: event_count            # or value_count, temporal, temporal_ordered,
//	                               # value_sum, value_avg, value_percentile
//	  rules: [copy_operation]      # ids or names of detection (or correlation) rules
//	  aliases:                     # one field under different names per rule
//	    principal: {copy_operation: actor.id, other_rule: userIdentity.arn}
//	  group-by: [principal, account]
//	  timespan: 10m                # a number and s, m, h or d
//	  condition: {gte: 20}         # gt, gte, lt, lte, eq, neq (AND-ed);
//	                               # field for the value_* types; percentile
//	                               # for value_percentile
//	generate: false                # do the referenced rules also report alone?
type Correlation struct {
	Pos     Pos
	Type    CorrelationType
	TypePos Pos
	Rules   []CorrelationRef
	Aliases []Alias
	GroupBy []CorrelationField
	// Timespan is the window; TimespanText is as written.
	Timespan     time.Duration
	TimespanText string
	TimespanPos  Pos
	// Condition is nil for a temporal type that states none: every
	// referenced rule must match.
	Condition *CorrelationCondition
	// Generate keeps the referenced rules' own findings (Sigma's generate;
	// false by default: a rule a correlation uses reports only through it).
	// Sigma places it beside correlation; inside the block is accepted too.
	Generate bool
	// Tests are event sequences the correlation must, or must not, report
	// (snapwarden extension).
	Tests []CorrelationTest
}

// CorrelationType is the type of a correlation.
type CorrelationType string

// The correlation types of Sigma v2.1.
const (
	EventCount      CorrelationType = "event_count"
	ValueCount      CorrelationType = "value_count"
	Temporal        CorrelationType = "temporal"
	TemporalOrdered CorrelationType = "temporal_ordered"
	ValueSum        CorrelationType = "value_sum"
	ValueAvg        CorrelationType = "value_avg"
	ValuePercentile CorrelationType = "value_percentile"
)

// CorrelationTypes lists every type, in the specification's order.
var CorrelationTypes = []CorrelationType{EventCount, ValueCount, Temporal, TemporalOrdered, ValueSum, ValueAvg, ValuePercentile}

// IsTemporal reports whether the type is temporal or temporal_ordered,
// whose condition counts distinct rules and is optional.
func (t CorrelationType) IsTemporal() bool { return t == Temporal || t == TemporalOrdered }

// NeedsField reports whether the condition must name the field whose
// values the type counts or aggregates (the value_* types).
func (t CorrelationType) NeedsField() bool {
	return t == ValueCount || t == ValueSum || t == ValueAvg || t == ValuePercentile
}

// CorrelationRef is one entry of rules: a rule id or name.
type CorrelationRef struct {
	Pos  Pos
	Name string
}

// CorrelationField is a field name (or alias) of group-by or condition.
type CorrelationField struct {
	Pos  Pos
	Name string
}

// Alias is one field under a different name in each referenced rule's
// events.
type Alias struct {
	Pos    Pos
	Name   string
	Fields []AliasField
}

// AliasField is the field an alias stands for in one rule's events.
type AliasField struct {
	Pos   Pos
	Rule  string // the rule's name (or id)
	Field string
}

// Alias returns the alias with the given name, or nil.
func (c *Correlation) Alias(name string) *Alias {
	for i := range c.Aliases {
		if c.Aliases[i].Name == name {
			return &c.Aliases[i]
		}
	}
	return nil
}

// CorrelationCondition says when a group's window matches: every criterion
// holds for its count, distinct-value count, sum, average or percentile.
type CorrelationCondition struct {
	Pos Pos
	// Field is the field (or alias) of the value_* types.
	Field CorrelationField
	// Percentile (0–100) selects the percentile value_percentile compares;
	// without it, value_percentile compares each value's share of the
	// window's events, in percent (the specification's example: a process
	// name under 1% of all).
	Percentile    float64
	HasPercentile bool
	Criteria      []Criterion
}

// Criterion is one comparison of a condition.
type Criterion struct {
	Pos   Pos
	Op    CompareOp
	Value float64
	Text  string // as written
}

// CompareOp is a condition's comparison.
type CompareOp string

const (
	OpGt  CompareOp = "gt"
	OpGte CompareOp = "gte"
	OpLt  CompareOp = "lt"
	OpLte CompareOp = "lte"
	OpEq  CompareOp = "eq"
	OpNeq CompareOp = "neq"
)

// CompareOps lists the comparisons a condition may use.
var CompareOps = []CompareOp{OpGt, OpGte, OpLt, OpLte, OpEq, OpNeq}

// Holds reports whether x satisfies the criterion.
func (c Criterion) Holds(x float64) bool {
	switch c.Op {
	case OpGt:
		return x > c.Value
	case OpGte:
		return x >= c.Value
	case OpLt:
		return x < c.Value
	case OpLte:
		return x <= c.Value
	case OpEq:
		return x == c.Value
	case OpNeq:
		return x != c.Value
	}
	return false
}

// Holds reports whether x satisfies every criterion.
func (c *CorrelationCondition) Holds(x float64) bool {
	for _, cr := range c.Criteria {
		if !cr.Holds(x) {
			return false
		}
	}
	return len(c.Criteria) > 0
}

// Rising reports whether the condition, once true, stays true as a window
// gains events: every criterion is gt or gte.
func (c *CorrelationCondition) Rising() bool {
	for _, cr := range c.Criteria {
		if cr.Op != OpGt && cr.Op != OpGte {
			return false
		}
	}
	return len(c.Criteria) > 0
}

// String writes the criteria as "gte 20 and lt 50".
func (c *CorrelationCondition) String() string {
	parts := make([]string, len(c.Criteria))
	for i, cr := range c.Criteria {
		parts[i] = string(cr.Op) + " " + cr.Text
	}
	return strings.Join(parts, " and ")
}

// CorrelationTest is a sequence of events (normalized events, hunt
// --events form, or raw records of a base rule's log source) and whether
// the correlation must report it.
type CorrelationTest struct {
	Pos    Pos
	Name   string
	Match  bool
	Events []TestEvent
}

// maxCorrelationRules bounds the rules a correlation references (the
// engine keeps a bit per rule).
const maxCorrelationRules = 64

// maxTimespan bounds a correlation window: the engine keeps its events.
const maxTimespan = 366 * 24 * time.Hour

// correlationKeys are the keys a correlation rule may have: Sigma's
// correlation-rule keys, the metadata detection rules also have, and
// snapwarden's summary and tests.
var correlationKeys = []string{
	"title", "id", "name", "related", "status", "description", "license", "author",
	"references", "date", "modified", "falsepositives", "level", "tags", "scope",
	"taxonomy", "fields", "correlation", "generate", "summary", "tests",
	"regression_tests_path", "simulation",
}

var correlationBlockKeys = []string{"type", "rules", "aliases", "group-by", "timespan", "condition", "generate"}

// correlationRule parses a document with a correlation block.
func (p *docParser) correlationRule(r *Rule, fields []field) *Rule {
	r.Kind = KindCorrelation
	var (
		seen        = map[string]*yaml.Node{}
		generate    *yaml.Node
		tests       *yaml.Node
		correlation *yaml.Node
	)
	for _, f := range fields {
		k := f.key.Value
		seen[k] = f.key
		if p.metadata(r, f) {
			continue
		}
		switch k {
		case "correlation":
			correlation = f.val
		case "generate":
			generate = f.val
		case "tests":
			tests = f.val
		case "regression_tests_path", "simulation":
		case "logsource", "detection":
			p.errorf(p.src.at(f.key), "a correlation rule has no %s: the rules it references have theirs", k)
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in a correlation rule%s", k, suggest(k, correlationKeys))
		}
	}
	c, generateSet := p.correlation(correlation)
	r.Correlation = c
	if generate != nil {
		if generateSet {
			p.errorf(p.src.at(seen["generate"]), "generate is given twice: beside correlation and inside it")
		}
		c.Generate = p.boolean(field{seen["generate"], generate})
	}
	if tests != nil {
		c.Tests = p.correlationTests(tests)
	}
	if seen["title"] == nil {
		p.errorf(r.Pos, "title is required")
	}
	if seen["id"] == nil {
		p.errorf(r.Pos, "id is required: give the rule a unique id (a UUID, as Sigma recommends)")
	}
	return r
}

// correlation parses the correlation block; generateSet tells whether it
// holds generate.
func (p *docParser) correlation(n *yaml.Node) (c *Correlation, generateSet bool) {
	c = &Correlation{Pos: p.src.at(deref(n))}
	fields, ok := p.mapping(n, "correlation")
	if !ok {
		return c, false
	}
	var condition *yaml.Node
	seen := map[string]bool{}
	for _, f := range fields {
		k := f.key.Value
		seen[k] = true
		switch k {
		case "type":
			c.TypePos = p.src.at(deref(f.val))
			s := p.str(f, true)
			if s == "" {
				continue
			}
			t := CorrelationType(s)
			if !slices.Contains(CorrelationTypes, t) {
				names := make([]string, len(CorrelationTypes))
				for i, x := range CorrelationTypes {
					names[i] = string(x)
				}
				p.errorf(c.TypePos, "unknown correlation type %q%s (want %s)", s, suggest(s, names), strings.Join(names, ", "))
				continue
			}
			c.Type = t
		case "rules":
			c.Rules = p.correlationRefs(f)
		case "aliases":
			c.Aliases = p.aliases(f.val)
		case "group-by":
			c.GroupBy = p.correlationFields(f)
		case "timespan":
			c.TimespanPos = p.src.at(deref(f.val))
			c.TimespanText = p.str(f, true)
			if c.TimespanText != "" {
				d, err := parseTimespan(c.TimespanText)
				if err != nil {
					p.errorf(c.TimespanPos, "timespan: %v", err)
				}
				c.Timespan = d
			}
		case "condition":
			condition = f.val
		case "generate":
			c.Generate, generateSet = p.boolean(f), true
		default:
			p.errorf(p.src.at(f.key), "unknown key %q in correlation%s", k, suggest(k, correlationBlockKeys))
		}
	}
	for _, k := range []string{"type", "rules", "timespan"} {
		if !seen[k] {
			p.errorf(c.Pos, "correlation.%s is required", k)
		}
	}
	switch {
	case condition != nil && c.Type != "":
		c.Condition = p.correlationCondition(condition, c.Type)
	case condition == nil && c.Type != "" && !c.Type.IsTemporal():
		p.errorf(c.Pos, "correlation.condition is required for type %s", c.Type)
	}
	return c, generateSet
}

// parseTimespan reads Sigma's time span: a positive whole number and s, m,
// h or d, lower-case.
func parseTimespan(s string) (time.Duration, error) {
	n := len(s)
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[n-1]]
	if unit == 0 || n < 2 {
		return 0, fmt.Errorf("%q is not a time span: write a number and s, m, h or d (90m, 1h, 7d)", s)
	}
	v, err := strconv.ParseUint(s[:n-1], 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time span: write a number and s, m, h or d (90m, 1h, 7d)", s)
	}
	if v == 0 {
		return 0, fmt.Errorf("time span %q must be positive", s)
	}
	if time.Duration(v) > maxTimespan/unit {
		return 0, fmt.Errorf("time span %q is longer than %d days", s, maxTimespan/(24*time.Hour))
	}
	return time.Duration(v) * unit, nil
}

// correlationRefs reads rules: a list of ids or names, or one.
func (p *docParser) correlationRefs(f field) []CorrelationRef {
	v := deref(f.val)
	items := []*yaml.Node{v}
	switch {
	case v.Kind == yaml.SequenceNode:
		items = v.Content
	case v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null":
		p.errorf(p.src.at(v), "correlation.rules must be a list of rule ids or names, not %s", describe(v))
		return nil
	}
	var out []CorrelationRef
	for _, it := range items {
		it = deref(it)
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" || strings.TrimSpace(it.Value) == "" {
			p.errorf(p.src.at(it), "correlation.rules must hold rule ids or names, not %s", describe(it))
			continue
		}
		ref := CorrelationRef{Pos: p.src.at(it), Name: it.Value}
		if i := slices.IndexFunc(out, func(x CorrelationRef) bool { return x.Name == ref.Name }); i >= 0 {
			p.errorf(ref.Pos, "rule %q is listed twice (first at line %d)", ref.Name, out[i].Pos.Line)
			continue
		}
		out = append(out, ref)
	}
	if len(out) == 0 && len(items) == 0 {
		p.errorf(p.src.at(v), "correlation.rules must name at least one rule")
	}
	if len(out) > maxCorrelationRules {
		p.errorf(p.src.at(v), "correlation.rules names %d rules; at most %d are allowed", len(out), maxCorrelationRules)
	}
	return out
}

// correlationFields reads group-by: a list of field names (or one).
func (p *docParser) correlationFields(f field) []CorrelationField {
	v := deref(f.val)
	items := []*yaml.Node{v}
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
		return nil
	case v.Kind == yaml.SequenceNode:
		items = v.Content
	case v.Kind != yaml.ScalarNode:
		p.errorf(p.src.at(v), "%s must be a list of field names, not %s", f.key.Value, describe(v))
		return nil
	}
	var out []CorrelationField
	for _, it := range items {
		if cf, ok := p.fieldName(it, f.key.Value); ok {
			if slices.ContainsFunc(out, func(x CorrelationField) bool { return x.Name == cf.Name }) {
				p.errorf(cf.Pos, "%s lists field %q twice", f.key.Value, cf.Name)
				continue
			}
			out = append(out, cf)
		}
	}
	return out
}

// fieldName reads one field name.
func (p *docParser) fieldName(n *yaml.Node, what string) (CorrelationField, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || strings.TrimSpace(n.Value) == "" {
		p.errorf(p.src.at(n), "%s must hold field names, not %s", what, describe(n))
		return CorrelationField{}, false
	}
	return CorrelationField{Pos: p.src.at(n), Name: n.Value}, true
}

// aliases reads {alias: {rule: field}}.
func (p *docParser) aliases(n *yaml.Node) []Alias {
	fields, ok := p.mapping(n, "correlation.aliases")
	if !ok {
		return nil
	}
	var out []Alias
	for _, f := range fields {
		a := Alias{Pos: p.src.at(f.key), Name: f.key.Value}
		if strings.TrimSpace(a.Name) == "" {
			p.errorf(a.Pos, "an alias needs a name")
			continue
		}
		what := fmt.Sprintf("alias %q", a.Name)
		entries, ok := p.mapping(f.val, what)
		if !ok {
			continue
		}
		for _, e := range entries {
			cf, ok := p.fieldName(e.val, what)
			if !ok {
				continue
			}
			a.Fields = append(a.Fields, AliasField{Pos: p.src.at(e.key), Rule: e.key.Value, Field: cf.Name})
		}
		if len(entries) == 0 {
			p.errorf(a.Pos, "%s maps no rule to a field", what)
		}
		out = append(out, a)
	}
	return out
}

var conditionKeys = []string{"gt", "gte", "lt", "lte", "eq", "neq", "field", "percentile"}

// correlationCondition reads the condition map of a correlation of type t.
func (p *docParser) correlationCondition(n *yaml.Node, t CorrelationType) *CorrelationCondition {
	c := &CorrelationCondition{Pos: p.src.at(deref(n))}
	fields, ok := p.mapping(n, "correlation.condition")
	if !ok {
		return c
	}
	hasField, compared := false, false
	for _, f := range fields {
		k := f.key.Value
		switch k {
		case "field":
			hasField = true
			if !t.NeedsField() {
				p.errorf(p.src.at(f.key), "condition.field applies only to the value_* types, not %s", t)
				continue
			}
			if v := deref(f.val); v.Kind == yaml.SequenceNode {
				p.errorf(p.src.at(v), "condition.field must name one field, not a list")
				continue
			}
			if cf, ok := p.fieldName(f.val, "condition.field"); ok {
				c.Field = cf
			}
		case "percentile":
			if t != ValuePercentile {
				p.errorf(p.src.at(f.key), "condition.percentile applies only to value_percentile, not %s", t)
				continue
			}
			x, _, ok := p.number(f)
			if ok && (x < 0 || x > 100) {
				p.errorf(p.src.at(f.val), "condition.percentile must be between 0 and 100, not %s", deref(f.val).Value)
				ok = false
			}
			c.Percentile, c.HasPercentile = x, ok
		default:
			op := CompareOp(k)
			if !slices.Contains(CompareOps, op) {
				p.errorf(p.src.at(f.key), "unknown key %q in correlation.condition%s (want %s)", k, suggest(k, conditionKeys), strings.Join(conditionKeys, ", "))
				continue
			}
			compared = true
			if x, text, ok := p.number(f); ok {
				c.Criteria = append(c.Criteria, Criterion{Pos: p.src.at(f.key), Op: op, Value: x, Text: text})
			}
		}
	}
	if !compared && len(fields) > 0 {
		p.errorf(c.Pos, "correlation.condition needs a comparison: gt, gte, lt, lte, eq or neq")
	} else if len(fields) == 0 {
		p.errorf(c.Pos, "correlation.condition is empty: give a comparison such as gte: 10")
	}
	if t.NeedsField() && !hasField {
		p.errorf(c.Pos, "correlation.condition.field is required for type %s: name the field whose values it %s", t, map[bool]string{true: "counts", false: "aggregates"}[t == ValueCount])
	}
	return c
}

// number reads a finite number.
func (p *docParser) number(f field) (float64, string, bool) {
	v := deref(f.val)
	if v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") {
		var x float64
		if err := v.Decode(&x); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
			return x, v.Value, true
		}
	}
	p.errorf(p.src.at(v), "%s must be a number, not %s", f.key.Value, describe(v))
	return 0, "", false
}

var correlationTestKeys = []string{"name", "match", "events"}

// correlationTests reads tests: a list of {name, match, events}.
func (p *docParser) correlationTests(n *yaml.Node) []CorrelationTest {
	v := deref(n)
	if v.Kind != yaml.SequenceNode {
		p.errorf(p.src.at(v), "a correlation rule's tests must be a list of {name, match, events}, not %s", describe(v))
		return nil
	}
	var out []CorrelationTest
	for _, it := range v.Content {
		t := CorrelationTest{Pos: p.src.at(deref(it)), Match: true}
		fields, ok := p.mapping(it, "a correlation test")
		if !ok {
			continue
		}
		for _, f := range fields {
			switch f.key.Value {
			case "name":
				t.Name = p.str(f, true)
			case "match":
				t.Match = p.boolean(f)
			case "events":
				t.Events = p.testEvents(f)
			default:
				p.errorf(p.src.at(f.key), "unknown key %q in a correlation test%s (want name, match, events)", f.key.Value, suggest(f.key.Value, correlationTestKeys))
			}
		}
		if t.Name == "" || len(t.Events) == 0 {
			p.errorf(t.Pos, "a correlation test needs a name and events")
		}
		out = append(out, t)
	}
	return out
}

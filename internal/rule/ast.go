// Package rule owns snapwarden's rule model: Sigma detection and correlation
// rules, and snapwarden's chain rules, as parsed from YAML, with the position
// of every element for error messages. It parses and validates; it does not
// evaluate (package detect compiles rules into matchers). It imports only
// the event vocabulary.
package rule

import "fmt"

// Pos is a place in a rule file. Line and Col are 1-based; zero means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Kind tells rule types apart.
type Kind string

const (
	KindDetection   Kind = "detection"
	KindCorrelation Kind = "correlation"
	KindChain       Kind = "chain"
)

// Rule is one Sigma rule document.
type Rule struct {
	Pos            Pos // of the document
	Kind           Kind
	ID             string
	Name           string // Sigma's optional unique name (referenced by correlations)
	Title          string
	Description    string
	Status         string
	Author         string
	Date, Modified string
	License        string
	Level          string // informational, low, medium, high, critical
	Taxonomy       string // Sigma's field-name taxonomy; empty means the default, sigma
	Tags           []string
	Scope          []string
	References     []string
	FalsePositives []string
	Fields         []string
	Related        []Related
	LogSource      LogSource
	Detection      Detection

	// snapwarden extensions (ignored by other Sigma tools).

	// Summary is a one-line text per language ("en", "ru") with {field}
	// placeholders filled from the matching event.
	Summary map[string]string
	// Tests are events the rule must and must not match.
	Tests *Tests
	// Chain is a chain rule's sequence (Kind is KindChain), and ChainTests
	// its test sequences.
	Chain      *Chain
	ChainTests []ChainTest
	// Correlation is a Sigma correlation rule's block (Kind is
	// KindCorrelation); such a rule has no log source or detection.
	Correlation *Correlation
}

// Related links to another rule.
type Related struct {
	ID   string
	Type string // derived, obsolete, merged, renamed, similar
}

// LogSource is the rule's logsource block.
type LogSource struct {
	Pos        Pos
	Product    string
	Service    string
	Category   string
	Definition string
}

// Detection is the rule's detection block: named searches and a condition.
type Detection struct {
	Pos      Pos
	Searches map[string]*Search
	// Condition is the parsed condition. Sigma allows a list of conditions,
	// meaning any of them: the parser joins such a list with Or.
	Condition Expr
	// ConditionText is the condition as written, for messages.
	ConditionText string
	Timeframe     string // legacy aggregation window (unsupported beyond parsing)
}

// Search is one named search identifier of a detection: a selection of field
// matchers, or a keyword search.
type Search struct {
	Pos  Pos
	Name string
	// Maps is a selection: the search matches when any map matches, and a
	// map matches when all of its field matchers match. A plain map is one
	// element; a list of maps gives several.
	Maps [][]*FieldMatcher
	// Keywords is a keyword search (a list of values, or a map entry with no
	// field such as `'|all'`): any (or, with the all modifier, every) value
	// must occur anywhere in the event.
	Keywords *FieldMatcher
}

// FieldMatcher is one `field|mod1|mod2: value(s)` entry.
type FieldMatcher struct {
	Pos       Pos
	Field     string   // empty for keyword searches
	Modifiers []string // in order, lower-cased, validated as known
	// Values are alternatives (any must match) unless the all modifier is
	// present. A YAML null is a Value of kind Null; an empty list is no value.
	Values []Value
}

// HasModifier reports whether m is among the matcher's modifiers.
func (f *FieldMatcher) HasModifier(m string) bool {
	for _, x := range f.Modifiers {
		if x == m {
			return true
		}
	}
	return false
}

// ValueKind is the YAML type of a value.
type ValueKind int

const (
	String ValueKind = iota
	Number
	Bool
	Null
)

// Value is one value of a field matcher, as written.
type Value struct {
	Pos  Pos
	Kind ValueKind
	// Text is the value as written in YAML (for numbers and booleans too):
	// Sigma compares a quoted 'true' with a JSON true and a quoted '42' with
	// the number 42, so the compiler needs the text.
	Text string
	Num  float64 // for Number
	Bool bool    // for Bool
}

// Expr is a node of a parsed condition.
type Expr interface {
	Position() Pos
}

// And is `L and R`.
type And struct {
	Pos  Pos
	L, R Expr
}

// Or is `L or R`.
type Or struct {
	Pos  Pos
	L, R Expr
}

// Not is `not X`.
type Not struct {
	Pos Pos
	X   Expr
}

// Ref names one search identifier.
type Ref struct {
	Pos  Pos
	Name string
}

// Quant is `1 of P`, `all of P`, `N of P`, where P is `them`, a search name or
// a pattern with * wildcards (sel_*).
type Quant struct {
	Pos     Pos
	All     bool // all of
	N       int  // N of (1 for "1 of"); unused when All
	Pattern string
	// Names are the search identifiers the pattern matched, resolved by the
	// parser against the detection (never empty in a valid rule).
	Names []string
}

func (e *And) Position() Pos   { return e.Pos }
func (e *Or) Position() Pos    { return e.Pos }
func (e *Not) Position() Pos   { return e.Pos }
func (e *Ref) Position() Pos   { return e.Pos }
func (e *Quant) Position() Pos { return e.Pos }

// Tests are a rule's own test events (snapwarden extension). Each event is a
// JSON object: for a cloud log source, a raw provider record; for product
// snapwarden, a normalized event (hunt --events form).
type Tests struct {
	Pos     Pos
	Match   []TestEvent
	NoMatch []TestEvent
}

// TestEvent is one test event as JSON text, with where it was written.
type TestEvent struct {
	Pos  Pos
	JSON string
}

// Modifiers lists every value modifier the Sigma specification v2.1
// defines; anything else is rejected.
var Modifiers = []string{
	"all", "startswith", "endswith", "contains", "exists", "cased", "neq",
	"windash", "re", "i", "m", "s",
	"base64", "base64offset", "utf16le", "utf16be", "utf16", "wide",
	"lt", "lte", "gt", "gte",
	"minute", "hour", "day", "week", "month", "year",
	"cidr", "expand", "fieldref",
}

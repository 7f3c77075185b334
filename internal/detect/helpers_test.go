package detect_test

import (
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Rules are built by hand here, as the parser would build them, so that
// these tests exercise the compiler alone. Every element gets a distinct
// line so that errors can be checked for their position.

var line int

func nextPos() rule.Pos {
	line++
	return rule.Pos{File: "test.yml", Line: line, Col: 5}
}

// num is a YAML number written as text (0x2A, 1e3).
type num struct {
	text string
	n    float64
}

// value converts a Go value as YAML would give it.
func value(x any) rule.Value {
	v := rule.Value{Pos: nextPos()}
	switch x := x.(type) {
	case nil:
		v.Kind = rule.Null
	case string:
		v.Kind, v.Text = rule.String, x
	case int:
		v.Kind, v.Num, v.Text = rule.Number, float64(x), strconv.Itoa(x)
	case float64:
		v.Kind, v.Num, v.Text = rule.Number, x, strconv.FormatFloat(x, 'f', -1, 64)
	case num:
		v.Kind, v.Num, v.Text = rule.Number, x.n, x.text
	case bool:
		v.Kind, v.Bool, v.Text = rule.Bool, x, strconv.FormatBool(x)
	default:
		panic("unsupported value type")
	}
	return v
}

// fm builds a field matcher from "field|mod|mod" and its values.
func fm(key string, vals ...any) *rule.FieldMatcher {
	parts := strings.Split(key, "|")
	m := &rule.FieldMatcher{Pos: nextPos(), Field: parts[0], Modifiers: parts[1:]}
	for _, x := range vals {
		m.Values = append(m.Values, value(x))
	}
	return m
}

// sel is a selection of one map.
func sel(fms ...*rule.FieldMatcher) *rule.Search {
	return &rule.Search{Pos: nextPos(), Maps: [][]*rule.FieldMatcher{fms}}
}

// maps is a selection that is a list of maps.
func maps(ms ...[]*rule.FieldMatcher) *rule.Search {
	return &rule.Search{Pos: nextPos(), Maps: ms}
}

func all(fms ...*rule.FieldMatcher) []*rule.FieldMatcher { return fms }

// kw is a keyword search; mods is "" or "|all" and the like.
func kw(mods string, vals ...any) *rule.Search {
	m := fm(mods, vals...)
	return &rule.Search{Pos: nextPos(), Keywords: m}
}

// Conditions.

func ref(name string) rule.Expr    { return &rule.Ref{Pos: nextPos(), Name: name} }
func and(l, r rule.Expr) rule.Expr { return &rule.And{Pos: nextPos(), L: l, R: r} }
func or(l, r rule.Expr) rule.Expr  { return &rule.Or{Pos: nextPos(), L: l, R: r} }
func not(x rule.Expr) rule.Expr    { return &rule.Not{Pos: nextPos(), X: x} }

// of is `N of pattern` (n 0 means all of); names are resolved by mkRule.
func of(n int, pattern string) rule.Expr {
	return &rule.Quant{Pos: nextPos(), All: n == 0, N: n, Pattern: pattern}
}

// D is a detection's searches.
type D map[string]*rule.Search

// mkRule builds a rule; cond nil means the only search, or "selection".
func mkRule(id, product, service string, d D, cond rule.Expr) *rule.Rule {
	r := &rule.Rule{
		Pos: nextPos(), Kind: rule.KindDetection, ID: id, Title: id, Level: "medium",
		LogSource: rule.LogSource{Pos: nextPos(), Product: product, Service: service},
		Detection: rule.Detection{Pos: nextPos(), Searches: map[string]*rule.Search{}},
	}
	for name, s := range d {
		s.Name = name
		r.Detection.Searches[name] = s
	}
	if cond == nil {
		name := "selection"
		if len(d) == 1 {
			for n := range d {
				name = n
			}
		}
		cond = ref(name)
	}
	resolveQuants(cond, d)
	r.Detection.Condition = cond
	return r
}

// resolveQuants fills Quant.Names as the parser does: `them` is every
// search not starting with _, a pattern matches with * wildcards.
func resolveQuants(x rule.Expr, d D) {
	switch x := x.(type) {
	case *rule.And:
		resolveQuants(x.L, d)
		resolveQuants(x.R, d)
	case *rule.Or:
		resolveQuants(x.L, d)
		resolveQuants(x.R, d)
	case *rule.Not:
		resolveQuants(x.X, d)
	case *rule.Quant:
		for name := range d {
			ok := false
			if x.Pattern == "them" {
				ok = !strings.HasPrefix(name, "_")
			} else {
				ok, _ = path.Match(x.Pattern, name)
			}
			if ok {
				x.Names = append(x.Names, name)
			}
		}
		slices.Sort(x.Names)
	}
}

// Log sources.
var (
	awsCT    = [2]string{"aws", "cloudtrail"}
	azureAL  = [2]string{"azure", "activitylogs"}
	gcpAudit = [2]string{"gcp", "gcp.audit"}
	product  = [2]string{"snapwarden", ""}
)

var formatOf = map[[2]string]string{
	awsCT: "cloudtrail", azureAL: "azureactivity", gcpAudit: "gcpaudit", product: "snapwarden",
	{"vkcloud", ""}: "vkcloud", {"openstack", ""}: "openstack", {"yandex", ""}: "yandex",
}

// rawEvent builds an event of a format from raw records (JSON texts).
func rawEvent(tb testing.TB, format string, docs ...string) *event.Event {
	tb.Helper()
	ev := &event.Event{Format: format}
	for _, d := range docs {
		v, err := jsondoc.Parse(d) // a fresh parser per record keeps each alive
		if err != nil {
			tb.Fatalf("event %s: %v", d, err)
		}
		ev.Docs = append(ev.Docs, v)
		ev.Raw = append(ev.Raw, json.RawMessage(d))
	}
	return ev
}

// normEvent builds a normalized event from its JSON form.
func normEvent(tb testing.TB, js string) *event.Event {
	tb.Helper()
	var ev event.Event
	if err := json.Unmarshal([]byte(js), &ev); err != nil {
		tb.Fatalf("event %s: %v", js, err)
	}
	return &ev
}

// compile compiles rules, failing the test on any error.
func compile(tb testing.TB, opts detect.Options, rules ...*rule.Rule) *detect.Engine {
	tb.Helper()
	e, errs := detect.Compile(rules, opts)
	if len(errs) > 0 {
		tb.Fatalf("compile: %s", errs.Lines())
	}
	return e
}

// ids returns the ids of the rules hit.
func ids(hits []detect.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Rule.ID)
	}
	return out
}

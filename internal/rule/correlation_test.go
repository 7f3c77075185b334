package rule_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// TestParseCorrelation_valid parses each testdata/correlation/valid file
// and compares a dump of its rules, correlation blocks in full, with the
// file's .golden.
func TestParseCorrelation_valid(t *testing.T) {
	files, _ := filepath.Glob("testdata/correlation/valid/*.yml")
	if len(files) == 0 {
		t.Fatal("no testdata/correlation/valid files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rules, errs := rule.Parse(file, data)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors:\n%s", errs.Lines())
			}
			var b strings.Builder
			for _, r := range rules {
				checkRule(t, r)
				dumpCorrelationRule(&b, file, r)
			}
			compareGolden(t, strings.TrimSuffix(file, ".yml")+".golden", b.String())
		})
	}
}

// TestParseCorrelation_invalid parses each testdata/correlation/invalid
// file and compares its errors, one a line with file:line:col, with the
// file's .err.
func TestParseCorrelation_invalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/correlation/invalid/*.yml")
	if len(files) == 0 {
		t.Fatal("no testdata/correlation/invalid files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rules, errs := rule.Parse(file, data)
			if len(errs) == 0 {
				t.Fatalf("no error; parsed %d rule(s)", len(rules))
			}
			for _, e := range errs {
				if e.Pos.File != file || e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Errorf("error without file:line:col: %v", e)
				}
				if strings.Contains(e.Error(), "internal error") {
					t.Errorf("internal error: %v", e)
				}
			}
			compareGolden(t, strings.TrimSuffix(file, ".yml")+".err", errs.Lines())
		})
	}
}

// TestCorrelation_timespan: Sigma's time spans, strictly.
func TestCorrelation_timespan(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30s", 30 * time.Second, ""},
		{"90m", 90 * time.Minute, ""},
		{"1h", time.Hour, ""},
		{"7d", 7 * 24 * time.Hour, ""},
		{"366d", 366 * 24 * time.Hour, ""},
		{"367d", 0, "longer than 366 days"},
		{"0m", 0, "must be positive"},
		{"1H", 0, "not a time span"},
		{"1h30m", 0, "not a time span"},
		{"2w", 0, "not a time span"},
		{"m", 0, "not a time span"},
		{"-5m", 0, "not a time span"},
		{"+5m", 0, "not a time span"},
		{"1.5h", 0, "not a time span"},
		{"99999999999h", 0, "not a time span"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			doc := fmt.Sprintf("title: T\nid: t\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  timespan: %q\n", c.in)
			rules, errs := rule.Parse("t.yml", []byte(doc))
			if c.err != "" {
				if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.err) || errs[0].Pos.Line != 6 {
					t.Fatalf("want one error at line 6 containing %q, got:\n%s", c.err, errs.Lines())
				}
				return
			}
			if len(errs) > 0 || len(rules) != 1 {
				t.Fatalf("errors:\n%s", errs.Lines())
			}
			if got := rules[0].Correlation.Timespan; got != c.want {
				t.Errorf("timespan %v, want %v", got, c.want)
			}
		})
	}
}

// TestCriterion_Holds: each comparison, and a range AND-ed.
func TestCriterion_Holds(t *testing.T) {
	cases := []struct {
		op   rule.CompareOp
		v, x float64
		want bool
	}{
		{rule.OpGt, 5, 5, false}, {rule.OpGt, 5, 6, true},
		{rule.OpGte, 5, 5, true}, {rule.OpGte, 5, 4, false},
		{rule.OpLt, 5, 5, false}, {rule.OpLt, 5, 4, true},
		{rule.OpLte, 5, 5, true}, {rule.OpLte, 5, 6, false},
		{rule.OpEq, 5, 5, true}, {rule.OpEq, 5, 4, false},
		{rule.OpNeq, 5, 5, false}, {rule.OpNeq, 5, 4, true},
	}
	for _, c := range cases {
		if got := (rule.Criterion{Op: c.op, Value: c.v}).Holds(c.x); got != c.want {
			t.Errorf("%s %g on %g: %v, want %v", c.op, c.v, c.x, got, c.want)
		}
	}
	rng := &rule.CorrelationCondition{Criteria: []rule.Criterion{{Op: rule.OpGt, Value: 100}, {Op: rule.OpLte, Value: 200}}}
	for x, want := range map[float64]bool{100: false, 101: true, 200: true, 201: false} {
		if rng.Holds(x) != want {
			t.Errorf("range on %g: want %v", x, want)
		}
	}
	if rng.Rising() {
		t.Error("a range is not rising")
	}
	if !(&rule.CorrelationCondition{Criteria: []rule.Criterion{{Op: rule.OpGte, Value: 2}}}).Rising() {
		t.Error("gte is rising")
	}
	if (&rule.CorrelationCondition{}).Holds(1) {
		t.Error("a condition without criteria holds nothing")
	}
}

// TestLint_correlation: Lint loads correlation rules as active rules.
func TestLint_correlation(t *testing.T) {
	r := rule.Lint("testdata/correlation/valid")
	if len(r.Rejected) > 0 {
		t.Fatalf("rejected:\n%s", r.Errors().Lines())
	}
	n := 0
	for _, x := range r.Loaded {
		if x.Kind == rule.KindCorrelation {
			n++
			if _, active := x.Format(); !active {
				t.Errorf("%s: correlation rule is inactive", x.ID)
			}
		}
	}
	if n < 7 {
		t.Errorf("%d correlation rules loaded, want one of each type at least", n)
	}
	if len(r.Inactive) > 0 {
		t.Errorf("inactive rules: %d", len(r.Inactive))
	}
}

// FuzzParseCorrelation feeds correlation documents to Parse: no panic, no
// internal error, every error at file:line:col, every rule complete.
func FuzzParseCorrelation(f *testing.F) {
	for _, pattern := range []string{"testdata/correlation/valid/*.yml", "testdata/correlation/invalid/*.yml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, errs := rule.Parse("fuzz.yml", data)
		for _, e := range errs {
			if strings.Contains(e.Error(), "internal error") {
				t.Fatalf("internal error: %v", e)
			}
			if e.Pos.File != "fuzz.yml" || e.Pos.Line < 1 {
				t.Fatalf("error without file:line: %v", e)
			}
		}
		for _, r := range rules {
			checkRule(t, r)
		}
	})
}

// checkCorrelation fails the test for a parsed correlation rule that breaks
// the AST's promises.
func checkCorrelation(t *testing.T, r *rule.Rule) {
	t.Helper()
	c := r.Correlation
	if r.ID == "" || r.Title == "" || !slices.Contains(rule.Levels, r.Level) || c == nil {
		t.Fatalf("incomplete correlation rule: %+v", r)
	}
	if !slices.Contains(rule.CorrelationTypes, c.Type) {
		t.Fatalf("rule %q: type %q", r.ID, c.Type)
	}
	if len(c.Rules) == 0 || len(c.Rules) > 64 {
		t.Fatalf("rule %q: %d rules", r.ID, len(c.Rules))
	}
	if c.Timespan <= 0 || c.Timespan > 366*24*time.Hour {
		t.Fatalf("rule %q: timespan %v", r.ID, c.Timespan)
	}
	switch {
	case c.Condition == nil:
		if !c.Type.IsTemporal() {
			t.Fatalf("rule %q: no condition for %s", r.ID, c.Type)
		}
	case len(c.Condition.Criteria) == 0:
		t.Fatalf("rule %q: condition without criteria", r.ID)
	case c.Type.NeedsField() != (c.Condition.Field.Name != ""):
		t.Fatalf("rule %q: condition field %q for %s", r.ID, c.Condition.Field.Name, c.Type)
	}
	if r.Detection.Condition != nil || r.LogSource != (rule.LogSource{}) {
		t.Fatalf("rule %q: a correlation with a detection or log source", r.ID)
	}
	for _, ts := range c.Tests {
		if ts.Name == "" || len(ts.Events) == 0 {
			t.Fatalf("rule %q: empty test %+v", r.ID, ts)
		}
	}
}

// dumpCorrelationRule writes a rule as text: a detection rule as one line,
// a correlation rule in full, with line:col positions.
func dumpCorrelationRule(b *strings.Builder, file string, r *rule.Rule) {
	at := func(p rule.Pos) string {
		if p.File != file {
			return fmt.Sprintf("@%v(wrong file)", p)
		}
		return fmt.Sprintf("@%d:%d", p.Line, p.Col)
	}
	fmt.Fprintf(b, "rule %q name=%q %s kind=%s level=%s\n", r.ID, r.Name, at(r.Pos), r.Kind, r.Level)
	c := r.Correlation
	if c == nil {
		return
	}
	fmt.Fprintf(b, "  correlation %s type=%s%s timespan=%q(%v)%s generate=%v\n", at(c.Pos), c.Type, at(c.TypePos), c.TimespanText, c.Timespan, at(c.TimespanPos), c.Generate)
	for _, ref := range c.Rules {
		fmt.Fprintf(b, "    rule %q %s\n", ref.Name, at(ref.Pos))
	}
	for _, a := range c.Aliases {
		fmt.Fprintf(b, "    alias %q %s\n", a.Name, at(a.Pos))
		for _, af := range a.Fields {
			fmt.Fprintf(b, "      %q → %q %s\n", af.Rule, af.Field, at(af.Pos))
		}
	}
	for _, g := range c.GroupBy {
		fmt.Fprintf(b, "    group-by %q %s\n", g.Name, at(g.Pos))
	}
	if cond := c.Condition; cond != nil {
		fmt.Fprintf(b, "    condition %s %q", at(cond.Pos), cond.String())
		if cond.Field.Name != "" {
			fmt.Fprintf(b, " field=%q%s", cond.Field.Name, at(cond.Field.Pos))
		}
		if cond.HasPercentile {
			fmt.Fprintf(b, " percentile=%g", cond.Percentile)
		}
		b.WriteByte('\n')
		for _, cr := range cond.Criteria {
			fmt.Fprintf(b, "      %s %g %s\n", cr.Op, cr.Value, at(cr.Pos))
		}
	}
	for _, ts := range c.Tests {
		fmt.Fprintf(b, "    test %q match=%v %s: %d events\n", ts.Name, ts.Match, at(ts.Pos), len(ts.Events))
	}
	langs := make([]string, 0, len(r.Summary))
	for l := range r.Summary {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		fmt.Fprintf(b, "  summary %s %q\n", l, r.Summary[l])
	}
}

package rule_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// FuzzParseRule feeds arbitrary files to Parse: it must never panic or
// report an internal error, every error must carry file:line, and every rule
// it returns must be complete.
func FuzzParseRule(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.yml", "testdata/invalid/*.yml", "testdata/load/*/*.yml"} {
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

// checkRule fails the test for a parsed rule that breaks the AST's promises.
func checkRule(t *testing.T, r *rule.Rule) {
	t.Helper()
	if r.Kind == rule.KindCorrelation {
		checkCorrelation(t, r)
		return
	}
	if r.ID == "" || r.Title == "" || !slices.Contains(rule.Levels, r.Level) || r.Kind != rule.KindDetection {
		t.Fatalf("incomplete rule: %+v", r)
	}
	d := r.Detection
	if d.Condition == nil || len(d.Searches) == 0 {
		t.Fatalf("rule %q: no condition or search", r.ID)
	}
	for name, s := range d.Searches {
		if s.Name != name || (s.Keywords == nil) == (len(s.Maps) == 0) {
			t.Fatalf("rule %q: search %q has both or neither of maps and keywords", r.ID, name)
		}
		for _, m := range s.Maps {
			if len(m) == 0 {
				t.Fatalf("rule %q: search %q has an empty map", r.ID, name)
			}
			for _, fm := range m {
				checkModifiers(t, fm)
				if fm.Field == "" {
					t.Fatalf("rule %q: search %q: a map matcher without a field", r.ID, name)
				}
			}
		}
		if s.Keywords != nil {
			checkModifiers(t, s.Keywords)
		}
	}
	var walk func(rule.Expr)
	walk = func(e rule.Expr) {
		switch e := e.(type) {
		case *rule.And:
			walk(e.L)
			walk(e.R)
		case *rule.Or:
			walk(e.L)
			walk(e.R)
		case *rule.Not:
			walk(e.X)
		case *rule.Ref:
			if d.Searches[e.Name] == nil {
				t.Fatalf("rule %q: condition names unknown search %q", r.ID, e.Name)
			}
		case *rule.Quant:
			if len(e.Names) == 0 || (!e.All && (e.N < 1 || e.N > len(e.Names))) {
				t.Fatalf("rule %q: bad quantifier %+v", r.ID, e)
			}
			for _, n := range e.Names {
				if d.Searches[n] == nil {
					t.Fatalf("rule %q: quantifier names unknown search %q", r.ID, n)
				}
			}
		default:
			t.Fatalf("rule %q: unexpected node %T", r.ID, e)
		}
		if p := e.Position(); p.Line < 1 || p.Col < 1 {
			t.Fatalf("rule %q: condition node without a position: %v", r.ID, p)
		}
	}
	walk(d.Condition)
	if r.Tests != nil {
		for _, e := range append(slices.Clone(r.Tests.Match), r.Tests.NoMatch...) {
			if !json.Valid([]byte(e.JSON)) || !strings.HasPrefix(e.JSON, "{") {
				t.Fatalf("rule %q: test event is not a JSON object: %s", r.ID, e.JSON)
			}
		}
	}
}

func checkModifiers(t *testing.T, m *rule.FieldMatcher) {
	t.Helper()
	for _, x := range m.Modifiers {
		if !slices.Contains(rule.Modifiers, x) {
			t.Fatalf("matcher %q has modifier %q", m.Field, x)
		}
	}
}

// FuzzCondition feeds arbitrary conditions to ParseCondition: no panic, no
// internal error, errors inside the text, and sound trees.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"sel", "sel and not filter", "1 of sel_* and not 1 of filter*", "all of them",
		"(sel or kw) and not (filter)", "2 of sel*", "sel | count() > 5", "not not sel",
		"((sel)", "sel and", "1 of", "them", "выбор", "sel\tAND\nkw",
	} {
		f.Add(s)
	}
	names := []string{"sel", "sel_a", "sel_b", "filter", "filter_x", "kw", "_under"}
	f.Fuzz(func(t *testing.T, cond string) {
		e, err := rule.ParseCondition(cond, names)
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "internal error") {
				t.Fatalf("internal error: %v", err)
			}
			var re *rule.Error
			if !asError(err, &re) || re.Pos.Line != 1 || re.Pos.Col < 1 || re.Pos.Col > utf8.RuneCountInString(cond)+1 {
				t.Fatalf("error outside the condition: %v", err)
			}
			return
		}
		if e == nil || rule.ExprString(e) == "" {
			t.Fatalf("no expression for %q", cond)
		}
	})
}

func asError(err error, target **rule.Error) bool {
	e, ok := err.(*rule.Error)
	*target = e
	return ok
}

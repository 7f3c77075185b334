package rule_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
)

var update = flag.Bool("update", false, "rewrite the golden (.golden) and expected-error (.err) files")

// TestParse_valid parses each testdata/valid file and compares a dump of
// its rules, positions included, with the file's .golden.
func TestParse_valid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yml")
	if len(files) == 0 {
		t.Fatal("no testdata/valid files")
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
			if len(rules) == 0 {
				t.Fatal("no rule")
			}
			var b strings.Builder
			for _, r := range rules {
				dumpRule(&b, file, r)
			}
			compareGolden(t, strings.TrimSuffix(file, ".yml")+".golden", b.String())
		})
	}
}

// TestParse_invalid parses each testdata/invalid file and compares its
// errors, one a line with file:line:col, with the file's .err.
func TestParse_invalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yml")
	if len(files) == 0 {
		t.Fatal("no testdata/invalid files")
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
				if e.Pos.File != file || e.Pos.Line == 0 {
					t.Errorf("error without file:line: %v", e)
				}
				if strings.Contains(e.Error(), "internal error") {
					t.Errorf("internal error: %v", e)
				}
			}
			compareGolden(t, strings.TrimSuffix(file, ".yml")+".err", errs.Lines())
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// dumpRule writes a rule as text, one element a line with its line:col.
func dumpRule(b *strings.Builder, file string, r *rule.Rule) {
	at := func(p rule.Pos) string {
		if p.File != file {
			return fmt.Sprintf("@%v(wrong file)", p)
		}
		return fmt.Sprintf("@%d:%d", p.Line, p.Col)
	}
	format, active := r.Format()
	fmt.Fprintf(b, "rule %q %s kind=%s level=%s format=%q active=%v\n", r.ID, at(r.Pos), r.Kind, r.Level, format, active)
	meta := []struct{ k, v string }{
		{"title", r.Title}, {"name", r.Name}, {"status", r.Status}, {"description", r.Description},
		{"license", r.License}, {"author", r.Author}, {"date", r.Date}, {"modified", r.Modified},
		{"taxonomy", r.Taxonomy},
	}
	for _, m := range meta {
		if m.v != "" {
			fmt.Fprintf(b, "  %s %q\n", m.k, m.v)
		}
	}
	lists := []struct {
		k string
		v []string
	}{{"references", r.References}, {"falsepositives", r.FalsePositives}, {"fields", r.Fields}, {"tags", r.Tags}, {"scope", r.Scope}}
	for _, l := range lists {
		if len(l.v) > 0 {
			fmt.Fprintf(b, "  %s %q\n", l.k, l.v)
		}
	}
	for _, rel := range r.Related {
		fmt.Fprintf(b, "  related %s %s\n", rel.Type, rel.ID)
	}
	ls := r.LogSource
	fmt.Fprintf(b, "  logsource %s product=%q service=%q category=%q definition=%q\n", at(ls.Pos), ls.Product, ls.Service, ls.Category, ls.Definition)
	d := r.Detection
	fmt.Fprintf(b, "  detection %s\n", at(d.Pos))
	names := make([]string, 0, len(d.Searches))
	for n := range d.Searches {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		s := d.Searches[n]
		fmt.Fprintf(b, "    search %s %s\n", s.Name, at(s.Pos))
		for _, m := range s.Maps {
			b.WriteString("      map\n")
			for _, fm := range m {
				dumpMatcher(b, "        ", fm, at)
			}
		}
		if s.Keywords != nil {
			dumpMatcher(b, "      keywords ", s.Keywords, at)
		}
	}
	fmt.Fprintf(b, "    condition %q = %s\n", d.ConditionText, rule.ExprString(d.Condition))
	dumpExpr(b, "      ", d.Condition, at)
	if d.Timeframe != "" {
		fmt.Fprintf(b, "    timeframe %q\n", d.Timeframe)
	}
	langs := make([]string, 0, len(r.Summary))
	for l := range r.Summary {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		fmt.Fprintf(b, "  summary %s %q\n", l, r.Summary[l])
	}
	if r.Tests != nil {
		fmt.Fprintf(b, "  tests %s\n", at(r.Tests.Pos))
		for _, e := range r.Tests.Match {
			fmt.Fprintf(b, "    match %s %s\n", at(e.Pos), e.JSON)
		}
		for _, e := range r.Tests.NoMatch {
			fmt.Fprintf(b, "    nomatch %s %s\n", at(e.Pos), e.JSON)
		}
	}
}

var kindNames = map[rule.ValueKind]string{rule.String: "string", rule.Number: "number", rule.Bool: "bool", rule.Null: "null"}

func dumpMatcher(b *strings.Builder, indent string, m *rule.FieldMatcher, at func(rule.Pos) string) {
	fmt.Fprintf(b, "%sfield=%q mods=%v %s:", indent, m.Field, m.Modifiers, at(m.Pos))
	if len(m.Values) == 0 {
		b.WriteString(" (no value)")
	}
	for _, v := range m.Values {
		fmt.Fprintf(b, " %s(%q", kindNames[v.Kind], v.Text)
		switch v.Kind {
		case rule.Number:
			fmt.Fprintf(b, "=%g", v.Num)
		case rule.Bool:
			fmt.Fprintf(b, "=%v", v.Bool)
		}
		fmt.Fprintf(b, ")%s", at(v.Pos))
	}
	b.WriteByte('\n')
}

func dumpExpr(b *strings.Builder, indent string, e rule.Expr, at func(rule.Pos) string) {
	switch e := e.(type) {
	case *rule.And:
		fmt.Fprintf(b, "%sand %s\n", indent, at(e.Pos))
		dumpExpr(b, indent+"  ", e.L, at)
		dumpExpr(b, indent+"  ", e.R, at)
	case *rule.Or:
		fmt.Fprintf(b, "%sor %s\n", indent, at(e.Pos))
		dumpExpr(b, indent+"  ", e.L, at)
		dumpExpr(b, indent+"  ", e.R, at)
	case *rule.Not:
		fmt.Fprintf(b, "%snot %s\n", indent, at(e.Pos))
		dumpExpr(b, indent+"  ", e.X, at)
	case *rule.Ref:
		fmt.Fprintf(b, "%s%s %s\n", indent, e.Name, at(e.Pos))
	case *rule.Quant:
		fmt.Fprintf(b, "%s%s %s\n", indent, rule.ExprString(e), at(e.Pos))
	default:
		fmt.Fprintf(b, "%s%T\n", indent, e)
	}
}

// TestParse_aliasAmplification: aliases cannot make a small file expand
// into millions of matchers.
func TestParse_aliasAmplification(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: Amplified\nid: amp\nlogsource: {product: aws, service: cloudtrail}\nx: &m {")
	for i := range 1100 {
		fmt.Fprintf(&b, "f%d: v, ", i)
	}
	b.WriteString("}\ndetection:\n    selection: [")
	for range 1000 {
		b.WriteString("*m, ")
	}
	b.WriteString("]\n    condition: selection\n")
	rules, errs := rule.Parse("amp.yml", []byte(b.String()))
	if len(rules) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "amp.yml:1:1: rule \"amp\": the file expands to more than 1048576 YAML nodes") {
		t.Errorf("rules %d, errors:\n%s", len(rules), errs.Lines())
	}
}

package correlate_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// TestCompile_errors: references and fields that cannot be resolved are
// errors at their file:line:col; the correlation is left out, and so is one
// that references it.
func TestCompile_errors(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown rule", `
title: X
id: x
correlation:
    type: temporal
    rules: [copy, no_such_rule]
    timespan: 1h
`, []string{`rules.yml:5:19: rule "x": rule "no_such_rule" is unknown: no loaded rule has this id or name`}},
		{"itself", `
title: X
id: x
name: xx
correlation: {type: temporal, rules: [copy, xx], timespan: 1h}
`, []string{`rules.yml:4:45: rule "x": a correlation cannot reference itself`}},
		{"twice", `
title: X
id: x
correlation: {type: temporal, rules: [copy, base-copy], timespan: 1h}
`, []string{`rules.yml:3:45: rule "x": rule "base-copy" is the rule "copy" names: a rule is referenced once`}},
		{"cycle", `
title: X
id: x
name: xx
correlation: {type: temporal, rules: [copy, yy], timespan: 1h}
---
title: Y
id: y
name: yy
correlation: {type: temporal, rules: [share, xx], timespan: 1h}
`, []string{"correlations reference each other in a cycle: x → y → x", `rule "yy" did not compile`, `rule "xx" did not compile`}},
		{"inactive", `
title: Windows
id: win
name: win
logsource: {product: windows, category: process_creation}
detection: {s: {Image: x}, condition: s}
---
title: X
id: x
correlation: {type: temporal, rules: [copy, win], timespan: 1h}
`, []string{`rule "win" is not active`}},
		{"alias for an unreferenced rule", `
title: X
id: x
correlation:
    type: temporal
    rules: [copy, share]
    aliases:
        who: {copy: actor.id, share: actor.name, restore: actor.id}
    group-by: [who]
    timespan: 1h
`, []string{`rules.yml:7:50: rule "x": alias "who" names rule "restore", which the correlation does not reference`}},
		{"alias without a rule", `
title: X
id: x
correlation:
    type: temporal
    rules: [copy, share]
    aliases:
        who: {copy: actor.id}
    group-by: [who]
    timespan: 1h
`, []string{`rules.yml:8:16: rule "x": alias "who" gives no field for rule "share"`}},
		{"bad field", `
title: X
id: x
correlation:
    type: value_count
    rules: [copy, made]
    group-by: [actor.id]
    timespan: 1h
    condition: {field: userIdentity.arn, gte: 3}
`, []string{`rules.yml:8:24: rule "x": field "userIdentity.arn" of rule "copy": not a normalized field`}},
		{"inner correlation lacks the field", `
title: Inner
id: inner
name: inner
correlation: {type: event_count, rules: [copy], group-by: [account], timespan: 1h, condition: {gte: 2}}
---
title: X
id: x
correlation: {type: temporal, rules: [inner, share], group-by: [actor.id], timespan: 1h}
`, []string{`rule "x": field "actor.id": correlation "inner" does not group by it (it groups by "account")`}},
		{"summary placeholder", `
title: X
id: x
correlation: {type: temporal, rules: [copy, share], group-by: [actor.id], timespan: 1h}
summary: {en: "{actor.id} did {what}", ru: "{actor.id}"}
`, []string{`rules.yml:1:1: rule "x": summary en: unknown placeholders "what"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base, errs := rule.Parse("base.yml", []byte(baseRules))
			more, errs2 := rule.Parse("rules.yml", []byte(strings.TrimPrefix(c.doc, "\n")))
			if len(errs)+len(errs2) > 0 {
				t.Fatalf("parse:\n%s%s", errs.Lines(), errs2.Lines())
			}
			rs := append(base, more...)
			det, _ := detect.Compile(rs, detect.Options{})
			eng, errs := correlate.Compile(rs, det, correlate.Options{})
			got := errs.Lines()
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors lack %q:\n%s", w, got)
				}
			}
			for _, e := range errs {
				if e.Pos.File != "rules.yml" || e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Errorf("error without file:line: %v", e)
				}
			}
			if n := len(eng.Rules()); n != 0 && c.name != "inner correlation lacks the field" {
				t.Errorf("%d correlations compiled despite errors", n)
			}
		})
	}
}

// TestCompile_multiDocument: base rules and a correlation in one file, a
// reference by id and one by name, load and compile together.
func TestCompile_multiDocument(t *testing.T) {
	rs, errs := rule.Load("../rule/testdata/correlation/valid/all_types.yml")
	if len(errs) > 0 {
		t.Fatal(errs.Lines())
	}
	det, errs := detect.Compile(rs, detect.Options{})
	if len(errs) > 0 {
		t.Fatal(errs.Lines())
	}
	eng, errs := correlate.Compile(rs, det, correlate.Options{})
	if len(errs) > 0 {
		t.Fatal(errs.Lines())
	}
	if n := len(eng.Rules()); n != 8 {
		t.Errorf("%d correlations compiled, want 8", n)
	}
	for _, r := range rs {
		ref, gen := eng.Base(r)
		if r.Kind == rule.KindDetection && (!ref || gen) {
			t.Errorf("%s: referenced %v, generate %v", r.ID, ref, gen)
		}
	}
}

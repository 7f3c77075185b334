package hunt

import (
	"reflect"
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// A run reads the built-in pack without its tests; the rules themselves
// must come out the same, positions included.
func TestBuiltinRulesWithoutTests(t *testing.T) {
	full, errs := BuiltinRules()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	lean, errs := builtinRulesWithoutTests()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(lean) != len(full) || len(full) == 0 {
		t.Fatalf("%d rules without tests, %d with", len(lean), len(full))
	}
	withTests := 0
	for i, r := range full {
		if r.Tests != nil || len(r.ChainTests) > 0 || r.Correlation != nil && len(r.Correlation.Tests) > 0 {
			withTests++
		}
		l := lean[i]
		if l.Tests != nil || len(l.ChainTests) > 0 || l.Correlation != nil && len(l.Correlation.Tests) > 0 {
			t.Errorf("%s: tests read", l.ID)
		}
		if !reflect.DeepEqual(withoutTests(r), l) {
			t.Errorf("%s: differs from the rule read with its tests", r.ID)
		}
	}
	if withTests != len(full) {
		t.Errorf("%d of %d built-in rules have tests", withTests, len(full))
	}
}

// withoutTests is a copy of r without its tests.
func withoutTests(r *rule.Rule) *rule.Rule {
	c := *r
	c.Tests, c.ChainTests = nil, nil
	if r.Correlation != nil {
		corr := *r.Correlation
		corr.Tests = nil
		c.Correlation = &corr
	}
	return &c
}

func TestBlankTests(t *testing.T) {
	in := "title: x\ntests:\n  match:\n    - {a: 1}\n\n# note\n- item\nlevel: high\n---\ntests:\n  x: 1\n---\nid: 2\ntests: []\n...\n"
	want := "title: x\n\n\n\n\n\n\nlevel: high\n---\n\n\n---\nid: 2\n\n...\n"
	if got := string(blankTests([]byte(in))); got != want {
		t.Errorf("blankTests:\n%q\nwant\n%q", got, want)
	}
}

package rule_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
)

var condSearches = []string{"sel", "sel_a", "sel_b", "filter_x", "filter_y", "_hidden", "kw", "sel-1", "sel.2"}

func TestParseCondition(t *testing.T) {
	tests := []struct {
		cond, want string
	}{
		// Precedence: not binds tighter than and, and tighter than or.
		{"sel", "sel"},
		{"sel and kw", "(sel and kw)"},
		{"sel or kw and sel_a", "(sel or (kw and sel_a))"},
		{"sel and kw or sel_a", "((sel and kw) or sel_a)"},
		{"not sel and kw", "(not sel and kw)"},
		{"not sel or kw", "(not sel or kw)"},
		{"sel and not kw or not sel_a", "((sel and not kw) or not sel_a)"},
		{"not not sel", "not not sel"},
		// Left associativity.
		{"sel and kw and sel_a", "((sel and kw) and sel_a)"},
		{"sel or kw or sel_a", "((sel or kw) or sel_a)"},
		// Parentheses.
		{"(sel or kw) and sel_a", "((sel or kw) and sel_a)"},
		{"sel and (kw or sel_a)", "(sel and (kw or sel_a))"},
		{"not (sel or kw)", "not (sel or kw)"},
		{"((sel))", "sel"},
		{"(sel)and(kw)", "(sel and kw)"},
		// Keywords are case-insensitive; search names are not.
		{"sel AND NOT kw Or sel_a", "((sel and not kw) or sel_a)"},
		{"ALL OF Them", "all of them [filter_x filter_y kw sel sel-1 sel.2 sel_a sel_b]"},
		// Quantifiers and patterns.
		{"1 of sel_*", "1 of sel_* [sel_a sel_b]"},
		{"all of sel_*", "all of sel_* [sel_a sel_b]"},
		{"2 of sel*", "2 of sel* [sel sel-1 sel.2 sel_a sel_b]"},
		{"1 of sel", "1 of sel [sel]"},
		{"1 of *_x", "1 of *_x [filter_x]"},
		{"1 of f*r*y", "1 of f*r*y [filter_y]"},
		{"1 of *", "1 of * [_hidden filter_x filter_y kw sel sel-1 sel.2 sel_a sel_b]"},
		{"1 of _*", "1 of _* [_hidden]"},
		{"1 of them", "1 of them [filter_x filter_y kw sel sel-1 sel.2 sel_a sel_b]"},
		{"1 of sel_* and not 1 of filter_*", "(1 of sel_* [sel_a sel_b] and not 1 of filter_* [filter_x filter_y])"},
		{"not all of filter_*", "not all of filter_* [filter_x filter_y]"},
		// Names with punctuation; whitespace of every kind.
		{"sel-1 or sel.2", "(sel-1 or sel.2)"},
		{" \tsel\n and\r\nkw ", "(sel and kw)"},
		{"_hidden", "_hidden"},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			e, err := rule.ParseCondition(tt.cond, condSearches)
			if err != nil {
				t.Fatalf("ParseCondition(%q): %v", tt.cond, err)
			}
			if got := rule.ExprString(e); got != tt.want {
				t.Errorf("ParseCondition(%q) = %s, want %s", tt.cond, got, tt.want)
			}
		})
	}
}

func TestParseCondition_errors(t *testing.T) {
	tests := []struct {
		cond string
		want string // the error, with its column
	}{
		{"", "condition:1:1: unexpected end of condition, expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')"},
		{"   ", "condition:1:4: unexpected end of condition, expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')"},
		{"sel and nope", `condition:1:9: unknown search identifier "nope"`},
		{"sel and sell", `condition:1:9: unknown search identifier "sell" (did you mean "sel"?)`},
		{"Sel", `condition:1:1: unknown search identifier "Sel" (did you mean "sel"?)`},
		{"sel and", "condition:1:8: unexpected end of condition, expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')"},
		{"sel kw", `condition:1:5: unexpected "kw", expected 'and', 'or' or the end of the condition`},
		{"(sel or kw", "condition:1:11: unexpected end of condition, expected ')' to close the '(' at offset 0"},
		{"sel or kw)", `condition:1:10: unexpected ")", expected 'and', 'or' or the end of the condition`},
		{"()", `condition:1:2: unexpected ")", expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')`},
		{"and sel", `condition:1:1: unexpected "and", expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')`},
		{"sel and or kw", `condition:1:9: unexpected "or", expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')`},
		{"not", "condition:1:4: unexpected end of condition, expected a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')"},
		{"sel_*", `condition:1:1: the pattern "sel_*" needs a quantifier: write '1 of sel_*' or 'all of sel_*'`},
		{"sel and them", "condition:1:9: 'them' needs a quantifier: write '1 of them' or 'all of them'"},
		{"1 of nope_*", `condition:1:6: "nope_*" matches no search identifier`},
		{"1 of sel_c", `condition:1:6: "sel_c" matches no search identifier (did you mean "sel_a"?)`},
		{"0 of sel_*", "condition:1:1: '0 of' needs a count of at least 1"},
		{"99999999999999999999 of sel_*", "condition:1:1: '99999999999999999999 of' needs a count of at least 1"},
		{"3 of sel_*", `condition:1:1: '3 of sel_*' can never hold: "sel_*" matches 2 search(es)`},
		{"1 sel_*", `condition:1:3: unexpected "sel_*", expected 'of' after "1"`},
		{"all sel_*", `condition:1:5: unexpected "sel_*", expected 'of' after "all"`},
		{"1 of", "condition:1:5: unexpected end of condition, expected a search identifier, a pattern such as sel_* or 'them'"},
		{"1 of (sel)", `condition:1:6: unexpected "(", expected a search identifier, a pattern such as sel_* or 'them'`},
		{"sel and 1", `condition:1:10: unexpected end of condition, expected 'of' after "1"`},
		// Columns count characters, not bytes.
		{"выбор | count()", "condition:1:7: aggregation expressions are not supported; use a correlation rule"},
		// Legacy aggregations.
		{"sel | count() by userIdentity.arn > 5", "condition:1:5: aggregation expressions are not supported; use a correlation rule"},
		{"sel|count() > 5", "condition:1:4: aggregation expressions are not supported; use a correlation rule"},
		{"nope | count() > 5", "condition:1:6: aggregation expressions are not supported; use a correlation rule"},
		{"sel | near kw", "condition:1:5: aggregation expressions are not supported; use a correlation rule"},
		{"sel near kw", "condition:1:5: aggregation expressions are not supported; use a correlation rule"},
		{"sel and \xff", "condition:1:9: invalid UTF-8"},
		{strings.Repeat("(", 200) + "sel" + strings.Repeat(")", 200), "condition:1:102: nested too deeply"},
		{strings.Repeat("not ", 200) + "sel", "condition:1:405: nested too deeply"},
	}
	for _, tt := range tests {
		name := tt.cond
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			e, err := rule.ParseCondition(tt.cond, condSearches)
			if err == nil {
				t.Fatalf("ParseCondition(%q) = %s, want error %q", tt.cond, rule.ExprString(e), tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("ParseCondition(%q) error\n got: %s\nwant: %s", tt.cond, got, tt.want)
			}
		})
	}
}

func TestParseCondition_positions(t *testing.T) {
	e, err := rule.ParseCondition("sel and not 1 of filter_*", condSearches)
	if err != nil {
		t.Fatal(err)
	}
	and := e.(*rule.And)
	not := and.R.(*rule.Not)
	q := not.X.(*rule.Quant)
	for _, c := range []struct {
		what string
		e    rule.Expr
		col  int
	}{{"and", and, 5}, {"sel", and.L, 1}, {"not", not, 9}, {"1 of", q, 13}} {
		if got := c.e.Position(); got.Line != 1 || got.Col != c.col {
			t.Errorf("%s at %v, want 1:%d", c.what, got, c.col)
		}
	}
	if q.N != 1 || q.All || q.Pattern != "filter_*" {
		t.Errorf("quantifier = %+v", q)
	}
}

func TestParseCondition_duplicateNames(t *testing.T) {
	e, err := rule.ParseCondition("all of them", []string{"b", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rule.ExprString(e), "all of them [a b]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

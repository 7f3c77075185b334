package rule

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// The combination table must say the same thing whichever modifier comes
// first, or the verdict would depend on their order.
func TestCompanions_symmetric(t *testing.T) {
	for a, list := range companions {
		for _, b := range list {
			if !compatible(b, a) {
				t.Errorf("group %d allows %d but not the reverse", a, b)
			}
		}
	}
	for _, m := range Modifiers {
		if groupOf(m) == gNone {
			t.Errorf("modifier %q has no group", m)
		}
		if _, ok := companions[groupOf(m)]; !ok {
			t.Errorf("modifier %q: its group has no companions entry", m)
		}
	}
}

func TestSource_scalarPos(t *testing.T) {
	data := "a: plain value\n" +
		"b: 'it''s here'\n" +
		"c: >  # x\n" +
		"    folded\n" +
		"      more here\n" +
		"d: \"dq \\t here\"\n" +
		"e: é here\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	src := newSource("f", []byte(data))
	tests := []struct {
		key, at   string // at: a substring of the value
		line, col int
	}{
		{"a", "value", 1, 10},
		{"b", "here", 2, 11},
		{"c", "folded", 4, 5},
		{"c", "more", 5, 7},
		{"c", "here", 5, 12},
		{"d", "here", 6, 11},
		{"e", "here", 7, 6},
	}
	for _, tt := range tests {
		var n *yaml.Node
		for i := 0; i < len(m.Content); i += 2 {
			if m.Content[i].Value == tt.key {
				n = m.Content[i+1]
			}
		}
		off := -1
		for i := 0; i+len(tt.at) <= len(n.Value); i++ {
			if n.Value[i:i+len(tt.at)] == tt.at {
				off = i
				break
			}
		}
		got := src.scalarPos(n)(off)
		if got.Line != tt.line || got.Col != tt.col {
			t.Errorf("%s: %q at %d:%d, want %d:%d", tt.key, tt.at, got.Line, got.Col, tt.line, tt.col)
		}
	}
}

func TestSource_lines(t *testing.T) {
	src := newSource("f", []byte("a\r\nb\rc\nd\u2028e"))
	for _, c := range []struct{ off, line, col int }{{0, 1, 1}, {3, 2, 1}, {5, 3, 1}, {7, 4, 1}, {11, 5, 1}, {99, 5, 2}} {
		if p := src.posAt(c.off); p.Line != c.line || p.Col != c.col {
			t.Errorf("offset %d at %d:%d, want %d:%d", c.off, p.Line, p.Col, c.line, c.col)
		}
	}
}

func TestSuggest(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"startwith", ` (did you mean "startswith"?)`},
		{"contain", ` (did you mean "contains"?)`},
		{"titel", ` (did you mean "title"?)`},
		{"bogus", ""},
		{"x", ""},
	} {
		if got := suggest(c.in, append(Modifiers, "title")); got != c.want {
			t.Errorf("suggest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

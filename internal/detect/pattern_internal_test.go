package detect

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// refFold is appendFold written plainly, rune by rune.
func refFold(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

// TestMayFit_bounds checks the premise of cmatcher.mayFit on every rune:
// lowering turns a rune of n UTF-8 bytes into one of at least n/3 and at
// most 3n/2 bytes.
func TestMayFit_bounds(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		n, f := utf8.RuneLen(r), utf8.RuneLen(unicode.ToLower(r))
		if 3*f < n || 2*f > 3*n {
			t.Fatalf("%U (%d bytes) lowers to %d bytes", r, n, f)
		}
	}
	m := &cmatcher{foldMin: 3, foldMax: 3} // exact "kkk"
	for n, want := range map[int]bool{1: false, 2: true, 9: true, 10: false} {
		if got := m.mayFit(n); got != want {
			t.Errorf("mayFit(%d) = %v, want %v", n, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "CreateSnapshot", "AWS-CLI/2.15.0 PYTHON", "@[`{AZaz", "Ünïcode ✓ MIXED", "\xff\xfeA", "ABCDEFGH\x80IJ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := string(appendFold(nil, s))
		if want := refFold(s); got != want {
			t.Fatalf("appendFold(%q) = %q, want %q", s, got, want)
		}
		if needsFold(s) != (got != s) && !needsFold(s) {
			t.Fatalf("needsFold(%q) = false, but folding changes it", s)
		}
	})
}

// globRegexp is the reference for a Sigma wildcard string: * is .*, ? is
// one character, the rest literal.
func globRegexp(toks []token, cased bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?s)")
	if !cased {
		b.WriteString("(?i)")
	}
	for _, t := range toks {
		switch t.kind {
		case tokStar:
			b.WriteString(".*")
		case tokOne:
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(t.lit))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{
		{"Create*", "CreateSnapshot"}, {"*snap*", "CreateSnapshot"}, {"C*S*t", "CreateSnapshot"},
		{"Create?napshot", "CreateSnapshot"}, {"*e?nap*", "createsnapshot"}, {`a\*b`, "a*b"}, {`\\*`, `\x`},
		{"?", "é"}, {"*?*?", "ab"}, {"a*a*a", "aaaa"}, {"**", ""}, {"*a?c*", "xxabcabc"},
	} {
		f.Add(s[0], s[1], false)
	}
	f.Fuzz(func(t *testing.T, value, text string, cased bool) {
		if !utf8.ValidString(value) || !utf8.ValidString(text) {
			return // the reference regexp works on runes
		}
		toks := parseWildcards(value)
		p := compilePattern(toks, cased)
		h := text
		if !cased {
			h = fold(text)
		}
		got := p.match(h)
		// The reference folds the same way: compare lower-cased texts.
		ref := make([]token, len(toks))
		copy(ref, toks)
		for i := range ref {
			if !cased {
				ref[i].lit = fold(ref[i].lit)
			}
		}
		want := globRegexp(ref, true).MatchString(h)
		if got != want {
			t.Fatalf("pattern %q (cased %v) on %q: got %v, want %v", value, cased, text, got, want)
		}
		// A text the pattern matches has a length within its bounds, and a
		// matcher of this one pattern never passes over the unfolded text.
		if lo, hi := p.foldLen(); got && (len(h) < lo || hi >= 0 && len(h) > hi) {
			t.Fatalf("pattern %q matches %q (%d bytes) outside its lengths [%d, %d]", value, h, len(h), lo, hi)
		} else if m := (&cmatcher{foldMin: lo, foldMax: hi}); got && !cased && !m.mayFit(len(text)) {
			t.Fatalf("pattern %q matches %q folded, but mayFit(%d) is false", value, text, len(text))
		}
	})
}

func FuzzRequiredLiteral(f *testing.F) {
	for _, s := range [][2]string{
		{".+:assumed-role/aws:.+", "arn:aws:sts::1:assumed-role/aws:x/y"}, {"(?i)ADMIN", "the admin"},
		{"a(bc)+d", "abcbcd"}, {"x{2,}y", "xxy"}, {"(?i)s", "\u017f"}, {"foo|bar", "bar"}, {"^a.b$", "acb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		re, err := regexp.Compile(expr)
		if err != nil || !re.MatchString(text) {
			return
		}
		lit, folded := requiredLiteral(expr)
		h := text
		if folded {
			if !isASCII(text) {
				return // the matcher runs the regexp then
			}
			h = fold(text)
		}
		if !strings.Contains(h, lit) {
			t.Fatalf("%q matches %q, which lacks the required literal %q (folded %v)", expr, text, lit, folded)
		}
	})
}

func TestParseWildcards(t *testing.T) {
	tests := []struct{ in, want string }{
		{`abc`, `"abc"`},
		{`a*b?c`, `"a" * "b" ? "c"`},
		{`a**b`, `"a" * "b"`},
		{`\*\?`, `"*?"`},
		{`C:\Windows\*`, `"C:\Windows*"`},
		{`C:\\Windows\\*`, `"C:\Windows\" *`},
		{`\\\*`, `"\*"`},
		{`\\\\`, `"\\"`},
		{`\\\`, `"\\"`},
		{`end\`, `"end\"`},
	}
	for _, tt := range tests {
		var parts []string
		for _, tok := range parseWildcards(tt.in) {
			switch tok.kind {
			case tokStar:
				parts = append(parts, "*")
			case tokOne:
				parts = append(parts, "?")
			default:
				parts = append(parts, `"`+tok.lit+`"`)
			}
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("parseWildcards(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestBase64Offsets(t *testing.T) {
	// The values the Sigma documentation gives for /bin/bash.
	got := base64Offsets("/bin/bash")
	want := []string{"L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("base64Offsets = %q, want %q", got, want)
	}
}

func TestWindash(t *testing.T) {
	v, err := windash([]token{{kind: tokLit, lit: "-a /b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 25 {
		t.Fatalf("%d variants, want 25", len(v))
	}
	seen := map[string]bool{}
	for _, toks := range v {
		s, _ := plain(toks)
		seen[s] = true
	}
	for _, s := range []string{"-a /b", "/a -b", "\u2013a \u2014b", "\u2015a -b"} {
		if !seen[s] {
			t.Errorf("missing variant %q", s)
		}
	}
}

func TestExpandPlaceholders(t *testing.T) {
	ph := map[string][]string{"a": {"1", "2"}, "b": {"x"}}
	got, err := expandPlaceholders(`%a%-%b%-\%a%-%z 100% of 5%`, ph)
	if err != nil {
		t.Fatal(err)
	}
	if want := "1-x-%a%-%z 100% of 5%,2-x-%a%-%z 100% of 5%"; strings.Join(got, ",") != want {
		t.Errorf("got %q, want %s", got, want)
	}
	if _, err := expandPlaceholders("%nope%", ph); err == nil || !strings.Contains(err.Error(), "known: %a%, %b%") {
		t.Errorf("err = %v", err)
	}
}

package textsafe_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"кириллица ok", "кириллица ok"},
		{"\x1b[31mred\x1b[0m", "\uFFFD[31mred\uFFFD[0m"},
		{"a\rb\nc\td", "a\uFFFDb\uFFFDc\uFFFDd"},
		{"bidi\u202egnp.exe", "bidi\uFFFDgnp.exe"},
		{"bad\xffutf8", "bad\\xffutf8"},
		{"\x9b31m", "\\x9b31m"},
	}
	for _, tc := range tests {
		if got := textsafe.Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := textsafe.Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := textsafe.Truncate("abc", 4); got != "abc" {
		t.Errorf("Truncate = %q", got)
	}
}

func FuzzClean(f *testing.F) {
	f.Add("\x1b]0;title\x07")
	f.Fuzz(func(t *testing.T, s string) {
		out := textsafe.Clean(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("control rune %U left in %q", r, out)
			}
		}
	})
}

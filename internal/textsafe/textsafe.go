// Package textsafe makes attacker-controlled log text (user agents, resource
// names, tags, error messages) safe to print on a terminal.
package textsafe

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean replaces control characters (ANSI escapes, carriage returns, bidi
// overrides and other invisible formatting) and invalid UTF-8 with a visible
// placeholder, so log text cannot move the cursor, recolour, or hide itself.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString("\\x")
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&0xf])
		case unsafe(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const hex = "0123456789abcdef"

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			return !slowCheck(s)
		}
	}
	return true
}

func slowCheck(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r) {
			return true
		}
	}
	return false
}

func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// Truncate cleans s and cuts it to at most n runes, marking the cut.
func Truncate(s string, n int) string {
	s = Clean(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

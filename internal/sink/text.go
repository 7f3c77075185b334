package sink

import (
	"strings"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// ellipsis marks text cut to fit.
const ellipsis = "…"

// Escape sets: each byte listed is written as a backslash and itself,
// except that a line feed is written `\n` and a carriage return `\r`.
const (
	escSD        = "\"\\]"   // RFC 5424 PARAM-VALUE
	escCEFHeader = "\\|"     // CEF header fields
	escCEFExt    = "\\=\n\r" // CEF extension values
)

// appendText appends s, escaped by the set esc, in at most limit bytes. s
// must already be clean (textsafe.Clean): no control characters but the
// line feeds an escape set turns into `\n`. Text that does not fit is cut
// before a whole rune or escape and ends with "…"; with no room even for
// that, nothing is written.
func appendText(dst []byte, s string, limit int, esc string) []byte {
	if limit <= 0 {
		return dst
	}
	n := len(s)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(esc, s[i]) >= 0 {
			n++
		}
	}
	budget := limit
	if n > limit {
		budget = limit - len(ellipsis)
		if budget <= 0 {
			return dst
		}
	}
	used := 0
	for i, w := 0, 0; i < len(s); i += w {
		_, w = utf8.DecodeRuneInString(s[i:])
		escape := w == 1 && strings.IndexByte(esc, s[i]) >= 0
		size := w
		if escape {
			size = 2
		}
		if used+size > budget {
			return append(dst, ellipsis...)
		}
		used += size
		switch {
		case !escape:
			dst = append(dst, s[i:i+w]...)
		case s[i] == '\n':
			dst = append(dst, '\\', 'n')
		case s[i] == '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, '\\', s[i])
		}
	}
	return dst
}

// clean strips control characters (line breaks included) from log text.
func clean(s string) string { return textsafe.Clean(s) }

// cleanLines is clean, except that line breaks survive as '\n' for an
// escape set that writes them as `\n`.
func cleanLines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return textsafe.Clean(s)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = textsafe.Clean(l)
	}
	return strings.Join(lines, "\n")
}

// asciiField returns s as an RFC 5424 header field: printable US-ASCII
// only (others become '_'), at most n bytes, "-" (NILVALUE) when empty.
func asciiField(s string, n int) string {
	if s == "" {
		return "-"
	}
	b := []byte(s)
	if len(b) > n {
		b = b[:n]
	}
	for i, c := range b {
		if c < 33 || c > 126 {
			b[i] = '_'
		}
	}
	return string(b)
}

// Package jsonstr appends JSON strings to byte slices, for the writers that
// build JSON without reflection (findings, generated records).
package jsonstr

import (
	"encoding/binary"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// Append appends s as a JSON string (see AppendEscaped).
func Append(b []byte, s string, html bool) []byte {
	return append(AppendEscaped(append(b, '"'), s, html), '"')
}

// AppendEscaped appends s escaped for the inside of a JSON string as
// encoding/json escapes it: \" \\ \b \f \n \r \t short, other controls,
// U+2028 and U+2029 as \u escapes, each invalid UTF-8 byte as \ufffd; with
// html (encoding/json's default) <, > and & as \u escapes too. Most text
// needs nothing: it is checked eight bytes at a time and copied once.
func AppendEscaped(b []byte, s string, html bool) []byte {
	start, i := 0, 0
	for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64([]byte(s[i:i+8])), html) {
		i += 8
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && !(html && (c == '<' || c == '>' || c == '&')) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	return append(b, s[start:]...)
}

// plain8 reports whether eight bytes are all printable ASCII that JSON
// strings keep as they are: none below 0x20 or from 0x80, neither " nor \,
// and with html none of < > &.
func plain8(x uint64, html bool) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	has := func(c uint64) uint64 { y := x ^ c*ones; return (y - ones) &^ y }
	bad := (x - 0x20*ones) &^ x // a byte below 0x20 sets its high bit
	bad |= x | has('"') | has('\\')
	if html {
		bad |= has('<') | has('>') | has('&')
	}
	return bad&highs == 0
}

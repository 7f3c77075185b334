package vkcloud

import (
	"strconv"
	"time"
)

// body is JSON being built by appending: a request or response body, or a
// whole record. Values go through str, so any text is escaped.
type body []byte

func (b *body) raw(s string) { *b = append(*b, s...) }
func (b *body) str(s string) { *b = appendQuoted(*b, s) }
func (b *body) num(n int)    { *b = strconv.AppendInt(*b, int64(n), 10) }

// strOrNull writes s, or null when s is empty.
func (b *body) strOrNull(s string) {
	if s == "" {
		b.raw("null")
		return
	}
	b.str(s)
}

// cinderTime writes a time as OpenStack services print it in bodies:
// microseconds, no zone ("2026-11-01T01:00:12.000000").
func (b *body) cinderTime(t time.Time) {
	*b = append(*b, '"')
	*b = t.UTC().AppendFormat(*b, "2006-01-02T15:04:05.000000")
	*b = append(*b, '"')
}

// isoTime writes a time as Neutron and Glance print it ("…Z", seconds).
func (b *body) isoTime(t time.Time) {
	*b = append(*b, '"')
	*b = appendStamp(*b, t)
	*b = append(*b, '"')
}

// appendStamp writes the action log's timestamp: RFC 3339, UTC, seconds.
func appendStamp(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendPad(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPad(dst, int(mo), 2)
	dst = append(dst, '-')
	dst = appendPad(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendPad(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, mi, 2)
	dst = append(dst, ':')
	dst = appendPad(dst, s, 2)
	return append(dst, 'Z')
}

// appendPad writes n with at least width digits.
func appendPad(dst []byte, n, width int) []byte {
	var tmp [8]byte
	i := len(tmp)
	for n > 0 || i > len(tmp)-width {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if i == 0 {
			break
		}
	}
	return append(dst, tmp[i:]...)
}

// appendQuoted writes s as a JSON string. The action log carries bodies as
// JSON inside strings, so a body goes through here a second time.
func appendQuoted[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

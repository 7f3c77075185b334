package azure

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Append-based JSON helpers: the writer renders records without
// encoding/json or fmt, so that a record costs little more than copying it.

const hexDigits = "0123456789abcdef"

// appendEmbedded appends a JSON document as a JSON string: the Activity Log
// writes request and response bodies as serialised JSON inside a string.
func appendEmbedded(b, doc []byte) []byte {
	b = append(b, '"')
	b = scenario.AppendEscaped(b, string(doc)) // no copy: the conversion does not escape
	return append(b, '"')
}

// appendUpper appends s upper-cased (ASCII), as the records shape writes
// resourceId and operationName.
func appendUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// appendInt appends a non-negative integer.
func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// pairs holds "00" to "99", for writing times two digits at a time.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// append2 appends n (0-99) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, pairs[2*n], pairs[2*n+1])
}

// appendDigits appends n as exactly w digits.
func appendDigits(b []byte, n, w int) []byte {
	var tmp [9]byte
	for i := w - 1; i >= 0; i-- {
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[:w]...)
}

// appendTime appends t in the Activity Log's form, 2026-11-01T10:00:00.1234567Z
// (seven fractional digits, UTC).
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	f := t.Nanosecond() / 100
	b = append2(b, y/100%100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	b = append(b, '.')
	b = append2(b, f/100000)
	b = append2(b, f/1000%100)
	b = append2(b, f/10%100)
	b = append(b, byte('0'+f%10), 'Z')
	return b
}

package aws

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Records are built by appending to a byte slice: no encoding/json, no fmt,
// no allocation per record once the buffer has grown.

const hexDigits = "0123456789abcdef"

// appendStr appends s as a JSON string. Most of what a record holds (ids,
// names, ARNs) needs no escaping, so that case is one copy.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return appendEscaped(b, s)
		}
	}
	b = append(b, s...)
	return append(b, '"')
}

// appendEscaped appends the rest of a JSON string whose opening quote is
// already written, escaping what JSON requires and replacing invalid UTF-8.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
		}
	}
	return append(b, '"')
}

// appendKey appends ,"key": — every object a record holds opens with a
// literal first member, so the members appended after it take a comma.
func appendKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendField appends ,"key":"value".
func appendField(b []byte, key, value string) []byte {
	return appendStr(appendKey(b, key), value)
}

// appendInt appends ,"key":n.
func appendInt(b []byte, key string, n int64) []byte {
	return strconv.AppendInt(appendKey(b, key), n, 10)
}

// appendBool appends ,"key":true or false.
func appendBool(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, key), v)
}

// appendTime appends t as CloudTrail writes eventTime, 2026-11-01T02:03:04Z,
// quoted: by hand, since time.AppendFormat costs more than a whole read
// record's other fields.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = appendTimeRaw(b, t)
	return append(b, '"')
}

// appendTimeRaw is appendTime without the quotes.
func appendTimeRaw(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append4(b, y)
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
	return append(b, 'Z')
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }

func append4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000%10), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

// months are the abbreviations IAM and RDS write in their own dates.
var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// appendJavaDate appends t as IAM and RDS write dates inside responses,
// "Nov 1, 2026, 2:03:04 AM" (quoted): not RFC 3339.
func appendJavaDate(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append(b, '"')
	b = append(b, months[mo-1]...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(d), 10)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, ", "...)
	ampm := "AM"
	if h >= 12 {
		ampm = "PM"
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	b = strconv.AppendInt(b, int64(h12), 10)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	b = append(b, ' ')
	b = append(b, ampm...)
	return append(b, '"')
}

// millis returns t in epoch milliseconds, as EC2 writes startTime,
// createTime, attachTime and launchTime.
func millis(t time.Time) int64 { return t.UnixMilli() }

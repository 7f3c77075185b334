package aws

import (
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Records are built by appending to a byte slice: no encoding/json, no fmt,
// no allocation per record once the buffer has grown.

const hexDigits = "0123456789abcdef"

// appendKey appends ,"key": — every object a record holds opens with a
// literal first member, so the members appended after it take a comma.
func appendKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendField appends ,"key":"value".
func appendField(b []byte, key, value string) []byte {
	return scenario.AppendString(appendKey(b, key), value)
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

package yandex

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Records are built by appending to a byte slice: no reflection, no fmt.

const hexDigits = "0123456789abcdef"

// appendField appends ,"key":"value" (key is a literal, value escaped).
func appendField(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return scenario.AppendString(b, value)
}

// appendTime appends t in UTC as RFC 3339, with nanoseconds unless secs.
func appendTime(b []byte, t time.Time, secs bool) []byte {
	u := t.Unix()
	if u < 0 {
		return t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	y, mo, d := civil(u / 86400)
	sod := int(u % 86400)
	b = appendDigits(b, y, 4)
	b = append(b, '-', pairs[2*mo], pairs[2*mo+1], '-', pairs[2*d], pairs[2*d+1], 'T')
	h, mi, s := sod/3600, sod/60%60, sod%60
	b = append(b, pairs[2*h], pairs[2*h+1], ':', pairs[2*mi], pairs[2*mi+1], ':', pairs[2*s], pairs[2*s+1])
	if !secs {
		n := t.Nanosecond()
		b = append(b, '.', byte('0'+n/1e8))
		n %= 1e8
		for div := 1_000_000; div >= 1; div /= 100 {
			p := n / div % 100
			b = append(b, pairs[2*p], pairs[2*p+1])
		}
	}
	return append(b, 'Z')
}

// pairs holds the two digits of 0 to 99.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// civil returns the date of a day counted from 1970-01-01 (days ≥ 0), by
// Howard Hinnant's days-to-civil algorithm.
func civil(days int64) (y, m, d int) {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if mp >= 10 {
		m = int(mp - 9)
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// appendDigits appends v, zero-padded to width digits.
func appendDigits(b []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	if v < 0 {
		v = 0
	}
	for v > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[i:]...)
}

// appendUUID appends a version 4 UUID made of a and b.
func appendUUID(b []byte, a, c uint64) []byte {
	var raw [16]byte
	for i := range 8 {
		raw[i] = byte(a >> (56 - 8*i))
		raw[8+i] = byte(c >> (56 - 8*i))
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	for i, x := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[x>>4], hexDigits[x&15])
	}
	return b
}

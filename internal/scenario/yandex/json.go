package yandex

import "time"

// Records are built by appending to a byte slice: no reflection, no fmt.

// appendStr appends s as a JSON string.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendField appends ,"key":"value" (key is a literal, value escaped).
func appendField(b []byte, key, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendStr(b, value)
}

// appendTime appends t in UTC as RFC 3339, with nanoseconds unless secs.
func appendTime(b []byte, t time.Time, secs bool) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, s, 2)
	if !secs {
		b = append(b, '.')
		b = appendDigits(b, t.Nanosecond(), 9)
	}
	return append(b, 'Z')
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

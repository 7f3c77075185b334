package vkcloud

import (
	"encoding/binary"
	"slices"
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
// JSON inside strings, so a body goes through here a second time: it is the
// writer's hottest loop. It makes room once, then copies eight bytes at a
// time while none needs escaping, else one byte at a time.
func appendQuoted[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = slices.Grow(dst, 2*len(s)+2)
	out := dst[:cap(dst)]
	j := len(dst)
	out[j] = '"'
	j++
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if !needsEscape8(v) {
				binary.LittleEndian.PutUint64(out[j:], v)
				i, j = i+8, j+8
				continue
			}
		}
		end := min(i+8, len(s))
		for ; i < end; i++ {
			switch c := s[i]; escapeClass[c] {
			case 0:
				out[j] = c
				j++
			case 1:
				out[j], out[j+1] = '\\', c
				j += 2
			default:
				out, j = appendControl(out, j, c, len(s)-i)
			}
		}
	}
	out[j] = '"'
	return out[:j+1]
}

// escapeClass is 0 for a byte a JSON string holds as it is, 1 for a quote
// or a backslash, 2 for a control character.
var escapeClass = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 2
	}
	t['"'], t['\\'] = 1, 1
	return t
}()

// appendControl writes control character c at out[j] (\n, \r, \t or
// \u00XX) and returns the new end, growing out so that the left bytes of
// the input still fit at two bytes each.
func appendControl(out []byte, j int, c byte, left int) ([]byte, int) {
	if need := j + 6 + 2*left + 1; need > len(out) {
		out = slices.Grow(out[:j], need-j)
		out = out[:cap(out)]
	}
	out[j] = '\\'
	switch c {
	case '\n':
		out[j+1] = 'n'
	case '\r':
		out[j+1] = 'r'
	case '\t':
		out[j+1] = 't'
	default:
		out[j+1], out[j+2], out[j+3], out[j+4], out[j+5] = 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf]
		return out, j + 6
	}
	return out, j + 2
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// needsEscape8 reports whether any of the eight bytes in v is below 0x20,
// a quote or a backslash. It never misses one; a false alarm only sends
// those bytes through the byte loop.
func needsEscape8(v uint64) bool {
	below := (v - ones*0x20) & ^v
	quote := v ^ ones*'"'
	slash := v ^ ones*'\\'
	return (below|(quote-ones)&^quote|(slash-ones)&^slash)&highs != 0
}

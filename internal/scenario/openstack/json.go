package openstack

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// OpenStack's services write JSON with Python's json.dumps: ", " and ": "
// between members, non-ASCII escaped as \uXXXX. Records are appended to a
// byte slice by hand, without reflection.

// appendQuoted appends s as a JSON string, escaped as json.dumps does.
func appendQuoted[T ~string | ~[]byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c == '\n':
			b = append(b, '\\', 'n')
			i++
		case c == '\r':
			b = append(b, '\\', 'r')
			i++
		case c == '\t':
			b = append(b, '\\', 't')
			i++
		case c < 0x20:
			b = appendU(b, rune(c))
			i++
		default:
			r, n := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r >= 0x10000 {
				r -= 0x10000
				b = appendU(b, 0xd800+r>>10)
				b = appendU(b, 0xdc00+r&0x3ff)
			} else {
				b = appendU(b, r)
			}
			i += n
		}
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain marks the bytes a JSON string holds as they are: printable ASCII
// but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// jw writes one JSON document member by member, with Python's separators.
type jw struct {
	b        []byte
	depth    int
	more     [16]bool // the container at each depth has a member already
	afterKey bool
}

// elem starts a value: a separator unless it is the container's first, or
// the value of a key just written.
func (w *jw) elem() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if w.more[w.depth] {
		w.b = append(w.b, ", "...)
	}
	w.more[w.depth] = true
}

func (w *jw) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, `": `...)
	w.afterKey = true
}

func (w *jw) open(c byte) {
	w.elem()
	w.b = append(w.b, c)
	w.depth++
	w.more[w.depth] = false
}

func (w *jw) obj()    { w.open('{') }
func (w *jw) arr()    { w.open('[') }
func (w *jw) end()    { w.depth--; w.b = append(w.b, '}') }
func (w *jw) endArr() { w.depth--; w.b = append(w.b, ']') }

// Values.
func (w *jw) str(s string) { w.elem(); w.b = appendQuoted(w.b, s) }
func (w *jw) num(n int)    { w.elem(); w.b = strconv.AppendInt(w.b, int64(n), 10) }
func (w *jw) null()        { w.elem(); w.b = append(w.b, "null"...) }
func (w *jw) boolean(v bool) {
	w.elem()
	w.b = strconv.AppendBool(w.b, v)
}

// raw writes pre-rendered JSON as a value.
func (w *jw) raw(s string) { w.elem(); w.b = append(w.b, s...) }

// Members.
func (w *jw) s(k, v string)     { w.key(k); w.str(v) }
func (w *jw) n(k string, v int) { w.key(k); w.num(v) }
func (w *jw) nul(k string)      { w.key(k); w.null() }
func (w *jw) bo(k string, v bool) {
	w.key(k)
	w.boolean(v)
}

// sn writes v, or null when v is empty (Python's None).
func (w *jw) sn(k, v string) {
	if v == "" {
		w.nul(k)
		return
	}
	w.s(k, v)
}

// objK and arrK open an object or array under a key.
func (w *jw) objK(k string) { w.key(k); w.obj() }
func (w *jw) arrK(k string) { w.key(k); w.arr() }

// time writes t in one of the layouts below.
func (w *jw) time(k string, t time.Time, layout timeLayout) {
	w.key(k)
	w.elem()
	w.b = append(w.b, '"')
	w.b = appendTime(w.b, t, layout)
	w.b = append(w.b, '"')
}

// timeLayout is how a service prints a time.
type timeLayout int

const (
	pyTime    timeLayout = iota // str(datetime): 2026-11-01 10:00:00.123456 (oslo notification timestamps)
	cadfTime                    // 2026-11-01T10:00:00.123456+0000 (pycadf)
	isoZ                        // 2026-11-01T10:00:00Z (nova, glance, neutron isotime)
	isoOffset                   // 2026-11-01T10:00:00+00:00 (cinder's datetime.isoformat of a DB time)
	isoMicro                    // 2026-11-01T10:00:00.123456 (nova's strtime, a context's timestamp)
)

// appendTime appends t (UTC) in layout. Python's str(datetime) drops a zero
// fraction; pycadf always writes six digits.
func appendTime(b []byte, t time.Time, layout timeLayout) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append4(b, y)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	if layout == pyTime {
		b = append(b, ' ')
	} else {
		b = append(b, 'T')
	}
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	us := t.Nanosecond() / 1000
	switch layout {
	case pyTime:
		if us != 0 {
			b = append6(append(b, '.'), us)
		}
	case cadfTime:
		b = append(append6(append(b, '.'), us), "+0000"...)
	case isoZ:
		b = append(b, 'Z')
	case isoOffset:
		b = append(b, "+00:00"...)
	case isoMicro:
		b = append6(append(b, '.'), us)
	}
	return b
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }
func append4(b []byte, n int) []byte { return append2(append2(b, n/100), n%100) }
func append6(b []byte, n int) []byte { return append2(append2(append2(b, n/10000), n/100%100), n%100) }

// clock prints the times of one second fast: the date and the time of day
// once a second, the fraction each time. The audit stream's records stamp
// a call's request, response and event within a second or so.
type clock struct {
	sec  int64
	text [19]byte // 2006-01-02T15:04:05
	set  bool
}

// append appends t in pyTime or cadfTime layout.
func (c *clock) append(b []byte, t time.Time, layout timeLayout) []byte {
	if sec := t.Unix(); !c.set || sec != c.sec {
		var tmp [32]byte
		copy(c.text[:], appendTime(tmp[:0], t, isoZ))
		c.sec, c.set = sec, true
	}
	n := len(b)
	b = append(b, c.text[:]...)
	us := t.Nanosecond() / 1000
	if layout == pyTime {
		b[n+10] = ' '
		if us != 0 {
			b = append6(append(b, '.'), us)
		}
		return b
	}
	return append(append6(append(b, '.'), us), "+0000"...)
}

// Package jsondoc parses JSON documents into a tree of values that point into
// the parser's copy of the text, for one document at a time.
//
// It does the job fastjson did here, with the same accessors, in fewer
// instructions: a string's end and its escapes are found in one pass, eight
// bytes at a step, and escapes are resolved while parsing, so reading a key or
// a string later costs nothing.
package jsondoc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth bounds the nesting of arrays and objects, so that a hostile
// document cannot exhaust the stack.
const MaxDepth = 300

// Parser parses documents. The values of one parse stay valid until the
// parser parses again; a Parser is not safe for concurrent use.
//
// By default it reads what logs carry as fastjson did: an invalid escape is
// kept as written, control characters in strings, malformed numbers (a
// number's form is checked when it is read) and Python's NaN pass. Strict
// refuses them all, as a client's JSON library would.
type Parser struct {
	Strict bool

	b  []byte  // the document's text, copied, escapes resolved in place
	vs []Value // values handed out by this parse

	err   error // why the text is not JSON, once found
	errAt int   // where
}

// Parse parses s.
func (p *Parser) Parse(s string) (*Value, error) {
	p.reclaim()
	p.b = append(p.b[:0], s...)
	return p.parse()
}

// ParseBytes parses b, which it does not keep or change.
func (p *Parser) ParseBytes(b []byte) (*Value, error) {
	p.reclaim()
	p.b = append(p.b[:0], b...)
	return p.parse()
}

// sentinel follows the text in the buffer's capacity: a quote that ends
// every string scan, then padding so that eight bytes can be read at any
// offset up to it.
const sentinel = "\"\x00\x00\x00\x00\x00\x00\x00"

// Past these sizes, the memory one huge document made the parser grow is
// let go at the next parse rather than kept for the documents after it.
const (
	maxKeptText   = 4 << 20
	maxKeptValues = 1 << 16
)

func (p *Parser) reclaim() {
	if cap(p.b) > maxKeptText {
		p.b = nil
	}
	if cap(p.vs) > maxKeptValues {
		p.vs = nil
	}
}

func (p *Parser) parse() (*Value, error) {
	n := len(p.b)
	p.b = append(p.b, sentinel...)[:n]
	// Values are emptied as they are handed out again (next), not here.
	p.vs = p.vs[:0]
	p.err = nil
	v, i := p.value(skipSpace(p.b, 0), 0)
	if i >= 0 {
		if i = skipSpace(p.b, i); i < len(p.b) {
			p.fail(i, errTail)
		}
	}
	if p.err != nil {
		err := &SyntaxError{Offset: p.errAt, err: p.err, near: excerpt(p.b, p.errAt)}
		p.err = nil
		return nil, err
	}
	return v, nil
}

// fail records why the text at b[i] is not JSON. The parsing functions
// then return -1 as the offset, which unwinds them all.
func (p *Parser) fail(i int, err error) int {
	p.errAt, p.err = i, err
	return -1
}

// SyntaxError says where a document stops being JSON.
type SyntaxError struct {
	Offset int // bytes from the start of the document
	err    error
	near   string // the text around Offset
}

// Unwrap is the reason, without the place.
func (e *SyntaxError) Unwrap() error { return e.err }

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("cannot parse JSON: %s at offset %d near %q", e.err, e.Offset, e.near)
}

// excerpt is a few bytes of text around offset, for an error.
func excerpt(text []byte, offset int) string {
	from, to := max(0, offset-16), min(len(text), offset+16)
	if from > to {
		return ""
	}
	return string(text[from:to])
}

var (
	errEOF      = errors.New("unexpected end")
	errTail     = errors.New("unexpected text after the value")
	errDepth    = fmt.Errorf("nesting deeper than %d", MaxDepth)
	errValue    = errors.New("unexpected character for a value")
	errKey      = errors.New("expected a string key")
	errColon    = errors.New("expected ':' after an object key")
	errObjComma = errors.New("expected ',' or '}' after an object member")
	errArrComma = errors.New("expected ',' or ']' after an array element")
	errString   = errors.New("unterminated string")
	errEscape   = errors.New("invalid escape in a string")
	errControl  = errors.New("control character in a string")
	errNumber   = errors.New("invalid number")
)

func (p *Parser) next() *Value {
	if len(p.vs) < cap(p.vs) {
		p.vs = p.vs[:len(p.vs)+1]
	} else {
		// Values handed out before stay where they are: the old array lives
		// on while they are referenced.
		p.vs = append(p.vs, Value{})
	}
	// A reused value keeps the members or elements it had: object and
	// array empty their own, and no other type reads them.
	return &p.vs[len(p.vs)-1]
}

var (
	valueTrue  = &Value{t: TypeTrue}
	valueFalse = &Value{t: TypeFalse}
	valueNull  = &Value{t: TypeNull}
)

// skipSpace is the offset of the first byte at or after i that is not
// white space. Compact text has none, so the first test usually ends it.
func skipSpace(b []byte, i int) int {
	if i < len(b) && b[i] > ' ' {
		return i
	}
	return skipSpaceSlow(b, i)
}

func skipSpaceSlow(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// value parses the value at b[i:], returning it and the offset after it,
// or -1 after fail.
func (p *Parser) value(i, depth int) (*Value, int) {
	b := p.b
	if i >= len(b) {
		return nil, p.fail(i, errEOF)
	}
	switch c := b[i]; c {
	case '{':
		if depth >= MaxDepth {
			return nil, p.fail(i, errDepth)
		}
		return p.object(i+1, depth+1)
	case '[':
		if depth >= MaxDepth {
			return nil, p.fail(i, errDepth)
		}
		return p.array(i+1, depth+1)
	case '"':
		s, j := p.str(i + 1)
		if j < 0 {
			return nil, j
		}
		v := p.next()
		v.t, v.s = TypeString, s
		return v, j
	case 't':
		if hasWord(b, i, "true") {
			return valueTrue, i + 4
		}
	case 'f':
		if hasWord(b, i, "false") {
			return valueFalse, i + 5
		}
	case 'n', 'N':
		if hasWord(b, i, "null") {
			return valueNull, i + 4
		}
		// Python's json module writes NaN for a float that is not a
		// number, and fastjson read it: a number whose text is not one.
		if !p.Strict && len(b)-i >= 3 && strings.EqualFold(string(b[i:i+3]), "nan") {
			v := p.next()
			v.t, v.s = TypeNumber, unsafeString(b[i:i+3])
			return v, i + 3
		}
	default:
		if c == '-' || c >= '0' && c <= '9' {
			j := i + 1
			for j < len(b) && numberByte[b[j]] {
				j++
			}
			v := p.next()
			v.t, v.s = TypeNumber, unsafeString(b[i:j])
			if p.Strict && !validNumber(v.s) {
				return nil, p.fail(i, errNumber)
			}
			return v, j
		}
	}
	return nil, p.fail(i, errValue)
}

func hasWord(b []byte, i int, w string) bool {
	return len(b)-i >= len(w) && string(b[i:i+len(w)]) == w
}

// numberByte marks the bytes that may follow a number's first byte; the
// number's form is checked when it is read (Float64, Int).
var numberByte = func() (t [256]bool) {
	for _, c := range []byte("0123456789+-.eE") {
		t[c] = true
	}
	return t
}()

func (p *Parser) object(i, depth int) (*Value, int) {
	o := p.next()
	o.t, o.o.kvs = TypeObject, o.o.kvs[:0]
	b := p.b
	base := unsafe.Pointer(unsafe.SliceData(b))
	i = skipSpace(b, i)
	if i < len(b) && b[i] == '}' {
		return o, i + 1
	}
	for {
		if i >= len(b) {
			return nil, p.fail(i, errEOF)
		}
		if b[i] != '"' {
			return nil, p.fail(i, errKey)
		}
		// A key, and a value that is a string, are read here when they
		// have no escape, rather than by a call to str or value: see str.
		k, j := "", nextSpecial(b, i+1)
		if j < len(b) && b[j] == '"' && !p.Strict {
			k, j = textAt(base, i+1, j), j+1
		} else if k, j = p.str(i + 1); j < 0 {
			return nil, j
		}
		// Compact text has no white space around the colon and the
		// comma: the tests for them come first.
		if j >= len(b) || b[j] != ':' {
			if j = skipSpaceSlow(b, j); j >= len(b) || b[j] != ':' {
				return nil, p.fail(j, errColon)
			}
		}
		var v *Value
		if i = j + 1; i >= len(b) || b[i] <= ' ' {
			i = skipSpaceSlow(b, i)
		}
		if i < len(b) && b[i] == '"' {
			s, j := "", nextSpecial(b, i+1)
			if j < len(b) && b[j] == '"' && !p.Strict {
				s, j = textAt(base, i+1, j), j+1
			} else if s, j = p.str(i + 1); j < 0 {
				return nil, j
			}
			v = p.next()
			v.t, v.s = TypeString, s
			i = j
		} else if i < len(b) && b[i] == '{' && depth < MaxDepth {
			if v, i = p.object(i+1, depth+1); i < 0 {
				return nil, i
			}
		} else if v, i = p.value(i, depth); i < 0 {
			return nil, i
		}
		o.o.kvs = append(o.o.kvs, kv{k, v})
		if i >= len(b) || b[i] <= ' ' {
			i = skipSpaceSlow(b, i)
		}
		if i < len(b) && b[i] == ',' {
			if i++; i >= len(b) || b[i] != '"' {
				i = skipSpaceSlow(b, i)
			}
			continue
		}
		if i < len(b) && b[i] == '}' {
			return o, i + 1
		}
		if i >= len(b) {
			return nil, p.fail(i, errEOF)
		}
		return nil, p.fail(i, errObjComma)
	}
}

// array repeats object's handling of separators: folded into one function
// that the compiler does not inline, the parse took 7 % more instructions.
func (p *Parser) array(i, depth int) (*Value, int) {
	a := p.next()
	a.t, a.a = TypeArray, a.a[:0]
	b := p.b
	i = skipSpace(b, i)
	if i < len(b) && b[i] == ']' {
		return a, i + 1
	}
	for {
		v, j := p.value(i, depth)
		if j < 0 {
			return nil, j
		}
		a.a = append(a.a, v)
		i = skipSpace(b, j)
		if i >= len(b) {
			return nil, p.fail(i, errEOF)
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return a, i + 1
		default:
			return nil, p.fail(i, errArrComma)
		}
	}
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special has the high bit set in each byte of x that is a quote or a
// backslash; the lowest set bit is exact, those above it may be false.
func special(x uint64) uint64 {
	q := x ^ (ones * '"')
	s := x ^ (ones * '\\')
	return ((q-ones)&^q | (s-ones)&^s) & highs
}

// nextSpecial is the offset of the first quote or backslash at or after
// b[i], len(b) when there is none.
//
// It reads eight bytes at a time through a pointer: with slice indexing,
// the bounds checks left too few registers for the loop, which then
// reloaded its variables from the stack on every step. The sentinel quote
// at b[len(b)], in b's capacity, ends every scan that starts at or before
// it, so no read goes past the sentinel's eight bytes.
func nextSpecial(b []byte, i int) int {
	if uint(i) > uint(len(b)) {
		panic("jsondoc: scan outside the text")
	}
	base := unsafe.Pointer(unsafe.SliceData(b))
	for {
		x := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(base, i))[:])
		if m := special(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		i += 8
	}
}

// textAt is the text from offset from to offset to of the text at base,
// which the caller has checked to be within it: slicing the text instead
// costs bounds checks that the scan already made.
func textAt(base unsafe.Pointer, from, to int) string {
	return unsafe.String((*byte)(unsafe.Add(base, from)), to-from)
}

// str reads the string whose text starts at b[i] (after the opening quote)
// and returns it with its escapes resolved, and the offset after its
// closing quote, or -1 after fail. Escapes are rewritten in place: the
// result is never longer than the text.
//
// object reads a key or a value without escapes itself (nextSpecial is
// inlined; str is too big to be): after a call every variable of the caller
// is loaded again, which costs more than the scan of a short string. That
// took the parse from 15.3k to 13.6k instructions per record.
func (p *Parser) str(i int) (string, int) {
	b := p.b
	start := i
	i = nextSpecial(b, i)
	if i >= len(b) {
		return "", p.fail(len(b), errString)
	}
	if p.Strict {
		for j := start; j < i; j++ {
			if b[j] < ' ' {
				return "", p.fail(j, errControl)
			}
		}
	}
	if b[i] == '"' {
		return unsafeString(b[start:i]), i + 1
	}
	return p.escaped(start, i)
}

// escaped finishes str for a string with an escape at b[i].
func (p *Parser) escaped(start, i int) (string, int) {
	b := p.b
	w := i // where the resolved text goes
	for i < len(b) {
		c := b[i]
		if c == '"' {
			return unsafeString(b[start:w]), i + 1
		}
		if c != '\\' {
			if c < ' ' && p.Strict {
				return "", p.fail(i, errControl)
			}
			b[w] = c
			w++
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		e := b[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			b[w] = e
		case 'b':
			b[w] = '\b'
		case 'f':
			b[w] = '\f'
		case 'n':
			b[w] = '\n'
		case 'r':
			b[w] = '\r'
		case 't':
			b[w] = '\t'
		case 'u':
			r, n := unicodeEscape(b[i-2:])
			if n == 0 {
				if p.Strict {
					return "", p.fail(i-2, errEscape)
				}
				// Not a valid escape: kept as written.
				b[w], b[w+1] = '\\', 'u'
				w += 2
				continue
			}
			i += n - 2
			w += utf8.EncodeRune(b[w:], r)
			continue
		default:
			if p.Strict {
				return "", p.fail(i-2, errEscape)
			}
			// Not a valid escape: kept as written.
			b[w], b[w+1] = '\\', e
			w += 2
			continue
		}
		w++
	}
	return "", p.fail(i, errString)
}

// unicodeEscape reads \uXXXX, or a surrogate pair of two, at the start of
// b; n is the bytes read, 0 when there is no valid escape. A lone surrogate
// becomes U+FFFD.
func unicodeEscape(b []byte) (r rune, n int) {
	x, ok := hex4(b)
	if !ok {
		return 0, 0
	}
	r = rune(x)
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		if y, ok := hex4(b[6:]); ok {
			if d := utf16.DecodeRune(r, rune(y)); d != utf8.RuneError {
				return d, 12
			}
		}
	}
	return utf8.RuneError, 6
}

// hex4 reads the four hex digits of \uXXXX at the start of b.
func hex4(b []byte) (uint16, bool) {
	if len(b) < 6 {
		return 0, false
	}
	var x uint16
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		x = x<<4 | uint16(c)
	}
	return x, true
}

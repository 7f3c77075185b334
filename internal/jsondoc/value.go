package jsondoc

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/jsonstr"
)

// Type is the JSON type of a value.
type Type uint8

const (
	TypeNull Type = iota
	TypeObject
	TypeArray
	TypeString
	TypeNumber
	TypeTrue
	TypeFalse
)

func (t Type) String() string {
	switch t {
	case TypeNull:
		return "null"
	case TypeObject:
		return "object"
	case TypeArray:
		return "array"
	case TypeString:
		return "string"
	case TypeNumber:
		return "number"
	case TypeTrue:
		return "true"
	case TypeFalse:
		return "false"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Value is one JSON value. A number keeps its text; it is read as a number
// when asked for one.
type Value struct {
	o Object
	a []*Value
	s string // a string's text, escapes resolved, or a number's text
	t Type
}

// Object is a JSON object's members in document order, duplicates kept.
type Object struct {
	kvs []kv
}

type kv struct {
	k string
	v *Value
}

// reset empties v for reuse, keeping its slices' memory.
func (v *Value) reset() {
	clear(v.o.kvs)
	v.o.kvs = v.o.kvs[:0]
	clear(v.a)
	v.a = v.a[:0]
	v.s = ""
	v.t = TypeNull
}

func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// Type is v's type.
func (v *Value) Type() Type { return v.t }

// Get follows keys from v: an object's member (the first of the name) or
// an array's element by its decimal index. It is nil when the path does not
// exist.
func (v *Value) Get(keys ...string) *Value {
	for _, k := range keys {
		if v == nil {
			return nil
		}
		if v.t == TypeObject {
			v = v.o.Get(k)
		} else {
			v = v.element(k)
		}
	}
	return v
}

// element is Get's step into an array; nil for any other type.
func (v *Value) element(k string) *Value {
	if v.t != TypeArray {
		return nil
	}
	n, err := strconv.Atoi(k)
	if err != nil || n < 0 || n >= len(v.a) {
		return nil
	}
	return v.a[n]
}

// Exists says whether the path exists.
func (v *Value) Exists(keys ...string) bool { return v.Get(keys...) != nil }

// GetObject is the object at the path, or nil.
func (v *Value) GetObject(keys ...string) *Object {
	v = v.Get(keys...)
	if v == nil || v.t != TypeObject {
		return nil
	}
	return &v.o
}

// GetArray is the array at the path, or nil.
func (v *Value) GetArray(keys ...string) []*Value {
	v = v.Get(keys...)
	if v == nil || v.t != TypeArray {
		return nil
	}
	return v.a
}

// GetStringBytes is the string at the path, or nil. The bytes belong to
// the parser: they must not be changed.
func (v *Value) GetStringBytes(keys ...string) []byte {
	v = v.Get(keys...)
	if v == nil || v.t != TypeString {
		return nil
	}
	return unsafeBytes(v.s)
}

func (v *Value) typeError(want Type) error {
	return typeErrors[want][v.t]
}

// typeErrors are the errors of asking a value of one type for another,
// made once so that the accessors stay small enough to be inlined.
var typeErrors = func() (e [TypeFalse + 1][TypeFalse + 1]error) {
	for want := range e {
		for got := range e[want] {
			e[want][got] = fmt.Errorf("value doesn't contain %s; it contains %s", Type(want), Type(got))
		}
	}
	return e
}()

// Object is v's object.
func (v *Value) Object() (*Object, error) {
	if v.t != TypeObject {
		return nil, v.typeError(TypeObject)
	}
	return &v.o, nil
}

// Array is v's elements.
func (v *Value) Array() ([]*Value, error) {
	if v.t != TypeArray {
		return nil, v.typeError(TypeArray)
	}
	return v.a, nil
}

// StringBytes is v's string. The bytes belong to the parser: they must not
// be changed.
func (v *Value) StringBytes() ([]byte, error) {
	if v.t != TypeString {
		return nil, v.typeError(TypeString)
	}
	return unsafeBytes(v.s), nil
}

// Str is v's string, or "" and false for another type or a nil v. The
// string shares the parser's buffer: it is valid until the parser parses
// again, and its bytes must not be changed.
func (v *Value) Str() (string, bool) {
	if v == nil || v.t != TypeString {
		return "", false
	}
	return v.s, true
}

// Float64 is v's number.
func (v *Value) Float64() (float64, error) {
	if v.t != TypeNumber {
		return 0, v.typeError(TypeNumber)
	}
	if !validNumber(v.s) {
		return 0, fmt.Errorf("invalid number %q", v.s)
	}
	return strconv.ParseFloat(v.s, 64)
}

// validNumber checks JSON's number grammar, which the parser leaves to the
// reader: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Len is the number of members.
func (o *Object) Len() int { return len(o.kvs) }

// Get is the first member named key, or nil.
func (o *Object) Get(key string) *Value {
	if o == nil {
		return nil
	}
	if n := len(key); n >= 8 && n <= 16 {
		// Most keys are 8 to 16 bytes long, and many of one length: two
		// overlapping words compare them whole without a call.
		head, tail := word(key, 0), word(key, n-8)
		for i := range o.kvs {
			if k := o.kvs[i].k; len(k) == n && word(k, 0) == head && word(k, n-8) == tail {
				return o.kvs[i].v
			}
		}
		return nil
	}
	for i := range o.kvs {
		if o.kvs[i].k == key {
			return o.kvs[i].v
		}
	}
	return nil
}

// word is the eight bytes of s at i; the caller keeps i+8 <= len(s).
func word(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}

// Visit calls f for each member in order. key belongs to the parser: f
// must not change or keep it.
func (o *Object) Visit(f func(key []byte, v *Value)) {
	if o == nil {
		return
	}
	for _, m := range o.kvs {
		f(unsafeBytes(m.k), m.v)
	}
}

// Set replaces the first member named key, or adds one. A nil value is
// null.
func (o *Object) Set(key string, value *Value) {
	if o == nil {
		return
	}
	if value == nil {
		value = valueNull
	}
	for i := range o.kvs {
		if o.kvs[i].k == key {
			o.kvs[i].v = value
			return
		}
	}
	o.kvs = append(o.kvs, kv{key, value})
}

// Set sets an object's member.
func (v *Value) Set(key string, value *Value) {
	if v != nil && v.t == TypeObject {
		v.o.Set(key, value)
	}
}

// String is v as JSON text.
func (v *Value) String() string { return string(v.MarshalTo(nil)) }

// String is o as JSON text.
func (o *Object) String() string { return string(o.MarshalTo(nil)) }

// MarshalTo appends v as JSON text to dst.
func (v *Value) MarshalTo(dst []byte) []byte {
	switch v.t {
	case TypeObject:
		return v.o.MarshalTo(dst)
	case TypeArray:
		dst = append(dst, '[')
		for i, x := range v.a {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = x.MarshalTo(dst)
		}
		return append(dst, ']')
	case TypeString:
		return jsonstr.Append(dst, v.s, false)
	case TypeNumber:
		return append(dst, v.s...)
	case TypeTrue:
		return append(dst, "true"...)
	case TypeFalse:
		return append(dst, "false"...)
	}
	return append(dst, "null"...)
}

// MarshalTo appends o as JSON text to dst.
func (o *Object) MarshalTo(dst []byte) []byte {
	dst = append(dst, '{')
	for i, m := range o.kvs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, m.k, false)
		dst = append(dst, ':')
		dst = m.v.MarshalTo(dst)
	}
	return append(dst, '}')
}

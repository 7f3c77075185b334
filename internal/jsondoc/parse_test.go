package jsondoc

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// plain turns v into what encoding/json makes of the same text, numbers as
// their text, to compare the two parsers.
func plain(v *Value) any {
	switch v.Type() {
	case TypeObject:
		m := map[string]any{}
		o, _ := v.Object()
		o.Visit(func(k []byte, x *Value) {
			key := replaceInvalidUTF8(string(k))
			if _, dup := m[key]; !dup { // the first wins, as in Get
				m[key] = plain(x)
			}
		})
		return m
	case TypeArray:
		a, _ := v.Array()
		out := []any{}
		for _, x := range a {
			out = append(out, plain(x))
		}
		return out
	case TypeString:
		b, _ := v.StringBytes()
		return replaceInvalidUTF8(string(b))
	case TypeNumber:
		return json.Number(v.s)
	case TypeTrue:
		return true
	case TypeFalse:
		return false
	}
	return nil
}

// standard is encoding/json's reading of text, duplicates resolved to the
// first member like plain, or ok false when it refuses the text.
func standard(text []byte) (any, bool) {
	if !json.Valid(text) {
		return nil, false
	}
	d := json.NewDecoder(strings.NewReader(string(text)))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, false
	}
	return firstWins(text, x), true
}

// replaceInvalidUTF8 replaces each byte of s that is not UTF-8 with U+FFFD,
// as encoding/json reads strings; the parser keeps them as they are.
func replaceInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r) // RuneError for a bad byte
		i += n
	}
	return b.String()
}

// firstWins re-reads objects so that a duplicate key keeps its first
// value, as Get does; encoding/json keeps the last. Only objects with a
// duplicate need it, and they are rare, so it is done the slow way.
func firstWins(text []byte, x any) any {
	var p Parser
	v, err := p.ParseBytes(text)
	if err != nil || !hasDuplicate(v) {
		return x
	}
	return plain(v)
}

func hasDuplicate(v *Value) bool {
	switch v.Type() {
	case TypeObject:
		seen := map[string]bool{}
		for _, m := range v.o.kvs {
			k := replaceInvalidUTF8(m.k)
			if seen[k] || hasDuplicate(m.v) {
				return true
			}
			seen[k] = true
		}
	case TypeArray:
		for _, x := range v.a {
			if hasDuplicate(x) {
				return true
			}
		}
	}
	return false
}

func TestParse_valid(t *testing.T) {
	for _, text := range []string{
		`{}`, `[]`, `""`, `0`, `-1.5e+10`, `true`, `false`, `null`,
		` { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "d" } `,
		`{"eventName":"CreateSnapshot","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/x"}}`,
		`"a\"b\\c\/d\b\f\n\r\t"`,
		`"\u0041\u00e9\u4e2d\ud83d\ude00"`,
		`"long string without escapes that spans more than eight bytes, several times over"`,
		`"12345678"`, `"1234567\""`, `"\\\\\\\""`, `["a","bb","ccc","dddddddd","eeeeeeeee"]`,
		`{"k\"ey":1,"k\u0065y":2}`,
		"\t\r\n[1]\n",
	} {
		var p Parser
		v, err := p.Parse(text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		want, ok := standard([]byte(text))
		if !ok {
			t.Fatalf("%s: encoding/json refuses it", text)
		}
		if got := plain(v); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", text, got, want)
		}
	}
}

func TestParse_errors(t *testing.T) {
	for text, offset := range map[string]int{
		``:                              0,
		` `:                             1,
		`{`:                             1,
		`{"a"}`:                         4,
		`{"a":}`:                        5,
		`{"a":1,}`:                      7,
		`{"a":1 "b":2}`:                 7,
		`[1,]`:                          3,
		`[1 2]`:                         3,
		`"abc`:                          4,
		`"abc\`:                         4,
		`tru`:                           0,
		`nul`:                           0,
		`{"a":1}x`:                      7,
		`{1:2}`:                         1,
		`+1`:                            0,
		`[` + `"\"`:                     4,
		`{"a":[1,{"b":`:                 13,
		`{"a":"b"]`:                     8,
		`["a"}`:                         4,
		`falsey`:                        5,
		`"\u12"`:                        -1,
		`[nulll]`:                       5,
		`{"a" 1}`:                       5,
		strings.Repeat("[", MaxDepth+1): MaxDepth,
	} {
		var p Parser
		_, err := p.Parse(text)
		if offset < 0 {
			continue // accepted, escape kept as written
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a SyntaxError", text, err)
			continue
		}
		if se.Offset != offset {
			t.Errorf("%q: offset %d, want %d (%v)", text, se.Offset, offset, err)
		}
		if !strings.HasPrefix(err.Error(), "cannot parse JSON: ") {
			t.Errorf("%q: message %q", text, err)
		}
	}
	if _, err := Parse(strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)); err != nil {
		t.Errorf("depth %d: %v", MaxDepth, err)
	}
}

// Invalid escapes and lone surrogates are read as fastjson read them, so
// that text that logs carry decodes as before: the escape is kept as
// written, a lone surrogate becomes U+FFFD.
func TestParse_lenientStrings(t *testing.T) {
	for text, want := range map[string]string{
		`"a\qb"`:            `a\qb`,
		`"\u12zz"`:          `\u12zz`,
		`"\ud83d"`:          "\uFFFD",
		`"\ud83dx"`:         "\uFFFDx",
		`"\ud83d\u0041"`:    "\uFFFDA",
		"\"tab\there\"":     "tab\there",
		`"\u00"`:            `\u00`,
		`"x\u0000y"`:        "x\x00y",
		`"\/\u002F"`:        "//",
		`"\ude00\ud83d"`:    "\uFFFD\uFFFD",
		`"\ud83d\ude00abc"`: "\U0001F600abc",
	} {
		v, err := Parse(text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		if got, _ := v.StringBytes(); string(got) != want {
			t.Errorf("%s: %q, want %q", text, got, want)
		}
	}
}

func TestParser_reuse(t *testing.T) {
	var p Parser
	first, _ := p.Parse(`{"a":{"b":[1,2,3],"c":"x"},"d":[{"e":1}]}`)
	_ = first
	v, err := p.Parse(`{"z":"y","w":[]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String(); got != `{"z":"y","w":[]}` {
		t.Errorf("second parse: %s", got)
	}
	in := []byte(`{"a":"b\nc"}`)
	keep := string(in)
	if _, err := p.ParseBytes(in); err != nil || string(in) != keep {
		t.Errorf("ParseBytes changed its input: %q (%v)", in, err)
	}
}

func TestValue_accessors(t *testing.T) {
	v := MustParse(`{"a":{"b":[10,"x",{"c":true}]},"n":-42,"f":1.5,"big":1e400,"s":"str","dup":1,"dup":2,"bad":01}`)
	if got := v.Get("a", "b", "0").String(); got != "10" {
		t.Errorf("array index: %s", got)
	}
	if v.Get("a", "b", "2", "c").Type() != TypeTrue || v.Exists("a", "b", "3") || v.Exists("a", "b", "-1") || v.Exists("s", "x") {
		t.Error("paths")
	}
	if n, err := v.Get("n").Float64(); n != -42 || err != nil {
		t.Errorf("Float64 of -42: %v %v", n, err)
	}
	if f, err := v.Get("f").Float64(); f != 1.5 || err != nil {
		t.Errorf("Float64: %v %v", f, err)
	}
	if _, err := v.Get("big").Float64(); err == nil {
		t.Error("Float64 of 1e400")
	}
	if _, err := v.Get("bad").Float64(); err == nil {
		t.Error("Float64 of 01")
	}
	if _, err := v.Get("s").Float64(); err == nil {
		t.Error("Float64 of a string")
	}
	if got := v.Get("dup").String(); got != "1" {
		t.Errorf("the first duplicate: %s", got)
	}
	if string(v.GetStringBytes("s")) != "str" || v.GetStringBytes("n") != nil {
		t.Error("GetStringBytes")
	}
	if s, ok := v.Get("s").Str(); s != "str" || !ok {
		t.Errorf("Str of a string: %q %v", s, ok)
	}
	if s, ok := v.Get("n").Str(); s != "" || ok {
		t.Errorf("Str of a number: %q %v", s, ok)
	}
	if s, ok := v.Get("missing").Str(); s != "" || ok {
		t.Errorf("Str of nil: %q %v", s, ok)
	}
	if len(v.GetArray("a", "b")) != 3 || v.GetArray("a") != nil || v.GetObject("a").Len() != 1 {
		t.Error("GetArray, GetObject")
	}
	if _, err := v.Get("a").Array(); err == nil {
		t.Error("Array of an object")
	}
	if _, err := v.Get("s").Object(); err == nil {
		t.Error("Object of a string")
	}
	if _, err := v.Get("n").StringBytes(); err == nil {
		t.Error("StringBytes of a number")
	}
	var nilValue *Value
	if nilValue.Get("a") != nil || nilValue.Exists() || nilValue.GetStringBytes("a") != nil {
		t.Error("nil value")
	}
}

// TestObject_getByWords covers Get's word compare for keys of 8 to 16
// bytes: keys of one length that differ in the middle only, at either end,
// duplicates, escaped keys and keys too short or long for the words.
func TestObject_getByWords(t *testing.T) {
	v := MustParse(`{"eventTime":1,"eventType":2,"eventName":3,"eventXame":4,"eventName":5,` +
		`"Event\u004eame":6,"abcdefghijklmnop":7,"abcdefghXjklmnop":8,"short":9,"abcdefghijklmnopq":10}`)
	for key, want := range map[string]string{
		"eventTime": "1", "eventType": "2", "eventName": "3", "eventXame": "4", "EventName": "6",
		"abcdefghijklmnop": "7", "abcdefghXjklmnop": "8", "short": "9", "abcdefghijklmnopq": "10",
	} {
		if got := v.Get(key).String(); got != want {
			t.Errorf("Get(%q) = %s, want %s", key, got, want)
		}
	}
	for _, key := range []string{"eventNamf", "fventName", "eventName ", "abcdefghijklmnoP", "Abcdefghijklmnop", "eventNam"} {
		if v.Get(key) != nil {
			t.Errorf("Get(%q) found a member", key)
		}
	}
}

func TestValue_setMarshal(t *testing.T) {
	var a Arena
	o := a.NewObject()
	o.Set("k", a.NewString("v\"\n\x01\xff é"))
	o.Set("n", nil)
	o.Set("arr", MustParse(`["x"]`))
	o.Set("k", a.NewString("w"))
	if got := o.String(); got != `{"k":"w","n":null,"arr":["x"]}` {
		t.Errorf("built: %s", got)
	}
	o.Set("k", a.NewString("v\"\n\x01\xff é\\"))
	want := `{"k":"v\"\n\u0001\ufffd é\\","n":null,"arr":["x"]}`
	if got := o.String(); got != want {
		t.Errorf("escaped: %s, want %s", got, want)
	}
	var back any
	if err := json.Unmarshal([]byte(o.String()), &back); err != nil {
		t.Errorf("not JSON: %v", err)
	}
	v := MustParse(` { "a" : [ 1 , -2.5e3 , true , false , null , "s" ] } `)
	if got := v.String(); got != `{"a":[1,-2.5e3,true,false,null,"s"]}` {
		t.Errorf("compact: %s", got)
	}
	if got := v.Get("a").Type().String() + " " + Type(9).String(); got != "array Type(9)" {
		t.Errorf("type names: %s", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,"b",{"c":null}],"d":"e\u00e9\n"}`, `[]`, `"x\\y"`, `-0.5e-3`, `{"a":1,"a":2}`,
		`"\ud83d\ude00"`, `"\ud83d"`, "{\"\xfa\":0,\"\xfb\":1}", `{"k\"":"v"}`, `[1,]`, `{"a"`, `"abcdefgh\"ijklmnop"`,
	} {
		f.Add([]byte(s))
	}
	var reused Parser
	f.Fuzz(func(t *testing.T, text []byte) {
		keep := string(text)
		var p Parser
		v, err := p.ParseBytes(text)
		if string(text) != keep {
			t.Fatal("the input changed")
		}
		want, ok := standard(text)
		if ok && !errors.Is(err, errDepth) {
			if err != nil {
				t.Fatalf("refused what encoding/json reads: %v", err)
			}
			if got := plain(v); !reflect.DeepEqual(got, want) {
				t.Fatalf("\n got %#v\nwant %#v", got, want)
			}
		}
		if err != nil {
			return
		}
		// What it reads, it writes back as JSON that reads the same.
		out := v.MarshalTo(nil)
		again, err := Parse(string(out))
		if err != nil {
			t.Fatalf("its output %q does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(plain(again), plain(v)) && json.Valid(text) {
			t.Fatalf("round trip: %q -> %q", text, out)
		}
		// A strict parser reads exactly what encoding/json reads.
		strict := Parser{Strict: true}
		if _, err := strict.ParseBytes(text); (err == nil) != json.Valid(text) && !errors.Is(err, errDepth) {
			t.Fatalf("strict: %v, encoding/json valid: %v", err, json.Valid(text))
		}
		// A reused parser reads it as a fresh one does.
		r, err := reused.ParseBytes(text)
		if err != nil || !reflect.DeepEqual(plain(r), plain(v)) {
			t.Fatalf("reused parser: %v", err)
		}
	})
}

// NaN, which Python writes, reads as a number whose text is not one, as
// fastjson read it; Strict refuses it.
func TestParse_NaN(t *testing.T) {
	v, err := Parse(`{"load":NaN,"x":nan}`)
	if err != nil {
		t.Fatal(err)
	}
	if x := v.Get("load"); x.Type() != TypeNumber || x.String() != "NaN" {
		t.Errorf("NaN read as %s %s", x.Type(), x)
	}
	if _, err := v.Get("x").Float64(); err == nil {
		t.Error("Float64 of nan")
	}
	for _, text := range []string{`NaN`, `[nan]`, `Infinity`, `nul`, `na`} {
		p := Parser{Strict: true}
		if _, err := p.Parse(text); err == nil {
			t.Errorf("strict read %s", text)
		}
	}
	if _, err := Parse(`Infinity`); err == nil {
		t.Error("Infinity read")
	}
}

func TestParser_strict(t *testing.T) {
	for text, bad := range map[string]bool{
		`{"a":"b","n":[-0.5e3,0,10]}`: false,
		`"a\qb"`:                      true,
		`"\u12zz"`:                    true,
		"\"tab\there\"":               true,
		"\"esc\\\"\x01\"":             true,
		`01`:                          true,
		`-`:                           true,
		`1.`:                          true,
		`1e+`:                         true,
		`"\ud83d"`:                    false, // encoding/json reads it as U+FFFD
	} {
		p := Parser{Strict: true}
		_, err := p.Parse(text)
		if (err != nil) != bad {
			t.Errorf("%q: %v", text, err)
		}
		if json.Valid([]byte(text)) == bad {
			t.Errorf("%q: encoding/json disagrees", text)
		}
	}
}

// A parser lets go of what one huge document made it grow, so that a
// worker that met one does not hold its memory for good.
func TestParser_reclaims(t *testing.T) {
	var p Parser
	huge := "[" + strings.Repeat(`"abcdefgh",`, maxKeptValues) + `"x"]`
	v, err := p.Parse(huge)
	if err != nil || len(v.a) != maxKeptValues+1 {
		t.Fatalf("huge: %v", err)
	}
	if _, err := p.Parse(`{"a":1}`); err != nil {
		t.Fatal(err)
	}
	if cap(p.vs) > maxKeptValues || cap(p.b) > maxKeptText {
		t.Errorf("kept %d values and %d bytes", cap(p.vs), cap(p.b))
	}
}

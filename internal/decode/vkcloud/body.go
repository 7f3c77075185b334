package vkcloud

import (
	"regexp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// body is a request or response body carried as JSON inside a string. VK
// writes it as "", "{}", "<BINARY_DATA>", masked (XXXX) or cut short; when
// it does not parse, lookups fall back to the key/value pairs that can still
// be read from the text, so a truncated body still names its volume.
type body struct {
	v     *jsondoc.Value
	pairs []pair // fallback: scalar pairs in text order, when v is nil
	first string // fallback: the first key of the object
}

type pair struct{ key, val string }

// scalarPair matches one "key": value pair whose value is a complete string,
// number or literal. A string cut off by truncation does not match.
var scalarPair = regexp.MustCompile(`"([A-Za-z0-9_:.\-]+)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?[0-9][0-9.eE+\-]*|true|false|null))`)

// firstKey matches the first key of an object.
var firstKey = regexp.MustCompile(`^\s*\{\s*"([^"\\]+)"`)

// maxFallback bounds the text searched by the fallback, so a huge binary
// body costs little.
const maxFallback = 64 << 10

func parseBody(s string) body {
	if v := decode.ParseEmbedded(s); v != nil {
		return body{v: v}
	}
	if len(s) > maxFallback {
		s = s[:maxFallback]
	}
	var b body
	if m := firstKey.FindStringSubmatch(s); m != nil {
		b.first = m[1]
	}
	for _, m := range scalarPair.FindAllStringSubmatch(s, -1) {
		val := m[2]
		if m[3] != "" {
			val = m[3]
		} else if strings.IndexByte(val, '\\') >= 0 {
			val = unescape(val)
		}
		b.pairs = append(b.pairs, pair{m[1], val})
	}
	return b
}

// unescape decodes the escapes of a JSON string's contents, or returns it
// unchanged.
func unescape(s string) string {
	var p jsondoc.Parser
	v, err := p.Parse(`"` + s + `"`)
	if err != nil {
		return s
	}
	b, _ := v.StringBytes()
	return string(b)
}

// parsed reports whether the body is a JSON object or array.
func (b body) parsed() bool { return b.v != nil }

// str returns the text at path; on an unparsed body, the first value of the
// path's last key anywhere in the text.
func (b body) str(path ...string) string {
	if b.v != nil {
		return decode.Str(b.v, path...)
	}
	if len(path) == 0 {
		return ""
	}
	return b.find(path[len(path)-1])
}

// find returns the first fallback value of key.
func (b body) find(key string) string {
	for _, p := range b.pairs {
		if p.key == key && p.val != "null" {
			return p.val
		}
	}
	return ""
}

// num returns the integer at path (a number or a numeric string).
func (b body) num(path ...string) (int, bool) {
	if b.v != nil {
		return decode.Int(b.v, path...)
	}
	if len(path) == 0 {
		return 0, false
	}
	s := b.find(path[len(path)-1])
	n := 0
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// get returns the parsed value at path, or nil (always nil when unparsed).
func (b body) get(path ...string) *jsondoc.Value {
	if b.v == nil {
		return nil
	}
	return b.v.Get(path...)
}

// key returns the first key of the body object: the operation of a Nova
// server action or a Cinder volume action.
func (b body) key() string {
	if b.v == nil {
		return b.first
	}
	o, err := b.v.Object()
	if err != nil {
		return ""
	}
	var k string
	o.Visit(func(key []byte, _ *jsondoc.Value) {
		if k == "" {
			k = string(key)
		}
	})
	return k
}

package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/valyala/fastjson"
)

// entry is one LogEntry with its protoPayload, found whatever the case of
// the keys (Panther lower-cases top-level keys: protopayload, insertid).
type entry struct {
	v  *fastjson.Value
	pp *fastjson.Value
}

func payload(v *fastjson.Value) *fastjson.Value {
	pp := decode.GetFold(v, "protoPayload")
	if pp == nil || pp.Type() != fastjson.TypeObject {
		return nil
	}
	return pp
}

// firstOnly reports whether the entry opens an operation that another entry
// completes.
func (e entry) firstOnly() bool {
	op := decode.GetFold(e.v, "operation")
	return decode.Bool(op, "first") && !decode.Bool(op, "last")
}

// op is the entries of one operation in order (first, last). Lookups return
// the first entry's value that is present, as decode.Docs does.
type op []entry

func newOp(docs []*fastjson.Value) op {
	o := make(op, 0, len(docs))
	for _, d := range docs {
		if d != nil && d.Type() == fastjson.TypeObject {
			o = append(o, entry{v: d, pp: payload(d)})
		}
	}
	return o
}

// str returns a protoPayload field as text.
func (o op) str(path ...string) string {
	for _, e := range o {
		if s := clean(decode.StrFold(e.pp, path...)); s != "" {
			return s
		}
	}
	return ""
}

// get returns a protoPayload value that is neither null nor elided.
func (o op) get(path ...string) *fastjson.Value {
	for _, e := range o {
		if x := decode.GetPathFold(e.pp, path...); present(x) {
			return x
		}
	}
	return nil
}

// top returns a LogEntry field (outside protoPayload) as text.
func (o op) top(path ...string) string {
	for _, e := range o {
		if s := clean(decode.StrFold(e.v, path...)); s != "" {
			return s
		}
	}
	return ""
}

// request is the operation's request: only the first entry carries it.
func (o op) request() *fastjson.Value {
	r := o.get("request")
	if r == nil || r.Type() != fastjson.TypeObject {
		return nil
	}
	return r
}

// metadataType is protoPayload.metadata's @type.
func (o op) metadataType() string {
	return typeOf(o.get("metadata"))
}

// typeOf returns an object's @type, also under Panther's spelling.
func typeOf(v *fastjson.Value) string {
	if s := decode.Str(v, "@type"); s != "" {
		return s
	}
	return decode.Str(v, "at_sign_type")
}

func present(x *fastjson.Value) bool {
	if x == nil || x.Type() == fastjson.TypeNull {
		return false
	}
	if x.Type() == fastjson.TypeString {
		b, _ := x.StringBytes()
		return clean(string(b)) != ""
	}
	return true
}

// clean drops the "..." Panther writes for elided values.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if s == "..." {
		return ""
	}
	return s
}

// str reads text from a request value, ignoring elided values.
func str(v *fastjson.Value, path ...string) string {
	return clean(decode.Str(v, path...))
}

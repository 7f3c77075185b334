package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// entry is one LogEntry with its protoPayload, found whatever the case of
// the keys (Panther lower-cases top-level keys: protopayload, insertid).
type entry struct {
	v  *jsondoc.Value
	pp *jsondoc.Value
}

func payload(v *jsondoc.Value) *jsondoc.Value {
	pp := decode.GetFold(v, "protoPayload")
	if pp == nil || pp.Type() != jsondoc.TypeObject {
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

func newOp(docs []*jsondoc.Value) op {
	o := make(op, 0, len(docs))
	for _, d := range docs {
		if d != nil && d.Type() == jsondoc.TypeObject {
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
func (o op) get(path ...string) *jsondoc.Value {
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
func (o op) request() *jsondoc.Value {
	r := o.get("request")
	if r == nil || r.Type() != jsondoc.TypeObject {
		return nil
	}
	return r
}

// metadataType is protoPayload.metadata's @type.
func (o op) metadataType() string {
	return typeOf(o.get("metadata"))
}

// typeOf returns an object's @type, also under Panther's spelling.
func typeOf(v *jsondoc.Value) string {
	if s := decode.Str(v, "@type"); s != "" {
		return s
	}
	return decode.Str(v, "at_sign_type")
}

func present(x *jsondoc.Value) bool {
	if x == nil || x.Type() == jsondoc.TypeNull {
		return false
	}
	if x.Type() == jsondoc.TypeString {
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
func str(v *jsondoc.Value, path ...string) string {
	return clean(decode.Str(v, path...))
}

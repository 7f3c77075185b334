package yandex

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// Labels: Create* and Update* events carry the object's labels in details
// (or request_parameters). Criticality can be declared by label, so they
// are copied, as written, onto the object the operation made or changed.

// labels merges the labels of every record, later records winning: DONE
// reports them as they ended up.
func (o *op) labels() map[string]string {
	var out map[string]string
	for _, v := range o.r {
		for _, l := range []*fastjson.Value{get(v, "request_parameters", "labels"), get(v, "details", "labels")} {
			out = labelsOf(l, out)
		}
	}
	return out
}

// labelsOf adds the labels in l to m: an object of key → value, or (as some
// exporters re-encode maps) a list of {key, value}. Values that are not
// text, a number or a boolean read as "".
func labelsOf(l *fastjson.Value, m map[string]string) map[string]string {
	put := func(k, v string) {
		if k == "" {
			return
		}
		if m == nil {
			m = map[string]string{}
		}
		m[k] = v
	}
	switch {
	case l == nil:
	case l.Type() == fastjson.TypeObject:
		o, _ := l.Object()
		o.Visit(func(k []byte, v *fastjson.Value) { put(string(k), decode.Str(v)) })
	case l.Type() == fastjson.TypeArray:
		for _, kv := range decode.Each(l) {
			put(decode.Str(kv, "key"), decode.Str(kv, "value"))
		}
	}
	return m
}

// label gives the operation's labels to the resource.
func (o *op) label(role event.Role, typ event.ResourceType, id string) {
	o.e.TagResource(role, typ, id, o.labels())
}

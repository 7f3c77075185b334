package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// Tags. Criticality can be declared by tag, so the tags a write gives a
// resource are kept on it, keys and values as written.

// tagsOf reads a tags member: an object of names to values (the ARM shape),
// or a list of {key|name, value} entries. Values that are not strings are
// kept as their JSON text; a missing or null value is "". Other shapes
// yield nothing.
func tagsOf(v *fastjson.Value) map[string]string {
	if v == nil {
		return nil
	}
	out := map[string]string{}
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, x *fastjson.Value) {
			out[string(k)] = tagValue(x)
		})
	case fastjson.TypeArray:
		for _, it := range v.GetArray() {
			k := decode.StrFold(it, "key")
			if k == "" {
				k = decode.StrFold(it, "name")
			}
			if k != "" {
				out[k] = tagValue(decode.GetFold(it, "value"))
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func tagValue(x *fastjson.Value) string {
	if x == nil {
		return ""
	}
	switch x.Type() {
	case fastjson.TypeString:
		b, _ := x.StringBytes()
		return string(b)
	case fastjson.TypeNull, fastjson.TypeObject, fastjson.TypeArray:
		return ""
	}
	return x.String()
}

// tagWritten gives the resource a write (a PUT or PATCH) is about the tags
// of its body: the response's, which hold the resource's settled tags, else
// the request's. The resource keeps the role its handler gave it, created
// first.
func tagWritten(o *op) {
	if !strings.HasSuffix(o.e.Operation, "/write") {
		return
	}
	tags := tagsOf(o.body("tags"))
	if tags == nil {
		return
	}
	var hit *event.Resource
	for i := range o.e.Resources {
		r := &o.e.Resources[i]
		if r.ID == o.id && (hit == nil || r.Role == event.RoleCreated) {
			hit = r
		}
	}
	if hit != nil {
		o.e.TagResource(hit.Role, hit.Type, hit.ID, tags)
	}
}

// tagsProvider marks the tags extension resource of a scope:
// <scope>/providers/microsoft.resources/tags/default.
const tagsProvider = "/providers/microsoft.resources/tags"

// tagsWrite: Microsoft.Resources/tags/write sets the tags of the resource
// it extends (a PUT replaces them, a PATCH merges or deletes). It has no
// action; the resource is the target, with the tags unless they were
// deleted.
func tagsWrite(o *op) {
	scope := o.id
	if i := strings.LastIndex(scope, tagsProvider); i > 0 {
		scope = scope[:i]
	}
	r := o.add(event.RoleTarget, "", scope)
	if r == nil || strings.EqualFold(o.bodyStr("operation"), "Delete") {
		return
	}
	tags := tagsOf(o.body("properties", "tags"))
	if tags == nil {
		tags = tagsOf(o.body("tags"))
	}
	o.e.TagResource(r.Role, r.Type, r.ID, tags)
}

package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Tags. Criticality can be declared by tag, so the tags a write gives a
// resource are kept on it, keys and values as written.

// tagWritten gives the resource a write (a PUT or PATCH) is about the tags
// of its body: the response's, which hold the resource's settled tags, else
// the request's. The resource keeps the role its handler gave it, created
// first.
func tagWritten(o *op) {
	if !strings.HasSuffix(o.e.Operation, "/write") {
		return
	}
	tags := decode.Tags(o.body("tags"))
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
	tags := decode.Tags(o.body("properties", "tags"))
	if tags == nil {
		tags = decode.Tags(o.body("tags"))
	}
	o.e.TagResource(r.Role, r.Type, r.ID, tags)
}

package yandex

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Labels: Create* and Update* events carry the object's labels in details
// (or request_parameters). Criticality can be declared by label, so they
// are copied, as written, onto the object the operation made or changed.

// labels merges the labels of every record, later records winning: DONE
// reports them as they ended up.
func (o *op) labels() map[string]string {
	var out map[string]string
	for _, v := range o.r {
		for _, l := range []*jsondoc.Value{get(v, "request_parameters", "labels"), get(v, "details", "labels")} {
			out = decode.AddTags(out, l)
		}
	}
	return out
}

// label gives the operation's labels to the resource.
func (o *op) label(role event.Role, typ event.ResourceType, id string) {
	o.e.TagResource(role, typ, id, o.labels())
}

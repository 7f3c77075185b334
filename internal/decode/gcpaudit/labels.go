package gcpaudit

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// Labels. Criticality can be declared by label, so the labels a request
// gives a resource are kept on it, keys and values as written.

// labelsOf reads a labels member: a map (the REST shape) or a list of
// {key, value} entries (how Compute's audit entries often render maps).
// Values that are not strings are kept as their JSON text; a missing or
// null value is "". Other shapes yield nothing.
func labelsOf(v *fastjson.Value) map[string]string {
	if v == nil {
		return nil
	}
	out := map[string]string{}
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, x *fastjson.Value) {
			out[string(k)] = labelValue(x)
		})
	case fastjson.TypeArray:
		for _, it := range v.GetArray() {
			if k := decode.Str(it, "key"); k != "" {
				out[k] = labelValue(it.Get("value"))
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func labelValue(x *fastjson.Value) string {
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

// labelable are the types whose labels matter for criticality.
var labelable = map[event.ResourceType]bool{
	event.Volume: true, event.Snapshot: true, event.Image: true, event.Instance: true, event.Database: true,
}

// labelCreated gives the resource an operation made the labels of its
// request: request.labels for Compute inserts, settings.userLabels for a
// Cloud SQL instance.
func labelCreated(c *norm) {
	labels := labelsOf(c.req.Get("labels"))
	if labels == nil {
		labels = labelsOf(c.body().Get("settings", "userLabels"))
	}
	if labels == nil {
		return
	}
	for _, r := range c.e.Resources {
		if r.Role == event.RoleCreated && labelable[r.Type] {
			c.e.TagResource(r.Role, r.Type, r.ID, labels)
			return
		}
	}
}

// setLabels replaces the labels of the named resource; it has no action.
func setLabels(c *norm) {
	c.target()
	if t := kindOf(c.name); t != "" {
		c.e.TagResource(event.RoleTarget, t, c.name, labelsOf(c.req.Get("labels")))
	}
}

package azureactivity

import (
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// op is one operation being normalized: its records, the resource it is
// about, and its request and response bodies (parsed on first use).
type op struct {
	e    *event.Event
	docs decode.Docs
	id   string // canonical id of the resource operated on

	parsed    bool
	req, resp *jsondoc.Value
}

// bodies parses the request body of the first record carrying one and the
// response body of the last (the most settled state of the resource).
// Either may be a JSON string (the usual case) or an object.
func (o *op) bodies() (req, resp *jsondoc.Value) {
	if o.parsed {
		return o.req, o.resp
	}
	o.parsed = true
	for _, d := range o.docs {
		p := d.Get("properties")
		if o.req == nil {
			o.req = embedded(decode.GetFold(p, "requestbody"))
		}
		if b := embedded(decode.GetFold(p, "responseBody")); b != nil {
			o.resp = b
		}
	}
	return o.req, o.resp
}

func embedded(x *jsondoc.Value) *jsondoc.Value {
	if x == nil {
		return nil
	}
	switch x.Type() {
	case jsondoc.TypeObject:
		return x
	case jsondoc.TypeString:
		b, _ := x.StringBytes()
		if v := decode.ParseEmbedded(string(b)); v != nil && v.Type() == jsondoc.TypeObject {
			return v
		}
	}
	return nil
}

// body returns the value at path (keys matched ignoring case) in the
// response body, else in the request body.
func (o *op) body(path ...string) *jsondoc.Value {
	req, resp := o.bodies()
	if x := decode.GetPathFold(resp, path...); x != nil && x.Type() != jsondoc.TypeNull {
		return x
	}
	if x := decode.GetPathFold(req, path...); x != nil && x.Type() != jsondoc.TypeNull {
		return x
	}
	return nil
}

// bodyStr is body as text.
func (o *op) bodyStr(path ...string) string {
	return decode.Str(o.body(path...))
}

// hasBody reports whether any record carried a readable body.
func (o *op) hasBody() bool {
	req, resp := o.bodies()
	return req != nil || resp != nil
}

// add records a resource by its raw id, canonicalised, named by its last
// segment; typ "" means the type the id names. Ids of unknown type are skipped. A resource in another
// subscription than the event's carries that subscription.
func (o *op) add(role event.Role, typ event.ResourceType, raw string) *event.Resource {
	id := event.AzureID(raw)
	if !strings.HasPrefix(id, "/") {
		return nil
	}
	if typ == "" {
		typ = typeOf(id)
	}
	if typ == "" {
		return nil
	}
	r := o.e.AddResource(role, typ, id)
	if r == nil {
		return nil
	}
	r.Name = lastSegment(id) // lower-case like the id: logs spell names both ways
	if sub := subscriptionOf(id); sub != "" && sub != o.e.Account {
		r.Account = sub
	}
	return r
}

// has reports whether a resource with this canonical id is recorded.
func (o *op) has(id string) bool {
	for _, r := range o.e.Resources {
		if r.ID == id {
			return true
		}
	}
	return false
}

// created tells a PUT that made a resource from one that updated it, from
// the HTTP status (201 Created vs 200 OK), the provisioning state, or a
// creation time well before the operation. known is false without evidence.
func (o *op) created() (yes, known bool) {
	ok := false
	for _, d := range o.docs {
		for _, s := range []string{text(d, "subStatus"), decode.Str(d, "properties", "statusCode"), decode.Str(d, "resultSignature")} {
			s = strings.ToLower(s)
			switch {
			case strings.Contains(s, "created") || s == "201":
				return true, true
			case s == "ok" || s == "200" || strings.HasSuffix(s, ".ok"):
				ok = true
			}
		}
	}
	switch strings.ToLower(o.bodyStr("properties", "provisioningState")) {
	case "creating":
		return true, true
	case "updating":
		return false, true
	}
	if o.preexisting() {
		return false, true
	}
	return false, ok
}

// preexisting reports whether the response shows the resource was created
// more than an hour before the operation: the write was an update.
func (o *op) preexisting() bool {
	t, ok := decode.ParseTime(o.bodyStr("properties", "timeCreated"))
	return ok && !o.e.Time.IsZero() && t.Before(o.e.Time.Add(-time.Hour))
}

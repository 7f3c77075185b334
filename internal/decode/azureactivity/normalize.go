package azureactivity

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

var errNoOperation = errors.New("not an Activity Log record: no operationName")

// Normalize builds one event from the records of one operation, in order
// (first, middles, last). The first record gives id, time and actor; the
// last gives the outcome (unknown unless it is a final Succeeded or Failed).
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	if len(docs) == 0 {
		return nil, errNoOperation
	}
	d := decode.Docs(docs)
	name := ""
	for _, v := range d {
		if name = operation(v); name != "" {
			break
		}
	}
	if name == "" {
		return nil, errNoOperation
	}
	e := &event.Event{Cloud: event.Azure, Operation: name}
	o := &op{e: e, docs: d}
	for _, v := range d {
		if o.id = resourceID(v); o.id != "" {
			break
		}
	}
	e.ID = eventID(d)
	for _, v := range d {
		if t, ok := decode.ParseTime(recordTime(v)); ok {
			e.Time = t
			break
		}
	}
	e.Account = account(d, o.id)
	e.Service = service(name, o.id)
	e.Actor = actor(d)
	e.Outcome = outcomeOf(d.Last())
	if e.Outcome == event.Failure {
		e.Error = errorOf(d.Last())
	}
	if h := handlers[name]; h != nil {
		h(o)
	}
	if !o.has(o.id) {
		o.add(event.RoleTarget, "", o.id)
	}
	tagWritten(o)
	e.Region = region(o)
	return e, nil
}

// eventID is the REST shape's eventDataId (or id). The records shape has no
// event id, and its correlationId is shared by every operation of a
// deployment, so the id is the correlationId qualified by a hash of the
// first record: searchable in the portal, unique per operation.
func eventID(d decode.Docs) string {
	first := d[0]
	if s := decode.Str(first, "eventDataId"); s != "" {
		return s
	}
	if s := decode.Str(first, "id"); s != "" {
		return s
	}
	sum := sha256.Sum256(first.MarshalTo(nil))
	h := hex.EncodeToString(sum[:8])
	if c := decode.Str(first, "correlationId"); c != "" {
		return strings.ToLower(c) + "/" + h
	}
	return "sha256:" + h
}

// account is the subscription: from the resource id, the subscriptionId
// field, or the authorization scope; lower-cased like resource ids.
func account(d decode.Docs, id string) string {
	if s := subscriptionOf(id); s != "" {
		return s
	}
	if s := d.Str("subscriptionId"); s != "" {
		return strings.ToLower(s)
	}
	for _, path := range [][]string{{"authorization", "scope"}, {"identity", "authorization", "scope"}} {
		if s := subscriptionOf(event.AzureID(d.Str(path...))); s != "" {
			return s
		}
	}
	return ""
}

// service is the resource provider namespace of the operation
// ("microsoft.compute"), else of the resource (storage data-plane records
// name their operation "GetBlob").
func service(name, id string) string {
	if i := strings.IndexByte(name, '/'); i > 0 {
		return name[:i]
	}
	return namespaceOf(id)
}

// region is the record's location; "global" (which the records shape often
// writes) yields to the resource's own location when a record or body has it.
func region(o *op) string {
	loc := strings.ToLower(strings.TrimSpace(o.docs.Str("location")))
	if loc != "" && loc != "global" {
		return loc
	}
	for _, s := range []string{o.docs.Str("properties", "resourceLocation"), o.bodyStr("location")} {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" && s != "global" {
			return s
		}
	}
	return loc
}

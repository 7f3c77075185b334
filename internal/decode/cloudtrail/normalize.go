package cloudtrail

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

var errNoOperation = errors.New("not a CloudTrail record: no eventName")

// Normalize builds one event from one CloudTrail record (CloudTrail never
// splits an operation over several records; given more, the first wins).
func (Format) Normalize(docs []*fastjson.Value) (*event.Event, error) {
	if len(docs) == 0 {
		return nil, errNoOperation
	}
	d := decode.Docs(docs)
	if d.Str("eventName") == "" {
		if isLookup(docs[0]) {
			return lookupEvent(docs[0])
		}
		return nil, errNoOperation
	}
	e := &event.Event{
		ID:        d.Str("eventID"),
		Cloud:     event.AWS,
		Account:   d.Str("recipientAccountId"),
		Region:    d.Str("awsRegion"),
		Service:   d.Str("eventSource"),
		Operation: d.Str("eventName"),
		Outcome:   event.Success,
	}
	if e.ID == "" {
		e.ID = decode.FallbackID(docs[0])
	}
	if t, ok := decode.ParseTime(d.Str("eventTime")); ok {
		e.Time = t
	} else if t, ok := decode.ParseTime(d.Str("@timestamp")); ok {
		e.Time = t // Logstash replaced eventTime
	}
	if e.Account == "" {
		e.Account = d.Str("userIdentity", "accountId")
	}
	outcome(e, d.Last())
	e.Actor = actor(d.Get("userIdentity"), d, e.Account)

	r := &rec{
		e:  e,
		v:  docs[0],
		rp: d.Get("requestParameters"),
		re: d.Get("responseElements"),
	}
	if h := handlers[opKey{e.Service, e.Operation}]; h != nil {
		h(r)
	}
	return e, nil
}

// outcome sets failure from errorCode (dropping the "Client." prefix some
// services add) and from a failed console sign-in, which has no errorCode.
func outcome(e *event.Event, last *fastjson.Value) {
	if code := decode.Str(last, "errorCode"); code != "" {
		e.Outcome = event.Failure
		e.Error = strings.TrimPrefix(code, "Client.")
		return
	}
	if decode.Str(last, "responseElements", "ConsoleLogin") == "Failure" {
		e.Outcome = event.Failure
		e.Error = decode.Str(last, "errorMessage")
	}
}

// lookupEvent reads a lookup-events element whose CloudTrailEvent could not
// be parsed, from the element's own summary fields.
func lookupEvent(v *fastjson.Value) (*event.Event, error) {
	e := &event.Event{
		ID:        decode.Str(v, "EventId"),
		Cloud:     event.AWS,
		Service:   decode.Str(v, "EventSource"),
		Operation: decode.Str(v, "EventName"),
		Outcome:   event.Unknown,
	}
	if e.Operation == "" {
		return nil, errNoOperation
	}
	if e.ID == "" {
		e.ID = decode.FallbackID(v)
	}
	if t, ok := decode.ParseTime(decode.Str(v, "EventTime")); ok {
		e.Time = t
	}
	e.Actor.Name = decode.Str(v, "Username")
	e.Actor.ID = e.Actor.Name
	return e, nil
}

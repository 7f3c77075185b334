package cloudtrail

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

var errNoOperation = errors.New("not a CloudTrail record: no eventName")

// Normalize builds one event from one CloudTrail record (CloudTrail never
// splits an operation over several records; given more, the first wins).
// The record's text is read without copying and the event's strings are
// then copied in one allocation (event.Own), before any handler runs: a
// handler may keep them in resources.
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	if len(docs) == 0 {
		return nil, errNoOperation
	}
	f := topFields(docs[0])
	if len(docs) > 1 {
		last := docs[len(docs)-1]
		f.errorCode, f.errorMessage, f.firstResponse = last.Get("errorCode"), last.Get("errorMessage"), last.Get("responseElements")
	}
	return normalize(docs[0], &f, nil)
}

// normalize builds the event of record v, whose top-level members are f.
// The event of an operation without a handler is out's scratch event when
// it lends one (out may be nil): its strings stay views into the record.
func normalize(v *jsondoc.Value, f *fields, out *decode.Output) (*event.Event, error) {
	if f.name == "" {
		if isLookup(v) {
			return lookupEvent(v)
		}
		return nil, errNoOperation
	}
	// Most records (reads) have no handler.
	h := handlerOf(f.source, f.name)
	var e *event.Event
	if h == nil {
		e = out.Scratch()
	}
	lent := e != nil
	if !lent {
		e = &event.Event{Scratch: true} // its strings owned below
	}
	e.ID, e.Cloud, e.Account, e.Region = f.id, event.AWS, f.account, f.region
	e.Service, e.Operation, e.Outcome = f.source, f.name, event.Success
	if e.ID == "" {
		e.ID = decode.FallbackID(v)
	}
	if t, ok := decode.ParseTimeValue(f.time); ok {
		e.Time = t
	} else if t, ok := decode.ParseTimeValue(f.timestamp); ok {
		e.Time = t // Logstash replaced eventTime
	}
	id := identityOf(f.userIdentity)
	if e.Account == "" {
		e.Account = decode.View(id.account)
	}
	outcome(e, f.errorCode, f.errorMessage, f.firstResponse)
	e.Actor = actor(id, f.ip, f.userAgent, e.Account)
	if !lent {
		e.Own() // before the handler: it may keep the strings in resources
	}
	if h != nil {
		h(&rec{
			e:  e,
			v:  v,
			rp: f.requestParameters,
			re: f.responseElements,
		})
	}
	return e, nil
}

// fields are the top-level members Normalize and kind read, found in one
// pass over the record instead of a key search each. The strings are views
// into the parser's buffer (decode.View). The members outcome and kind read
// are the first of their name, as a key search finds them; the others the
// last.
type fields struct {
	name, id, account, region, source, ip, userAgent  string
	time, timestamp                                   *jsondoc.Value
	userIdentity, requestParameters, responseElements *jsondoc.Value
	errorCode, errorMessage, firstResponse            *jsondoc.Value

	eventSource, eventName, detailType, sourceKey, detail, lookupEvent *jsondoc.Value
}

// first sets *p to x unless an earlier member of the name set it.
func first(p **jsondoc.Value, x *jsondoc.Value) {
	if *p == nil {
		*p = x
	}
}

func topFields(v *jsondoc.Value) (f fields) {
	o, err := v.Object()
	if err != nil {
		return f
	}
	o.Visit(func(k []byte, x *jsondoc.Value) {
		switch string(k) {
		case "eventName":
			f.name = decode.View(x)
			first(&f.eventName, x)
		case "eventSource":
			f.source = decode.View(x)
			first(&f.eventSource, x)
		case "detail-type":
			first(&f.detailType, x)
		case "source":
			first(&f.sourceKey, x)
		case "detail":
			first(&f.detail, x)
		case "CloudTrailEvent":
			first(&f.lookupEvent, x)
		case "eventID":
			f.id = decode.View(x)
		case "recipientAccountId":
			f.account = decode.View(x)
		case "awsRegion":
			f.region = decode.View(x)
		case "eventTime":
			f.time = x
		case "@timestamp":
			f.timestamp = x
		case "sourceIPAddress":
			f.ip = decode.View(x)
		case "userAgent":
			f.userAgent = decode.View(x)
		case "userIdentity":
			f.userIdentity = nonNull(x)
		case "requestParameters":
			f.requestParameters = nonNull(x)
		case "responseElements":
			f.responseElements = nonNull(x)
			first(&f.firstResponse, x)
		case "errorCode":
			first(&f.errorCode, x)
		case "errorMessage":
			first(&f.errorMessage, x)
		}
	})
	return f
}

func nonNull(x *jsondoc.Value) *jsondoc.Value {
	if x.Type() == jsondoc.TypeNull {
		return nil
	}
	return x
}

// outcome sets failure from errorCode (dropping the "Client." prefix some
// services add) and from a failed console sign-in, which has no errorCode.
func outcome(e *event.Event, code, message, response *jsondoc.Value) {
	if c := decode.View(code); c != "" {
		e.Outcome = event.Failure
		e.Error = strings.TrimPrefix(c, "Client.")
		return
	}
	if decode.View(response.Get("ConsoleLogin")) == "Failure" {
		e.Outcome = event.Failure
		e.Error = decode.View(message)
	}
}

// lookupEvent reads a lookup-events element whose CloudTrailEvent could not
// be parsed, from the element's own summary fields.
func lookupEvent(v *jsondoc.Value) (*event.Event, error) {
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

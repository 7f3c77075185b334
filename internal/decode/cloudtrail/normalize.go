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
	f := topFields(docs[0])
	if f.name == "" {
		if isLookup(docs[0]) {
			return lookupEvent(docs[0])
		}
		return nil, errNoOperation
	}
	e := &event.Event{
		ID:        f.id,
		Cloud:     event.AWS,
		Account:   f.account,
		Region:    f.region,
		Service:   f.source,
		Operation: f.name,
		Outcome:   event.Success,
	}
	if e.ID == "" {
		e.ID = decode.FallbackID(docs[0])
	}
	if t, ok := decode.ParseTimeValue(f.time); ok {
		e.Time = t
	} else if t, ok := decode.ParseTimeValue(f.timestamp); ok {
		e.Time = t // Logstash replaced eventTime
	}
	if e.Account == "" {
		e.Account = decode.Str(f.userIdentity, "accountId")
	}
	outcome(e, docs[len(docs)-1])
	e.Actor = actor(f.userIdentity, f.ip, f.userAgent, e.Account)

	r := &rec{
		e:  e,
		v:  docs[0],
		rp: f.requestParameters,
		re: f.responseElements,
	}
	if h := handlers[opKey{e.Service, e.Operation}]; h != nil {
		h(r)
	}
	return e, nil
}

// fields are the top-level members Normalize reads, found in one pass over
// the record instead of a key search each.
type fields struct {
	name, id, account, region, source, ip, userAgent  string
	time, timestamp                                   *fastjson.Value
	userIdentity, requestParameters, responseElements *fastjson.Value
}

func topFields(v *fastjson.Value) (f fields) {
	o, err := v.Object()
	if err != nil {
		return f
	}
	o.Visit(func(k []byte, x *fastjson.Value) {
		switch string(k) {
		case "eventName":
			f.name = known(x)
		case "eventSource":
			f.source = known(x)
		case "eventID":
			f.id = decode.Str(x)
		case "recipientAccountId":
			f.account = decode.Str(x)
		case "awsRegion":
			f.region = known(x)
		case "eventTime":
			f.time = x
		case "@timestamp":
			f.timestamp = x
		case "sourceIPAddress":
			f.ip = decode.Str(x)
		case "userAgent":
			f.userAgent = decode.Str(x)
		case "userIdentity":
			f.userIdentity = nonNull(x)
		case "requestParameters":
			f.requestParameters = nonNull(x)
		case "responseElements":
			f.responseElements = nonNull(x)
		}
	})
	return f
}

func nonNull(x *fastjson.Value) *fastjson.Value {
	if x.Type() == fastjson.TypeNull {
		return nil
	}
	return x
}

// known returns a string value, reusing the text of event sources, event
// names and regions seen before instead of allocating it again.
func known(x *fastjson.Value) string {
	b, err := x.StringBytes()
	if err != nil {
		return decode.Str(x)
	}
	if s, ok := knownNames[string(b)]; ok {
		return s
	}
	return string(b)
}

// knownNames holds the operation table's sources and names and the regions.
var knownNames = func() map[string]string {
	m := map[string]string{}
	for k := range handlers {
		m[k.source], m[k.name] = k.source, k.name
	}
	for _, r := range []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
		"ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1", "me-south-1", "af-south-1"} {
		m[r] = r
	}
	return m
}()

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

// Package cloudtrail decodes AWS CloudTrail records: S3 delivery files,
// NDJSON and arrays of records, EventBridge "via CloudTrail" envelopes,
// lookup-events / CloudTrail Lake output (the record as a JSON string) and
// records reshaped by log pipelines (Logstash's @timestamp, Panther's p_*
// keys). It maps the operations that matter for snapshot abuse to the
// normalized vocabulary of package event. It imports only decode and event.
package cloudtrail

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/valyala/fastjson"
)

// Format is the CloudTrail format.
type Format struct{}

var _ decode.Format = Format{}

// Name returns "cloudtrail".
func (Format) Name() string { return "cloudtrail" }

// Sniff claims a CloudTrail record (eventSource and eventName strings), an
// EventBridge envelope around one, or a lookup-events element.
func (Format) Sniff(v *fastjson.Value) bool {
	return shapeOf(v).kind != notOurs
}

// Decode hands the CloudTrail record inside v to out, unwrapping an
// EventBridge envelope or a lookup-events element first.
func (Format) Decode(v *fastjson.Value, out *decode.Output) error {
	sh := shapeOf(v)
	switch sh.kind {
	case eventBridge:
		return out.Record(sh.detail, nil)
	case lookup:
		s := decode.View(sh.lookup)
		if inner := decode.ParseEmbedded(s); isRecord(inner) {
			return out.Record(inner, []byte(s))
		}
		// The embedded record is truncated or masked: Normalize keeps what
		// the lookup element itself says.
	}
	return out.Record(v, nil)
}

// kind is what a top-level JSON value holds, as far as CloudTrail goes.
type kind int

const (
	notOurs     kind = iota
	record           // a CloudTrail record
	eventBridge      // an EventBridge event carrying one under detail
	lookup           // a lookup-events (or CloudTrail Lake) element
)

// shape is what one pass over a value's members found.
type shape struct {
	kind           kind
	detail, lookup *fastjson.Value
}

// shapeOf classifies v in one pass over its members (a key search each
// would walk them several times, and every record is classified twice:
// once to detect the format, once to decode). The members read are the
// first of their name, as a key search finds them. An EventBridge envelope
// ("AWS API Call via CloudTrail", "AWS Service Event via CloudTrail", …)
// has detail-type and source strings and a record under detail; it wins
// over a record, then a lookup element's CloudTrailEvent string.
func shapeOf(v *fastjson.Value) (sh shape) {
	o, err := v.Object()
	if err != nil {
		return sh
	}
	var eventSource, eventName, detailType, source, detail, lookupEvent *fastjson.Value
	o.Visit(func(k []byte, x *fastjson.Value) {
		var p **fastjson.Value
		switch string(k) {
		case "eventSource":
			p = &eventSource
		case "eventName":
			p = &eventName
		case "detail-type":
			p = &detailType
		case "source":
			p = &source
		case "detail":
			p = &detail
		case "CloudTrailEvent":
			p = &lookupEvent
		default:
			return
		}
		if *p == nil {
			*p = x
		}
	})
	switch {
	case isString(detailType) && isString(source) && isRecord(detail):
		return shape{kind: eventBridge, detail: detail}
	case isString(eventSource) && isString(eventName):
		return shape{kind: record}
	case isString(lookupEvent):
		return shape{kind: lookup, lookup: lookupEvent}
	}
	return sh
}

// isRecord reports whether v is a CloudTrail record.
func isRecord(v *fastjson.Value) bool {
	return isString(v.Get("eventSource")) && isString(v.Get("eventName"))
}

// isLookup reports whether v is an element of lookup-events (or CloudTrail
// Lake) output, whose CloudTrailEvent member holds the record as a string.
func isLookup(v *fastjson.Value) bool {
	return isString(v.Get("CloudTrailEvent"))
}

func isString(v *fastjson.Value) bool {
	return v != nil && v.Type() == fastjson.TypeString
}

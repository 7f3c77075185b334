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
	return isRecord(v) || isEventBridge(v) || isLookup(v)
}

// Decode hands the CloudTrail record inside v to out, unwrapping an
// EventBridge envelope or a lookup-events element first.
func (Format) Decode(v *fastjson.Value, out *decode.Output) error {
	switch {
	case isEventBridge(v):
		return out.Record(v.Get("detail"), nil)
	case !isRecord(v) && isLookup(v):
		s := decode.Str(v, "CloudTrailEvent")
		if inner := decode.ParseEmbedded(s); isRecord(inner) {
			return out.Record(inner, []byte(s))
		}
		// The embedded record is truncated or masked: Normalize keeps what
		// the lookup element itself says.
	}
	return out.Record(v, nil)
}

// isRecord reports whether v is a CloudTrail record.
func isRecord(v *fastjson.Value) bool {
	return isString(v.Get("eventSource")) && isString(v.Get("eventName"))
}

// isEventBridge reports whether v is an EventBridge event carrying a
// CloudTrail record ("AWS API Call via CloudTrail", "AWS Service Event via
// CloudTrail", …) under detail.
func isEventBridge(v *fastjson.Value) bool {
	return isString(v.Get("detail-type")) && isString(v.Get("source")) && isRecord(v.Get("detail"))
}

// isLookup reports whether v is an element of lookup-events (or CloudTrail
// Lake) output, whose CloudTrailEvent member holds the record as a string.
func isLookup(v *fastjson.Value) bool {
	return isString(v.Get("CloudTrailEvent"))
}

func isString(v *fastjson.Value) bool {
	return v != nil && v.Type() == fastjson.TypeString
}

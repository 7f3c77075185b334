// Package cloudtrail decodes AWS CloudTrail records: S3 delivery files,
// NDJSON and arrays of records, EventBridge "via CloudTrail" envelopes,
// lookup-events / CloudTrail Lake output (the record as a JSON string) and
// records reshaped by log pipelines (Logstash's @timestamp, Panther's p_*
// keys). It maps the operations that matter for snapshot abuse to the
// normalized vocabulary of package event. It imports only decode and event.
package cloudtrail

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format is the CloudTrail format.
type Format struct{}

var _ decode.Format = Format{}

// Name returns "cloudtrail".
func (Format) Name() string { return "cloudtrail" }

// Sniff claims a CloudTrail record (eventSource and eventName strings), an
// EventBridge envelope around one, or a lookup-events element.
func (Format) Sniff(v *jsondoc.Value) bool {
	f := topFields(v)
	return f.kind() != notOurs
}

// Decode hands the CloudTrail record inside v to out, unwrapping an
// EventBridge envelope or a lookup-events element first.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	_, err := decodeRecord(v, out, false)
	return err
}

// Claim decodes v when it is CloudTrail, in the one pass over its members
// that tells so (decode.Claimer).
func (Format) Claim(v *jsondoc.Value, out *decode.Output) (bool, error) {
	return decodeRecord(v, out, true)
}

// decodeRecord is Decode, or with claim Claim: it reports false, having
// done nothing, for a value that is not CloudTrail.
func decodeRecord(v *jsondoc.Value, out *decode.Output, claim bool) (bool, error) {
	f := topFields(v)
	switch f.kind() {
	case record:
		e, err := normalize(v, &f, out)
		if err != nil {
			out.Failed()
			return true, err
		}
		return true, out.Event(e, v, nil)
	case eventBridge:
		return true, out.Record(f.detail, nil)
	case lookup:
		s := decode.View(f.lookupEvent)
		if inner := decode.ParseEmbedded(s); isRecord(inner) {
			return true, out.Record(inner, []byte(s))
		}
		// The embedded record is truncated or masked: Normalize keeps what
		// the lookup element itself says.
	case notOurs:
		if claim {
			return false, nil
		}
	}
	return true, out.Record(v, nil)
}

// kind is what a top-level JSON value holds, as far as CloudTrail goes.
type kind int

const (
	notOurs     kind = iota
	record           // a CloudTrail record
	eventBridge      // an EventBridge event carrying one under detail
	lookup           // a lookup-events (or CloudTrail Lake) element
)

// kind classifies the value f was read from. An EventBridge envelope ("AWS
// API Call via CloudTrail", "AWS Service Event via CloudTrail", …) has
// detail-type and source strings and a record under detail; it wins over a
// record, then a lookup element's CloudTrailEvent string. The members read
// are the first of their name, as a key search finds them.
func (f *fields) kind() kind {
	switch {
	case isString(f.detailType) && isString(f.sourceKey) && isRecord(f.detail):
		return eventBridge
	case isString(f.eventSource) && isString(f.eventName):
		return record
	case isString(f.lookupEvent):
		return lookup
	}
	return notOurs
}

// isRecord reports whether v is a CloudTrail record.
func isRecord(v *jsondoc.Value) bool {
	return isString(v.Get("eventSource")) && isString(v.Get("eventName"))
}

// isLookup reports whether v is an element of lookup-events (or CloudTrail
// Lake) output, whose CloudTrailEvent member holds the record as a string.
func isLookup(v *jsondoc.Value) bool {
	return isString(v.Get("CloudTrailEvent"))
}

func isString(v *jsondoc.Value) bool {
	return v != nil && v.Type() == jsondoc.TypeString
}

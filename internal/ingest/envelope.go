package ingest

import (
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Envelope is a kind of push envelope around audit records.
type Envelope int

const (
	// None: the body is plain records.
	None Envelope = iota
	// EventBridge: AWS EventBridge events (an API destination, or a relay
	// of a rule's target); the CloudTrail record is the event's detail.
	EventBridge
	// PubSub: GCP Pub/Sub push messages whose base64 data holds LogEntries
	// (a Cloud Logging sink to a topic with a push subscription).
	PubSub
	// EventHub: an Azure Event Hub message body, {"records":[…]}, as Azure
	// Monitor diagnostic settings write it; already the Azure format.
	EventHub
)

// String returns the envelope's name, as logs and metrics label it.
func (e Envelope) String() string {
	switch e {
	case EventBridge:
		return "eventbridge"
	case PubSub:
		return "pubsub"
	case EventHub:
		return "eventhub"
	}
	return "none"
}

// describe names the envelope's messages in errors.
func (e Envelope) describe() string {
	switch e {
	case EventBridge:
		return "an EventBridge event"
	case PubSub:
		return "a Pub/Sub push message"
	case EventHub:
		return `an Event Hub batch ({"records":[…]})`
	}
	return "a plain record"
}

// format is the format an envelope's records are in ("" when it does not
// tell: Event Hub batches are left to detection).
func (e Envelope) format() string {
	switch e {
	case EventBridge:
		return "cloudtrail"
	case PubSub:
		return "gcpaudit"
	}
	return ""
}

// envelopeOf tells which envelope a JSON value is, if any. It reads only
// the envelope's own members, never a member of the record inside.
func envelopeOf(v *jsondoc.Value) Envelope {
	if v.Type() != jsondoc.TypeObject {
		return None
	}
	// EventBridge: version, id, detail-type, source, account, time, region,
	// resources, detail. No audit record has a "detail-type" member.
	if isType(v.Get("detail-type"), jsondoc.TypeString) && isType(v.Get("source"), jsondoc.TypeString) &&
		v.Get("detail") != nil {
		return EventBridge
	}
	// Pub/Sub push: {"message":{"data","attributes","messageId",
	// "publishTime"},"subscription":"projects/P/subscriptions/S"}.
	if isType(v.Get("message"), jsondoc.TypeObject) && isType(v.Get("subscription"), jsondoc.TypeString) {
		return PubSub
	}
	if isType(v.Get("records"), jsondoc.TypeArray) {
		return EventHub
	}
	return None
}

func isType(v *jsondoc.Value, t jsondoc.Type) bool {
	return v != nil && v.Type() == t
}

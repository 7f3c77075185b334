package yandex

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format is Yandex Cloud Audit Trails.
type Format struct{}

var _ decode.Format = Format{}

// Name is the format's name on the command line.
func (Format) Name() string { return "yandex" }

// typePrefix opens every Audit Trails event type. CloudTrail also has an
// eventType key ("AwsApiCall"), so the key alone proves nothing.
const typePrefix = "yandex.cloud.audit."

// envelopeKeys hold the event in a Cloud Logging entry.
var envelopeKeys = [...]string{"json_payload", "jsonPayload"}

var errNotEvent = errors.New("not a Yandex Cloud Audit Trails event: no yandex.cloud.audit.* event_type")

// Sniff reports whether v is an Audit Trails event or a Cloud Logging entry
// holding one.
func (Format) Sniff(v *jsondoc.Value) bool {
	return unwrap(v) != nil
}

// unwrap returns the event v is or holds, or nil.
func unwrap(v *jsondoc.Value) *jsondoc.Value {
	if isEvent(v) {
		return v
	}
	if v == nil || v.Type() != jsondoc.TypeObject {
		return nil
	}
	for _, k := range envelopeKeys {
		if p := v.Get(k); isEvent(p) {
			return p
		}
	}
	return nil
}

func isEvent(v *jsondoc.Value) bool {
	if v == nil || v.Type() != jsondoc.TypeObject {
		return false
	}
	t := v.GetStringBytes("event_type")
	if t == nil {
		t = v.GetStringBytes("eventType")
	}
	return strings.HasPrefix(string(t), typePrefix)
}

// Decode hands the event over, as one half of its operation when it has a
// request id and a lifecycle status.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	rec := unwrap(v)
	if rec == nil {
		return errNotEvent
	}
	part := statusPart(str(rec, "event_status"))
	reqID := str(rec, "request_metadata", "request_id")
	if part == decode.Alone || reqID == "" {
		return out.Record(rec, nil)
	}
	t, _ := decode.ParseTime(str(rec, "event_time"))
	// One request may run several operations (CreateInstance also logs
	// CreateDisk under its request id), so the event type is in the key.
	return out.Half(rec, nil, reqID+"\x00"+str(rec, "event_type"), part, t)
}

func statusPart(status string) decode.Part {
	switch strings.ToUpper(status) {
	case "STARTED":
		return decode.First
	case "RUNNING":
		return decode.Middle
	case "DONE", "ERROR", "CANCELLED":
		return decode.Last
	}
	return decode.Alone
}

package openstack

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Format reads OpenStack notifications and CADF events.
type Format struct{}

var _ decode.Format = Format{}

// Name is the format's name on the command line.
func (Format) Name() string { return "openstack" }

// cadfEventType is the typeURI of a CADF event.
const cadfEventType = "http://schemas.dmtf.org/cloud/audit/1.0/event"

// Sniff claims oslo notifications (event_type with a payload object, or a
// messagingv2 envelope) and CADF events. VK action-log records (source,
// action, method, uri) have none of these keys.
func (Format) Sniff(v *jsondoc.Value) bool {
	if v.Type() != jsondoc.TypeObject {
		return false
	}
	if m := v.Get("oslo.message"); m != nil {
		return m.Type() == jsondoc.TypeString || m.Type() == jsondoc.TypeObject
	}
	if et := v.Get("event_type"); et != nil && et.Type() == jsondoc.TypeString {
		p := v.Get("payload")
		return p != nil && p.Type() == jsondoc.TypeObject
	}
	return isCADF(v)
}

// isCADF reports whether v is a CADF event: the CADF typeURI, or (Hermes
// drops or empties typeURI) an action with an initiator, a target or observer
// and an event time.
func isCADF(v *jsondoc.Value) bool {
	if decode.Str(v, "typeURI") == cadfEventType {
		return true
	}
	if decode.Str(v, "action") == "" || decode.Str(v, "eventTime") == "" {
		return false
	}
	if !isObject(v.Get("initiator")) {
		return false
	}
	return isObject(v.Get("target")) || isObject(v.Get("observer"))
}

func isObject(v *jsondoc.Value) bool { return v != nil && v.Type() == jsondoc.TypeObject }

var errNotRecord = errors.New("not an OpenStack notification or CADF event")

// Decode unwraps a messagingv2 envelope and hands the notification or CADF
// event on, as one half of a pair where it opens or closes an operation.
func (Format) Decode(v *jsondoc.Value, out *decode.Output) error {
	var raw []byte
	if m := v.Get("oslo.message"); m != nil {
		switch m.Type() {
		case jsondoc.TypeString:
			s, _ := m.StringBytes()
			inner := decode.ParseEmbedded(string(s))
			if inner == nil || inner.Type() != jsondoc.TypeObject {
				return errors.New("oslo.message is not a JSON object")
			}
			v, raw = inner, []byte(strings.TrimSpace(string(s)))
		case jsondoc.TypeObject:
			v = m
		default:
			return errors.New("oslo.message is not a JSON object")
		}
	}
	key, part := pairing(v)
	if part == decode.Alone {
		if decode.Str(v, "event_type") == "" && !isCADF(v) {
			return errNotRecord
		}
		return out.Record(v, raw)
	}
	t, _ := decode.ParseTime(recordTime(v))
	return out.Half(v, raw, key, part, t)
}

// Normalize builds one event from a notification, a CADF event, or the
// records of one paired operation in order.
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	if len(docs) == 0 || docs[0] == nil {
		return nil, errNotRecord
	}
	e := &event.Event{Cloud: event.OpenStack}
	et := decode.Str(docs[0], "event_type")
	var err error
	switch {
	case et != "" && !strings.HasPrefix(et, "audit.http."):
		err = normalizeNotification(e, docs)
	case et != "" || isCADF(docs[0]):
		err = normalizeCADF(e, docs)
	default:
		err = errNotRecord
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

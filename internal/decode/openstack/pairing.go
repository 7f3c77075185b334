package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// pairing returns the key and part of a record that opens or closes an
// operation, or Alone.
func pairing(v *jsondoc.Value) (string, decode.Part) {
	et := decode.Str(v, "event_type")
	switch et {
	case "audit.http.request":
		return cadfKey(v.Get("payload")), decode.First
	case "audit.http.response":
		return cadfKey(v.Get("payload")), decode.Last
	case "":
		if !isCADF(v) {
			return "", decode.Alone
		}
		// Raw keystonemiddleware events: the request is pending, the
		// response adds a reporter chain. Anything else (a Hermes event)
		// is whole.
		switch {
		case strings.EqualFold(decode.Str(v, "outcome"), "pending"):
			return cadfKey(v), decode.First
		case v.Get("reporterchain") != nil:
			return cadfKey(v), decode.Last
		}
		return "", decode.Alone
	}
	op, phase := splitPhase(et)
	var part decode.Part
	switch phase {
	case "start":
		part = decode.First
	case "end", "error":
		part = decode.Last
	default:
		return "", decode.Alone
	}
	req := requestID(v)
	if req == "" {
		return "", decode.Alone
	}
	return "note\x00" + req + "\x00" + op + "\x00" + subjectID(op, body(v.Get("payload"))), part
}

func cadfKey(p *jsondoc.Value) string {
	if id := decode.Str(p, "id"); id != "" {
		return "cadf\x00" + id
	}
	return ""
}

// splitPhase cuts the phase suffix (start, end, error) off an event type.
func splitPhase(et string) (op, phase string) {
	i := strings.LastIndexByte(et, '.')
	if i < 0 {
		return et, ""
	}
	switch s := et[i+1:]; s {
	case "start", "end", "error":
		return et[:i], s
	}
	return et, ""
}

// requestID is the request a notification belongs to.
func requestID(v *jsondoc.Value) string {
	if s := decode.Str(v, "_context_request_id"); s != "" {
		return s
	}
	p := v.Get("payload")
	if s := decode.Str(body(p), "request_id"); s != "" {
		return s
	}
	return decode.Str(p, "request_id")
}

// subjectID is the resource a nova or cinder operation acts on, present in
// both its start and end records: one request may boot several instances
// or act on several volumes.
func subjectID(op string, b *jsondoc.Value) string {
	op = strings.TrimPrefix(op, "compute.")
	switch {
	case strings.HasPrefix(op, "instance."):
		return cmp.Or(decode.Str(b, "uuid"), decode.Str(b, "instance_id"))
	case strings.HasPrefix(op, "volume."):
		return decode.Str(b, "volume_id")
	case strings.HasPrefix(op, "snapshot."):
		return decode.Str(b, "snapshot_id")
	case strings.HasPrefix(op, "backup."):
		return decode.Str(b, "backup_id")
	}
	return ""
}

// recordTime is a record's own time text: the notification timestamp or
// the CADF eventTime.
func recordTime(v *jsondoc.Value) string {
	if s := decode.Str(v, "timestamp"); s != "" {
		return s
	}
	if s := decode.Str(v, "eventTime"); s != "" {
		return s
	}
	return decode.Str(v, "_context_timestamp")
}

// body is a payload's fields: nova_object.data of a versioned payload, else
// the payload itself.
func body(p *jsondoc.Value) *jsondoc.Value {
	if d := p.Get("nova_object.data"); d != nil && d.Type() == jsondoc.TypeObject {
		return d
	}
	return p
}

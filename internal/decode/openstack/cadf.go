package openstack

import (
	"cmp"
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// normalizeCADF builds an event from a CADF event, raw or wrapped in an
// audit.http.* notification, or from a request/response pair of them.
func normalizeCADF(e *event.Event, docs []*jsondoc.Value) error {
	var events, envs decode.Docs
	for _, d := range docs {
		if decode.Str(d, "event_type") == "" {
			events = append(events, d)
			continue
		}
		envs = append(envs, d)
		if p := d.Get("payload"); isObject(p) {
			events = append(events, p)
		}
	}
	if len(events) == 0 {
		return errors.New("audit notification without a CADF payload")
	}
	action := events.Str("action")
	if action == "" {
		return errors.New("CADF event without action")
	}
	typeURI := events.Str("target", "typeURI")
	e.Operation = action
	if typeURI != "" {
		e.Operation += " " + typeURI
	}
	e.ID = cmp.Or(events.Str("id"), envs.Str("message_id"))
	if e.ID == "" {
		e.ID = decode.FallbackID(docs[0])
	}
	if t, ok := decode.ParseTime(cmp.Or(events.Str("eventTime"), envs.Str("timestamp"))); ok {
		e.Time = t
	}
	last := events.Last()
	e.Outcome = cadfOutcome(decode.Str(last, "outcome"))
	if e.Outcome == "" {
		e.Outcome = event.Unknown
	}
	if e.Outcome == event.Failure {
		e.Error = cmp.Or(decode.Str(last, "reason", "reasonCode"), decode.Str(last, "reason", "policyType"))
	}
	e.Actor = event.Actor{
		ID:        events.Str("initiator", "id"),
		Name:      events.Str("initiator", "name"),
		Type:      lastSegment(events.Str("initiator", "typeURI")),
		IP:        events.Str("initiator", "host", "address"),
		UserAgent: events.Str("initiator", "host", "agent"),
	}
	path := parsePath(events.Str("requestPath"))
	e.Account = cmp.Or(events.Str("initiator", "project_id"), path.project, events.Str("target", "project_id"))
	e.Region = publisherHost(envs.Str("publisher_id"))
	e.Service = cadfService(typeURI)
	if e.Service == "" {
		e.Service = notificationService(envs.Str("publisher_id"), "")
	}
	classifyCADF(e, events, action, path)
	return nil
}

// cadfOutcome maps a CADF outcome; "" when there is none.
func cadfOutcome(s string) event.Outcome {
	switch strings.ToLower(s) {
	case "success":
		return event.Success
	case "failure":
		return event.Failure
	case "pending", "unknown":
		return event.Unknown
	}
	return ""
}

// cadfService names the service of a target typeURI: pycadf's
// service/storage/block, the SAP middleware's storage/volume, …
func cadfService(typeURI string) string {
	t := strings.ToLower(typeURI)
	t = strings.TrimPrefix(t, "service/")
	t = strings.TrimPrefix(t, "data/")
	switch {
	case t == "":
		return ""
	case strings.HasPrefix(t, "compute"):
		return "compute"
	case strings.HasPrefix(t, "storage/block"), strings.HasPrefix(t, "storage/volume"), strings.HasPrefix(t, "volume"):
		return "volume"
	case strings.HasPrefix(t, "storage/image"), strings.HasPrefix(t, "image"):
		return "image"
	case strings.HasPrefix(t, "network"):
		return "network"
	case strings.HasPrefix(t, "database"):
		return "database"
	case strings.HasPrefix(t, "security"), strings.HasPrefix(t, "identity"):
		return "identity"
	}
	if i := strings.IndexByte(t, '/'); i >= 0 {
		return t[:i]
	}
	return t
}

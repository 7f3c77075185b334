package vkcloud

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// normalizeActionLog builds the event of an action-log record (format A).
// Every value is a string; the bodies are JSON inside strings.
func normalizeActionLog(v *jsondoc.Value) (*event.Event, error) {
	c, action := readCall(v, strings.TrimSpace(decode.Str(v, "source")), "request_body", "response_body")
	if action == "" && c.method == "" && c.uri == "" {
		return nil, errors.New("action-log record without action, method or uri")
	}
	e := &event.Event{
		Cloud:     event.VKCloud,
		Account:   c.route.project,
		Service:   c.service,
		Operation: operation(c, action),
		Outcome:   outcome(decode.Str(v, "success")),
		Actor: event.Actor{
			ID:        strings.TrimSpace(decode.Str(v, "user_id")),
			Name:      strings.TrimSpace(decode.Str(v, "user_email")),
			UserAgent: decode.Str(v, "user_agent"),
		},
	}
	stamp(e, v)
	if e.Actor.ID != "" || e.Actor.Name != "" {
		e.Actor.Type = "user"
	}
	classify(c, e)
	if e.Outcome == event.Failure {
		e.Error = errorText(c.resp)
	}
	return e, nil
}

// readCall reads what both record formats carry alike: the action (as
// written, and normalized in the call), the HTTP method, the uri and its
// route, and the request and response bodies, JSON in the strings at
// reqKey and respKey. The service is lower-cased.
func readCall(v *jsondoc.Value, service, reqKey, respKey string) (c *call, action string) {
	action = strings.TrimSpace(decode.Str(v, "action"))
	uri := strings.TrimSpace(decode.Str(v, "uri"))
	return &call{
		service: strings.ToLower(service),
		action:  normAction(action),
		method:  strings.ToUpper(strings.TrimSpace(decode.Str(v, "method"))),
		uri:     uri,
		route:   parseRoute(uri),
		req:     parseBody(decode.Str(v, reqKey)),
		resp:    parseBody(decode.Str(v, respKey)),
	}, action
}

// stamp sets what both record formats give alike: the event's id
// (event_id, else request_id, else a hash of the record) and its time.
func stamp(e *event.Event, v *jsondoc.Value) {
	e.ID = first(decode.Str(v, "event_id"), decode.Str(v, "request_id"))
	if e.ID == "" {
		e.ID = decode.FallbackID(v)
	}
	if t, ok := decode.ParseTime(decode.Str(v, "timestamp")); ok {
		e.Time = t
	}
}

// operation names the call: VK's action name, or for the services VK leaves
// "unknown" (Glance, DBaaS, Karboii) the method and the path with its ids
// replaced ("POST /instances/{id}/users").
func operation(c *call, action string) string {
	if c.action != "" {
		return action
	}
	if c.method != "" || len(c.route.segs) > 0 {
		return strings.TrimSpace(c.method + " " + c.route.template())
	}
	return "unknown"
}

// outcome reads VK's "yes"/"no" (and the spellings other exports use).
func outcome(s string) event.Outcome {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "true", "success", "ok", "1":
		return event.Success
	case "no", "false", "failure", "fail", "failed", "error", "0":
		return event.Failure
	}
	return event.Unknown
}

// errorText reads an OpenStack fault body: {"badRequest":{"code","message"}},
// {"NeutronError":{"type","message"}}, {"error":{"message"}} or
// {"message"}; the fault's name when it has no message.
func errorText(b body) string {
	if !b.parsed() {
		return first(b.find("message"), b.find("type"), b.first)
	}
	if s := b.str("message"); s != "" {
		return s
	}
	k := b.key()
	if k == "" {
		return ""
	}
	if s := b.str(k); s != "" {
		return s // {"error": "text"}
	}
	return first(b.str(k, "message"), b.str(k, "type"), k)
}

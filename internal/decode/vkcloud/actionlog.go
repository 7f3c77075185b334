package vkcloud

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// normalizeActionLog builds the event of an action-log record (format A).
// Every value is a string; the bodies are JSON inside strings.
func normalizeActionLog(v *fastjson.Value) (*event.Event, error) {
	action := strings.TrimSpace(decode.Str(v, "action"))
	method := strings.ToUpper(strings.TrimSpace(decode.Str(v, "method")))
	uri := strings.TrimSpace(decode.Str(v, "uri"))
	if action == "" && method == "" && uri == "" {
		return nil, errors.New("action-log record without action, method or uri")
	}
	c := &call{
		service: strings.ToLower(strings.TrimSpace(decode.Str(v, "source"))),
		action:  normAction(action),
		method:  method,
		uri:     uri,
		route:   parseRoute(uri),
		req:     parseBody(decode.Str(v, "request_body")),
		resp:    parseBody(decode.Str(v, "response_body")),
	}
	e := &event.Event{
		ID:        first(decode.Str(v, "event_id"), decode.Str(v, "request_id")),
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
	if e.ID == "" {
		e.ID = decode.FallbackID(v)
	}
	if e.Actor.ID != "" || e.Actor.Name != "" {
		e.Actor.Type = "user"
	}
	if t, ok := decode.ParseTime(decode.Str(v, "timestamp")); ok {
		e.Time = t
	}
	classify(c, e)
	if e.Outcome == event.Failure {
		e.Error = errorText(c.resp)
	}
	return e, nil
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

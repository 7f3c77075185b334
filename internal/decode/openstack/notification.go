package openstack

import (
	"cmp"
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// notes are the notifications of one operation: a lone record, or its
// .start and .end (.error) records.
type notes struct {
	env  decode.Docs // envelopes, first record first
	body decode.Docs // payload fields, closing record first: it knows most
	// op is the event type without its phase and without nova's legacy
	// "compute." prefix; phase is the closing record's.
	op, phase string
}

func newNotes(docs []*jsondoc.Value) *notes {
	n := &notes{env: docs}
	for i := len(docs) - 1; i >= 0; i-- {
		if b := body(docs[i].Get("payload")); b != nil {
			n.body = append(n.body, b)
		}
	}
	return n
}

// rec is the closing record's body (nil when there is none).
func (n *notes) rec() *jsondoc.Value {
	if len(n.body) == 0 {
		return nil
	}
	return n.body[0]
}

// str is the first non-empty payload field at path, closing record first.
func (n *notes) str(path ...string) string { return n.body.Str(path...) }

// each returns the elements at path of the first record that has any.
func (n *notes) each(path ...string) []*jsondoc.Value {
	for _, b := range n.body {
		if xs := decode.Each(b, path...); len(xs) > 0 {
			return xs
		}
	}
	return nil
}

func normalizeNotification(e *event.Event, docs []*jsondoc.Value) error {
	last := docs[len(docs)-1]
	et := decode.Str(last, "event_type")
	if et == "" {
		et = decode.Str(docs[0], "event_type")
	}
	if et == "" {
		return errors.New("notification without event_type")
	}
	n := newNotes(docs)
	n.op, n.phase = splitPhase(et)
	n.op = strings.TrimPrefix(n.op, "compute.")
	e.Operation = et

	cadf := n.cadf()
	e.ID = cmp.Or(decode.Str(docs[0], "message_id"), decode.Str(cadf, "id"))
	if e.ID == "" {
		e.ID = decode.FallbackID(docs[0])
	}
	if t, ok := decode.ParseTime(cmp.Or(n.env.Str("timestamp"), decode.Str(cadf, "eventTime"), n.env.Str("_context_timestamp"))); ok {
		e.Time = t
	}
	publisher := n.env.Str("publisher_id")
	e.Region = publisherHost(publisher)
	e.Service = notificationService(publisher, et)
	e.Account = cmp.Or(n.env.Str("_context_project_id"), n.env.Str("_context_tenant_id"), n.env.Str("_context_tenant"),
		n.str("tenant_id"), n.str("project_id"), decode.Str(cadf, "initiator", "project_id"))
	noteActor(e, n, cadf)
	noteOutcome(e, n, last, cadf)
	classifyNotification(e, n)
	return nil
}

// cadf returns the payload when it is a CADF event (keystone's cadf
// notification format), else nil.
func (n *notes) cadf() *jsondoc.Value {
	for _, b := range n.body {
		if isObject(b.Get("initiator")) {
			return b
		}
	}
	return nil
}

func noteActor(e *event.Event, n *notes, cadf *jsondoc.Value) {
	a := &e.Actor
	// A payload's user_id is the resource's owner; nova's
	// action_initiator_user is the caller.
	a.ID = cmp.Or(n.env.Str("_context_user_id"), n.env.Str("_context_user"), n.str("action_initiator_user"),
		decode.Str(cadf, "initiator", "id"), n.str("user_id"))
	a.Name = cmp.Or(n.env.Str("_context_user_name"), decode.Str(cadf, "initiator", "name"))
	a.IP = cmp.Or(n.env.Str("_context_remote_address"), n.str("client_ip"), decode.Str(cadf, "initiator", "host", "address"))
	a.UserAgent = decode.Str(cadf, "initiator", "host", "agent")
	if a.ID != "" || a.Name != "" {
		a.Type = "user"
	}
}

func noteOutcome(e *event.Event, n *notes, last, cadf *jsondoc.Value) {
	prio := strings.ToUpper(decode.Str(last, "priority"))
	switch {
	case n.phase == "start":
		e.Outcome = event.Unknown
	case n.phase == "error" || prio == "ERROR" || prio == "CRITICAL":
		e.Outcome = event.Failure
	default:
		e.Outcome = event.Success
	}
	if o := cadfOutcome(decode.Str(cadf, "outcome")); o != "" && n.phase == "" {
		e.Outcome = o
	}
	if e.Outcome != event.Failure {
		return
	}
	b := n.rec()
	fault := body(b.Get("fault"))
	e.Error = cmp.Or(decode.Str(fault, "exception"), decode.Str(b, "fail_reason"), decode.Str(b, "exception"),
		decode.Str(b, "error_message"), decode.Str(b, "message"), decode.Str(cadf, "reason", "reasonCode"))
}

// publisherHost is the host part of a publisher id: "nova-compute:host1"
// (versioned) or "snapshot.host1" (legacy); "" when there is none.
func publisherHost(p string) string {
	if i := strings.IndexByte(p, ':'); i >= 0 {
		return p[i+1:]
	}
	if i := strings.IndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// services maps a publisher's binary or an event type's first word to the
// service: compute, volume, image, network, identity, database.
var services = map[string]string{
	"nova": "compute", "compute": "compute", "instance": "compute", "keypair": "compute",
	"aggregate": "compute", "flavor": "compute", "server_group": "compute", "service": "compute",
	"cinder": "volume", "volume": "volume", "snapshot": "volume", "backup": "volume",
	"group_snapshot": "volume", "cgsnapshot": "volume", "consistencygroup": "volume", "group": "volume",
	"glance": "image", "image": "image",
	"neutron": "network", "network": "network", "port": "network", "floatingip": "network",
	"security_group": "network", "security_group_rule": "network", "subnet": "network", "router": "network",
	"keystone": "identity", "identity": "identity",
	"trove": "database", "dbaas": "database",
	"octavia": "load-balancer",
}

func notificationService(publisher, eventType string) string {
	p := publisher
	if i := strings.IndexAny(p, ":."); i >= 0 {
		p = p[:i]
	}
	if i := strings.IndexByte(p, '-'); i >= 0 {
		p = p[:i]
	}
	if s := services[strings.ToLower(p)]; s != "" {
		return s
	}
	w := eventType
	if i := strings.IndexByte(w, '.'); i >= 0 {
		w = w[:i]
	}
	if s := services[w]; s != "" {
		return s
	}
	return w
}

// classifyNotification sets the action and resources of a notification.
func classifyNotification(e *event.Event, n *notes) {
	switch service := strings.SplitN(n.op, ".", 2)[0]; service {
	case "instance", "keypair":
		nova(e, n)
	case "volume", "snapshot", "backup", "group_snapshot", "cgsnapshot":
		cinder(e, n)
	case "security_group_rule", "port", "floatingip":
		neutron(e, n)
	case "image":
		glance(e, n)
	case "dbaas", "trove":
		trove(e, n)
	case "identity":
		keystone(e, n)
	}
}

// addNamed adds a resource and names it.
func addNamed(e *event.Event, role event.Role, typ event.ResourceType, id, name string) {
	if r := e.AddResource(role, typ, id); r != nil && name != "" {
		r.Name = name
	}
}

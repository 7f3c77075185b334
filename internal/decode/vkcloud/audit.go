package vkcloud

import (
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// normalizeAudit builds the event of a Cloud Audit event (format B): action
// names as in the action log, the actor in subject{}, the object in
// resource{}, the result in status{}. Events rebuilt from CEF may also carry
// method and uri, which classify like the action log's.
func normalizeAudit(v *jsondoc.Value) (*event.Event, error) {
	service := first(decode.Str(v, "source", "id"), decode.Str(v, "resource", "metadata", "service_id"))
	c, action := readCall(v, service, "request", "response")
	if action == "" {
		return nil, errors.New("Cloud Audit event without action")
	}
	c.dbaas = strings.EqualFold(decode.Str(v, "resource", "metadata", "service_id"), "dbaas")
	c.object = decode.Str(v, "resource", "id")
	c.objectType = objectType(decode.Str(v, "resource", "type"), c.dbaas)
	c.dbID = decode.Str(v, "resource", "metadata", "stream_id")
	e := &event.Event{
		Cloud: event.VKCloud,
		Account: strings.ToLower(first(
			decode.Str(v, "subject", "project_id"),
			decode.Str(v, "resource", "metadata", "project_id"),
			decode.Str(v, "labels", "project_id"),
			c.route.project)),
		Service:   c.service,
		Operation: operation(c, action),
		Outcome:   auditOutcome(v),
		Actor:     auditActor(v),
	}
	stamp(e, v)
	classify(c, e)
	addObject(c, e, decode.Str(v, "resource", "name"))
	if e.Outcome == event.Failure {
		e.Error = first(decode.Str(v, "status", "message"), errorText(c.resp), decode.Str(v, "status", "code"))
	}
	return e, nil
}

// auditActor reads subject{}: a VK user (user_id, metadata.email) or, for
// data-plane events, a third-party identity (third_party.user_id, username).
func auditActor(v *jsondoc.Value) event.Actor {
	s := v.Get("subject")
	return event.Actor{
		ID: first(decode.Str(s, "user_id"), decode.Str(s, "third_party", "user_id"),
			decode.Str(s, "third_party", "username")),
		Name: first(decode.Str(s, "metadata", "email"), decode.Str(s, "name"),
			decode.Str(s, "third_party", "username")),
		Type:      first(decode.Str(s, "type"), userType(s)),
		IP:        decode.Str(s, "address"),
		UserAgent: decode.Str(s, "user_agent"),
	}
}

func userType(s *jsondoc.Value) string {
	if decode.Str(s, "user_id") != "" {
		return "user"
	}
	return ""
}

// auditOutcome reads status.code, an HTTP status or a gRPC code (0 is OK,
// 1–16 are errors), or else an outcome word (events rebuilt from CEF).
func auditOutcome(v *jsondoc.Value) event.Outcome {
	if code, ok := decode.Int(v, "status", "code"); ok {
		switch {
		case code == 0:
			return event.Success
		case code < 100:
			return event.Failure
		case code < 400:
			return event.Success
		default:
			return event.Failure
		}
	}
	if strings.EqualFold(decode.Str(v, "status", "code"), "OK") {
		return event.Success
	}
	return outcome(decode.Str(v, "outcome"))
}

// objectType maps resource.type (VK spells it by service: "volume",
// "snapshot", "server", "security-group-rule", "secrets" …) to a resource
// type; "" for types that mean nothing here. A DBaaS event's object is a
// database unless it names a backup.
func objectType(t string, dbaas bool) event.ResourceType {
	t = strings.ToLower(t)
	has := func(w string) bool { return strings.Contains(t, w) }
	switch {
	case t == "":
		if dbaas {
			return event.Database
		}
		return ""
	case has("backup"):
		return event.Backup
	case dbaas:
		return event.Database
	case has("rule"):
		return event.FirewallRule
	case has("security"):
		return event.SecurityGroup
	case has("snapshot"):
		return event.Snapshot
	case has("volume"):
		return event.Volume
	case has("image"):
		return event.Image
	case has("server"), has("instance"), t == "vm":
		return event.Instance
	case has("user"), has("principal"), has("member"):
		return event.Principal
	case has("database"), has("cluster"):
		return event.Database
	}
	return ""
}

// createdType is the type of what an action makes.
var createdType = map[event.Action]event.ResourceType{
	event.SnapshotCreate:  event.Snapshot,
	event.BackupCreate:    event.Backup,
	event.DBBackup:        event.Backup,
	event.ImageCreate:     event.Image,
	event.VolumeCreate:    event.Volume,
	event.VolumeClone:     event.Volume,
	event.VolumeRestore:   event.Volume,
	event.InstanceCreate:  event.Instance,
	event.DBCreate:        event.Database,
	event.DBRestore:       event.Database,
	event.PrincipalCreate: event.Principal,
	event.IngressOpen:     event.FirewallRule,
}

// reads are the actions whose other resources are read from (copied,
// restored, attached) rather than changed.
var reads = map[event.Action]bool{
	event.SnapshotCreate: true, event.BackupCreate: true, event.ImageCreate: true,
	event.VolumeClone: true, event.VolumeRestore: true, event.BackupRestore: true,
	event.InstanceCreate: true, event.DBBackup: true, event.DBRestore: true,
	event.VolumeAttach: true, event.VolumeDetach: true, event.ImageDownload: true,
}

// addObject records the event's resource{} unless the classification
// already has it, in the role its type plays in the action.
func addObject(c *call, e *event.Event, name string) {
	id := resourceID(c.object)
	if id == "" || c.objectType == "" {
		return
	}
	for i := range e.Resources {
		if e.Resources[i].ID == id {
			if e.Resources[i].Name == "" && !masked(name) {
				e.Resources[i].Name = name
			}
			return
		}
	}
	role := event.RoleTarget
	switch {
	case createdType[e.Action] == c.objectType:
		role = event.RoleCreated
	case c.objectType == event.Instance && (e.Action == event.VolumeAttach || e.Action == event.VolumeDetach):
	case reads[e.Action]:
		role = event.RoleSource
	}
	addNamed(e, role, c.objectType, id, name)
}

package yandex

import (
	"cmp"
	"errors"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// op is one operation being normalized: its records and the event built.
type op struct {
	e *event.Event
	r recs
	// svc is the first segment of the event type after the prefix
	// (compute, network, mdb, iam …); name is the last (CreateSnapshot).
	svc, name string
}

// Normalize builds one event from an event or the records of one operation.
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	r := make(recs, 0, len(docs))
	for _, d := range docs {
		if d = unwrap(d); d != nil {
			r = append(r, d)
		}
	}
	if len(r) == 0 {
		return nil, errNotEvent
	}
	svc, name := splitType(r.str("event_type"))
	if name == "" {
		return nil, errors.New("event_type names no event")
	}
	first := r[0]
	e := &event.Event{
		ID:        cmp.Or(str(first, "event_id"), r.str("event_id")),
		Cloud:     event.Yandex,
		Account:   account(r),
		Region:    r.str("details", "zone_id"),
		Service:   cmp.Or(r.str("event_source"), svc),
		Operation: name,
		Actor:     actor(r),
	}
	if e.ID == "" {
		e.ID = decode.FallbackID(first)
	}
	if t, ok := decode.ParseTime(cmp.Or(str(first, "event_time"), r.str("event_time"))); ok {
		e.Time = t
	}
	outcome(e, r[len(r)-1])
	o := &op{e: e, r: r, svc: svc, name: name}
	if h := handlers[svc+"."+name]; h != nil {
		h(o)
	} else if isAccessBindings(name) {
		accessBindings(o)
	}
	return e, nil
}

// splitType splits yandex.cloud.audit.<service>[.<sub>].<Event> into the
// service's first segment and the event name.
func splitType(t string) (svc, name string) {
	rest, ok := strings.CutPrefix(t, typePrefix)
	if !ok {
		return "", ""
	}
	rest = strings.Trim(rest, ".")
	name = rest[strings.LastIndexByte(rest, '.')+1:]
	svc, _, _ = strings.Cut(rest, ".")
	if svc == "vpc" {
		svc = "network"
	}
	return svc, name
}

// account is the folder the event happened in, else its cloud or
// organization: the narrowest scope a rule can be written for.
func account(r recs) string {
	var cloud, org string
	for _, p := range decode.Each(r.get("resource_metadata", "path")) {
		id := str(p, "resource_id")
		switch str(p, "resource_type") {
		case "resource-manager.folder":
			if id != "" {
				return id
			}
		case "resource-manager.cloud":
			cloud = cmp.Or(cloud, id)
		case "organization-manager.organization":
			org = cmp.Or(org, id)
		}
	}
	return cmp.Or(cloud, org)
}

func actor(r recs) event.Actor {
	return event.Actor{
		ID:   r.str("authentication", "subject_id"),
		Name: r.str("authentication", "subject_name"),
		Type: r.str("authentication", "subject_type"),
		// Console calls log "cloud.yandex" or "::1" here: kept as written.
		IP:        r.str("request_metadata", "remote_address"),
		UserAgent: r.str("request_metadata", "user_agent"),
	}
}

// outcome reads the final record's status: DONE succeeded, ERROR and
// CANCELLED failed, and an operation last seen STARTED or RUNNING is unknown.
func outcome(e *event.Event, last *jsondoc.Value) {
	switch strings.ToUpper(str(last, "event_status")) {
	case "DONE", "SUCCESS":
		e.Outcome = event.Success
	case "ERROR", "CANCELLED":
		e.Outcome = event.Failure
		e.Error = cmp.Or(str(last, "error", "message"), str(last, "error", "code"), strings.ToUpper(str(last, "event_status")))
	default:
		e.Outcome = event.Unknown
	}
}

// handlers map <service>.<Event> to what fills the action and resources.
// Events not listed keep an empty action (they mean nothing for snapshot
// abuse) unless they change access bindings.
var handlers = map[string]func(*op){
	"compute.CreateSnapshot":              createSnapshot,
	"compute.UpdateSnapshot":              onTarget("", event.Snapshot, "snapshot"), // renamed or relabelled: named only
	"compute.UpdateDisk":                  onTarget("", event.Volume, "disk"),
	"compute.UpdateImage":                 onTarget("", event.Image, "image"),
	"compute.UpdateInstance":              onTarget("", event.Instance, "instance"),
	"compute.DeleteSnapshot":              onTarget(event.SnapshotDelete, event.Snapshot, "snapshot"),
	"compute.CreateSnapshotSchedule":      snapshotSchedule,
	"compute.UpdateSnapshotSchedule":      snapshotSchedule,
	"compute.UpdateSnapshotScheduleDisks": snapshotSchedule,
	"compute.EnableSnapshotSchedule":      snapshotSchedule,
	"compute.DisableSnapshotSchedule":     snapshotSchedule,
	"compute.CreateImage":                 createImage,
	"compute.DeleteImage":                 onTarget(event.ImageDelete, event.Image, "image"),
	"compute.CreateDisk":                  createDisk,
	"compute.DeleteDisk":                  onTarget(event.VolumeDelete, event.Volume, "disk"),
	"compute.CreateInstance":              createInstance,
	"compute.AttachInstanceDisk":          attachDisk,
	"compute.DetachInstanceDisk":          detachDisk,
	"compute.UpdateInstanceMetadata":      updateMetadata,
	"compute.AddInstanceOneToOneNat":      addOneToOneNat,
	"network.CreateSecurityGroup":         createSecurityGroup,
	"network.UpdateSecurityGroup":         updateSecurityGroup,
	"mdb.BackupCluster":                   backupCluster,
	"mdb.RestoreCluster":                  restoreCluster,
	"mdb.CreateCluster":                   createCluster,
	"mdb.UpdateCluster":                   onTarget(event.DBModify, event.Database, "cluster"),
	"mdb.DeleteCluster":                   onTarget(event.DBDelete, event.Database, "cluster"),
	"mdb.CreateUser":                      createDBUser,
	"mdb.DeleteBackup":                    deleteDBBackup,
	"backup.StartRecoverBackup":           startRecoverBackup,
	"backup.ExecutePolicy":                executePolicy,
	"backup.ApplyPolicy":                  backupPolicy,
	"backup.CreatePolicy":                 backupPolicy,
	"backup.DeleteBackup":                 deleteBackup,
	"iam.CreateServiceAccount":            createServiceAccount,
	"iam.CreateAccessKey":                 createKey,
	"iam.CreateApiKey":                    createKey,
	"iam.CreateKey":                       createKey,
}

// onTarget returns the handler of an operation that is action a on the one
// object the event names by <object>_id and <object>_name (disk_id,
// disk_name): that object, the target, as typ, is all it records, with the
// labels an update gave it.
func onTarget(a event.Action, typ event.ResourceType, object string) func(*op) {
	return func(o *op) {
		o.e.Action = a
		o.add(event.RoleTarget, typ, o.param(object+"_id"), o.detail(object+"_name"))
		o.label(event.RoleTarget, typ, o.param(object+"_id"))
	}
}

// detail returns the first record's details field.
func (o *op) detail(path ...string) string {
	return o.r.str(append([]string{"details"}, path...)...)
}

// param returns a details field, else the same request parameter: some
// events carry the request's ids only in request_parameters.
func (o *op) param(name string) string {
	return cmp.Or(o.r.str("details", name), o.r.str("request_parameters", name))
}

// created returns the id of an object the operation made, as final as the
// records have it.
func (o *op) created(path ...string) string {
	return o.r.final(append([]string{"details"}, path...)...)
}

// add lists a resource, naming it when a name is known.
func (o *op) add(role event.Role, typ event.ResourceType, id, name string) {
	if r := o.e.AddResource(role, typ, id); r != nil && name != "" && r.Name == "" {
		r.Name = name
	}
}

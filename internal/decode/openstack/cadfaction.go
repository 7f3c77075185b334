package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// cadfAction is a CADF action read once: "update/createImage" has verb
// "update" and detail "createimage"; keystone's "created.user" has verb
// "create" and detail "user".
type cadfAction struct {
	text, verb, detail string
}

func parseAction(a string) cadfAction {
	ca := cadfAction{text: strings.ToLower(strings.TrimSpace(a))}
	ca.verb = ca.text
	if i := strings.IndexByte(ca.text, '/'); i >= 0 {
		ca.verb, ca.detail = ca.text[:i], ca.text[i+1:]
	} else if i := strings.IndexByte(ca.text, '.'); i >= 0 {
		ca.verb, ca.detail = ca.text[:i], ca.text[i+1:]
	}
	switch ca.verb {
	case "created":
		ca.verb = "create"
	case "deleted":
		ca.verb = "delete"
	case "updated":
		ca.verb = "update"
	}
	return ca
}

func (a cadfAction) is(verb string) bool { return a.verb == verb }

// has reports whether the action names a nova/cinder action key, as
// keystonemiddleware writes it ("update/createImage") or as a custom map
// renames it ("create/image", "capture/image").
func (a cadfAction) has(key string, aliases ...string) bool {
	if a.detail == key {
		return true
	}
	for _, x := range aliases {
		if a.text == x {
			return true
		}
	}
	return false
}

// classifyCADF sets the action and resources of a CADF event from its
// action and the ids in its request path; the body is not in the event.
func classifyCADF(e *event.Event, ev decode.Docs, action string, rp reqPath) {
	a := parseAction(action)
	if identity(e, ev, a, rp) {
		return
	}
	head, last := rp.at(0), rp.last()
	create := a.is("create")
	switch {
	case rp.is("servers", "action"):
		switch {
		case a.has("createimage", "create/image"):
			e.Action = event.ImageCreate
			e.AddResource(event.RoleSource, event.Instance, head.id)
		case a.has("createbackup", "backup"):
			e.Action = event.BackupCreate
			e.AddResource(event.RoleSource, event.Instance, head.id)
		default:
			e.AddResource(event.RoleTarget, event.Instance, head.id)
		}
	case rp.is("servers", "os-volume_attachments"):
		switch {
		case create:
			e.Action = event.VolumeAttach
		case a.is("delete"):
			e.Action = event.VolumeDetach
		}
		e.AddResource(event.RoleSource, event.Volume, last.id)
		e.AddResource(event.RoleTarget, event.Instance, head.id)
	case rp.is("servers") && head.id == "" && create:
		e.Action = event.InstanceCreate
	case rp.is("volumes", "action"):
		switch {
		case a.has("os-volume_upload_image", "capture/image"):
			e.Action = event.ImageCreate
		case a.has("os-attach", "update/attach"):
			e.Action = event.VolumeAttach
		case a.has("os-detach", "update/detach"):
			e.Action = event.VolumeDetach
		}
		role := event.RoleTarget
		if e.Action != "" {
			role = event.RoleSource
		}
		e.AddResource(role, event.Volume, head.id)
	case rp.is("volumes") || rp.is("os-volumes"):
		switch {
		case head.id == "" && create:
			e.Action = event.VolumeCreate // the body (snapshot, source volume) is not logged
		case a.is("delete"):
			e.Action = event.VolumeDelete
			e.AddResource(event.RoleTarget, event.Volume, head.id)
		}
	case rp.is("snapshots") || rp.is("os-snapshots") || rp.is("os-assisted-volume-snapshots"):
		switch {
		case head.id == "" && create:
			e.Action = event.SnapshotCreate
		case a.is("delete"):
			e.Action = event.SnapshotDelete
			e.AddResource(event.RoleTarget, event.Snapshot, head.id)
		}
	case (rp.is("group_snapshots") || rp.is("cgsnapshots")) && head.id == "" && create:
		e.Action = event.SnapshotCreate
	case rp.is("backups", "restore") || (rp.is("backups") && head.id != "" && a.text == "restore"):
		e.Action = event.BackupRestore
		e.AddResource(event.RoleSource, event.Backup, head.id)
	case rp.is("backups"):
		switch {
		case head.id == "" && create && e.Service == "database":
			e.Action = event.DBBackup
		case head.id == "" && create:
			e.Action = event.BackupCreate
		case a.is("delete"):
			e.Action = event.BackupDelete
			e.AddResource(event.RoleTarget, event.Backup, head.id)
		}
	case (rp.is("os-volume-transfer", "accept") || rp.is("volume-transfers", "accept")) && !a.is("read"):
		e.Action = event.VolumeTransfer
	case (rp.is("security-group-rules") || rp.is("os-security-group-rules")) && head.id == "" && create:
		// The rule (direction, ports, remote) is in the body: not logged.
		e.Action = event.IngressOpen
	case rp.is("instances", "users") || rp.is("clusters", "users"):
		if create {
			e.Action = event.DBUserCreate
		} else if !a.is("read") {
			e.Action = event.DBModify
		}
		e.AddResource(event.RoleTarget, event.Database, head.id)
	case head.name == "instances" || head.name == "clusters":
		trovePath(e, a, rp)
	case rp.is("images") && head.id == "" && create:
		e.Action = event.ImageCreate
	case rp.is("images") && a.is("delete"):
		e.Action = event.ImageDelete
		e.AddResource(event.RoleTarget, event.Image, head.id)
	case rp.is("images", "members"):
		switch {
		case create:
			e.Action = event.ImageShare // the member is in the body
		case a.is("delete"):
			e.Action = event.ImageUnshare
			e.AddResource(event.RoleSharedWith, event.AccountType, last.id)
			e.AddShare(last.id, "account")
		}
		e.AddResource(event.RoleTarget, event.Image, head.id)
	case rp.is("images", "file") && a.is("read"):
		e.Action = event.ImageDownload
		e.AddResource(event.RoleSource, event.Image, head.id)
	default:
		pathTag(e, a, rp)
	}
}

// trovePath maps database instance and cluster paths.
func trovePath(e *event.Event, a cadfAction, rp reqPath) {
	db := rp.at(0).id
	switch {
	case a.is("read"):
	case len(rp.segs) == 1 && db == "" && a.is("create"):
		e.Action = event.DBCreate // a restore names its backup in the body
	case len(rp.segs) == 1 && a.is("delete"):
		e.Action = event.DBDelete
	case len(rp.segs) == 2 && rp.segs[1].name == "databases" && a.is("delete"):
		e.Action = event.DBDelete
	default:
		e.Action = event.DBModify
	}
	e.AddResource(event.RoleTarget, event.Database, db)
}

// identity maps keystone actions: users, role assignments, credentials, and
// nova keypairs (login credentials too).
func identity(e *event.Event, ev decode.Docs, a cadfAction, rp reqPath) bool {
	create := a.is("create")
	// Keystone's own CADF events (and Hermes' copies) have no request path
	// and name the resource in target; keystonemiddleware's name the
	// service endpoint there.
	var target string
	if ev.Str("requestPath") == "" {
		target = ev.Str("target", "id")
	}
	switch {
	case strings.HasPrefix(a.detail, "role_assignment") || isRoleGrant(rp):
		if !create && !(a.is("update") && isRoleGrant(rp)) {
			return true
		}
		e.Action = event.RoleAssign
		principal, project := ev.Str("user"), ev.Str("project")
		if isRoleGrant(rp) {
			principal = rp.at(1).id
			if rp.at(0).name == "projects" {
				project = rp.at(0).id
			}
		}
		if principal == "" && strings.Contains(ev.Str("target", "typeURI"), "account/user") {
			principal = target
		}
		e.AddResource(event.RoleTarget, event.Principal, principal)
		e.AddResource(event.RoleTarget, event.AccountType, cmp.Or(project, ev.Str("target", "project_id")))
		return true
	case create && (a.detail == "user" || (rp.is("users") && e.Service == "identity")):
		e.Action = event.PrincipalCreate
		e.AddResource(event.RoleCreated, event.Principal, cmp.Or(ev.Str("resource_info"), target))
		return true
	case create && (strings.Contains(a.detail, "credential") || rp.is("credentials") || rp.is("users", "application_credentials")):
		e.Action = event.CredentialCreate
		if rp.is("users", "application_credentials") {
			e.AddResource(event.RoleTarget, event.Principal, rp.at(0).id)
		}
		return true
	case create && (rp.is("os-keypairs") || rp.is("keypairs")):
		e.Action = event.CredentialCreate
		return true
	}
	return false
}

// isRoleGrant matches PUT /projects/{p}/users/{u}/roles/{r} (and groups,
// domains).
func isRoleGrant(rp reqPath) bool {
	return len(rp.segs) == 3 && (rp.segs[0].name == "projects" || rp.segs[0].name == "domains") &&
		(rp.segs[1].name == "users" || rp.segs[1].name == "groups") && rp.segs[2].name == "roles"
}

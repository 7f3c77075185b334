package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// volumeGroup is a cinder group or consistency group: the source of a group
// snapshot. The event vocabulary has no type for it.
const volumeGroup event.ResourceType = "volume_group"

// cinder maps block-storage notifications (volume_utils' usage payloads).
func cinder(e *event.Event, n *notes) {
	volume, snapshot, backup := n.str("volume_id"), n.str("snapshot_id"), n.str("backup_id")
	name := n.str("display_name")
	switch n.op {
	case "snapshot.create":
		e.Action = event.SnapshotCreate
		e.AddResource(event.RoleSource, event.Volume, volume)
		addNamed(e, event.RoleCreated, event.Snapshot, snapshot, name)
		e.TagResource(event.RoleCreated, event.Snapshot, snapshot, n.tags("metadata"))
	case "snapshot.delete":
		e.Action = event.SnapshotDelete
		addNamed(e, event.RoleTarget, event.Snapshot, snapshot, name)
	case "volume.create":
		// Cinder names no source_volid here; clones show as plain creates
		// unless a payload carries it.
		image := glanceImage(n)
		switch clone := n.str("source_volid"); {
		case snapshot != "":
			e.Action = event.VolumeRestore
			e.AddResource(event.RoleSource, event.Snapshot, snapshot)
		case clone != "":
			e.Action = event.VolumeClone
			e.AddResource(event.RoleSource, event.Volume, clone)
		case image != "":
			e.Action = event.VolumeRestore
			e.AddResource(event.RoleSource, event.Image, image)
		default:
			e.Action = event.VolumeCreate
		}
		addNamed(e, event.RoleCreated, event.Volume, volume, name)
		e.TagResource(event.RoleCreated, event.Volume, volume, n.tags("metadata"))
	case "volume.attach", "volume.detach":
		e.Action = event.VolumeAttach
		if n.op == "volume.detach" {
			e.Action = event.VolumeDetach
		}
		addNamed(e, event.RoleSource, event.Volume, volume, name)
		for _, a := range n.each("volume_attachment") {
			e.AddResource(event.RoleTarget, event.Instance, cmp.Or(decode.Str(a, "instance_uuid"), decode.Str(a, "server_id")))
		}
	case "volume.delete":
		e.Action = event.VolumeDelete
		addNamed(e, event.RoleTarget, event.Volume, volume, name)
	case "volume.transfer.accept":
		// The accepting project now owns the volume: the OpenStack way to
		// hand a disk to another project.
		e.Action = event.VolumeTransfer
		addNamed(e, event.RoleTarget, event.Volume, volume, name)
		if to := cmp.Or(n.env.Str("_context_project_id"), n.env.Str("_context_tenant_id"), n.str("tenant_id")); to != "" {
			e.AddResource(event.RoleSharedWith, event.AccountType, to)
			e.AddShare(to, "account")
		}
	case "backup.create":
		e.Action = event.BackupCreate
		e.AddResource(event.RoleSource, event.Volume, volume)
		e.AddResource(event.RoleSource, event.Snapshot, snapshot)
		addNamed(e, event.RoleCreated, event.Backup, backup, n.str("name"))
		e.TagResource(event.RoleCreated, event.Backup, backup, n.tags("metadata"))
	case "backup.restore":
		// The payload describes the backup: its volume_id is the volume it
		// was taken from, not the one restored into.
		e.Action = event.BackupRestore
		e.AddResource(event.RoleSource, event.Backup, backup)
	case "backup.delete":
		e.Action = event.BackupDelete
		e.AddResource(event.RoleTarget, event.Backup, backup)
	case "group_snapshot.create":
		e.Action = event.SnapshotCreate
		e.AddResource(event.RoleSource, volumeGroup, n.str("group_id"))
		addNamed(e, event.RoleCreated, event.Snapshot, cmp.Or(n.str("group_snapshot_id"), n.str("id")), n.str("name"))
	case "cgsnapshot.create":
		e.Action = event.SnapshotCreate
		e.AddResource(event.RoleSource, volumeGroup, n.str("consistencygroup_id"))
		addNamed(e, event.RoleCreated, event.Snapshot, cmp.Or(n.str("cgsnapshot_id"), n.str("id")), n.str("name"))
	default:
		var typ event.ResourceType
		var id string
		switch {
		case snapshot != "" && strings.HasPrefix(n.op, "snapshot."):
			typ, id = event.Snapshot, snapshot
		case backup != "" && strings.HasPrefix(n.op, "backup."):
			typ, id = event.Backup, backup
		case volume != "" && strings.HasPrefix(n.op, "volume."):
			typ, id = event.Volume, volume
		}
		e.AddResource(event.RoleTarget, typ, id)
		if retags(n.op) {
			e.TagResource(event.RoleTarget, typ, id, n.tags("metadata"))
		}
	}
}

// glanceImage is the image a volume was created from: glance_metadata is an
// object, or a list of {key, value} rows.
func glanceImage(n *notes) string {
	if id := cmp.Or(n.str("glance_metadata", "image_id"), n.str("image_id")); id != "" {
		return id
	}
	for _, row := range n.each("glance_metadata") {
		if row.Type() == jsondoc.TypeObject && decode.Str(row, "key") == "image_id" {
			return decode.Str(row, "value")
		}
	}
	return ""
}

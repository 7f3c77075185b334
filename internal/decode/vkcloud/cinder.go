package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// volumeGroup is a Cinder group or consistency group: the source of a group
// snapshot. The event vocabulary has no such type yet.
const volumeGroup event.ResourceType = "volume_group"

// create-snapshot: {"snapshot":{"volume_id","force",…}} → {"snapshot":{"id",…}}.
func createSnapshot(c *call, e *event.Event) {
	e.Action = event.SnapshotCreate
	add(e, event.RoleSource, event.Volume, first(c.req.str("snapshot", "volume_id"), c.resp.str("snapshot", "volume_id")))
	addNamed(e, event.RoleCreated, event.Snapshot, c.resp.str("snapshot", "id"), c.req.str("snapshot", "name"))
	tag(e, event.RoleCreated, event.Snapshot, c.resp.str("snapshot", "id"), c.bodyTags([]string{"snapshot", "metadata"}))
}

// create-group-snapshot {"group_snapshot":{"group_id"}} and
// create-consistency-group-snapshot {"cgsnapshot":{"consistencygroup_id"}}.
func createGroupSnapshot(c *call, e *event.Event) {
	e.Action = event.SnapshotCreate
	add(e, event.RoleSource, volumeGroup, first(
		c.req.str("group_snapshot", "group_id"),
		c.req.str("cgsnapshot", "consistencygroup_id")))
	add(e, event.RoleCreated, event.Snapshot, first(
		c.resp.str("group_snapshot", "id"),
		c.resp.str("cgsnapshot", "id")))
}

// create-backup: {"backup":{"volume_id","snapshot_id","incremental",…}}.
func createBackup(c *call, e *event.Event) {
	e.Action = event.BackupCreate
	add(e, event.RoleSource, event.Volume, first(c.req.str("backup", "volume_id"), c.resp.str("backup", "volume_id")))
	add(e, event.RoleSource, event.Snapshot, c.req.str("backup", "snapshot_id"))
	addNamed(e, event.RoleCreated, event.Backup, c.resp.str("backup", "id"), c.req.str("backup", "name"))
	tag(e, event.RoleCreated, event.Backup, c.resp.str("backup", "id"), c.bodyTags([]string{"backup", "metadata"}))
}

// create-volume is a plain create, a clone (source_volid) or a restore from
// a snapshot, a backup or an image, depending on the body.
func createVolume(c *call, e *event.Event) {
	r := c.req
	switch {
	case first(r.str("volume", "source_volid")) != "":
		e.Action = event.VolumeClone
		add(e, event.RoleSource, event.Volume, r.str("volume", "source_volid"))
	case first(r.str("volume", "snapshot_id")) != "":
		e.Action = event.VolumeRestore
		add(e, event.RoleSource, event.Snapshot, r.str("volume", "snapshot_id"))
	case first(r.str("volume", "backup_id")) != "":
		e.Action = event.VolumeRestore
		add(e, event.RoleSource, event.Backup, r.str("volume", "backup_id"))
	case first(r.str("volume", "imageRef")) != "":
		e.Action = event.VolumeRestore
		add(e, event.RoleSource, event.Image, imageRef(r.str("volume", "imageRef")))
	default:
		e.Action = event.VolumeCreate
	}
	addNamed(e, event.RoleCreated, event.Volume, c.resp.str("volume", "id"), r.str("volume", "name"))
	tag(e, event.RoleCreated, event.Volume, c.resp.str("volume", "id"), c.bodyTags([]string{"volume", "metadata"}))
}

// imageRef returns the image id of an imageRef, which may be a Glance URL.
func imageRef(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// restore-backup: POST /backups/{id}/restore {"restore":{"volume_id"?}} →
// {"restore":{"backup_id","volume_id"}}. Without a volume in the request
// Cinder makes a new one; with one it overwrites it.
func restoreBackup(c *call, e *event.Event) {
	e.Action = event.BackupRestore
	add(e, event.RoleSource, event.Backup, first(c.id("backups"), c.resp.str("restore", "backup_id")))
	if v := c.req.str("restore", "volume_id"); first(v) != "" {
		add(e, event.RoleTarget, event.Volume, v)
		return
	}
	add(e, event.RoleCreated, event.Volume, c.resp.str("restore", "volume_id"))
}

// action-volume: POST /volumes/{id}/action; the operation is the body's
// first key.
func volumeAction(c *call, e *event.Event) {
	vol := c.id("volumes")
	switch c.req.key() {
	case "os-volume_upload_image":
		e.Action = event.ImageCreate
		add(e, event.RoleSource, event.Volume, vol)
		addNamed(e, event.RoleCreated, event.Image,
			c.resp.str("os-volume_upload_image", "image_id"),
			first(c.req.str("os-volume_upload_image", "image_name"), c.resp.str("os-volume_upload_image", "image_name")))
		if publicVisibility(first(c.req.str("os-volume_upload_image", "visibility"), c.resp.str("os-volume_upload_image", "visibility"))) {
			e.AddShare(event.Public, "public")
		}
	case "os-attach":
		e.Action = event.VolumeAttach
		add(e, event.RoleSource, event.Volume, vol)
		add(e, event.RoleTarget, event.Instance, c.req.str("os-attach", "instance_uuid"))
	case "os-detach":
		e.Action = event.VolumeDetach
		add(e, event.RoleTarget, event.Volume, vol)
	default:
		add(e, event.RoleTarget, event.Volume, vol)
	}
}

// publicVisibility reports whether a Glance visibility lets anyone use the
// image ("community" images are listed to no one but usable by all).
func publicVisibility(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "public" || s == "community"
}

// create-volume-transfer: {"transfer":{"volume_id","name"}}. The recipient
// is whoever presents the auth key, so only the volume is known.
func createTransfer(c *call, e *event.Event) {
	e.Action = event.VolumeTransfer
	add(e, event.RoleTarget, event.Volume, first(c.req.str("transfer", "volume_id"), c.resp.str("transfer", "volume_id")))
}

// accept-volume-transfer: POST /os-volume-transfer/{id}/accept →
// {"transfer":{"id","volume_id"}}. The accepting project (the event's)
// receives the volume.
func acceptTransfer(c *call, e *event.Event) {
	e.Action = event.VolumeTransfer
	add(e, event.RoleTarget, event.Volume, c.resp.str("transfer", "volume_id"))
	if e.Account != "" {
		e.AddShare(e.Account, "account")
	}
}

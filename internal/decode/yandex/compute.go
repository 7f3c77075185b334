package yandex

import (
	"cmp"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Disks, snapshots, images and snapshot schedules.

func createSnapshot(o *op) {
	o.e.Action = event.SnapshotCreate
	o.add(event.RoleCreated, event.Snapshot, o.created("snapshot_id"), o.detail("snapshot_name"))
	o.label(event.RoleCreated, event.Snapshot, o.created("snapshot_id"))
	// The source disk's field is not in a published schema: the API's
	// operation metadata calls it disk_id; source_disk_id is how CreateImage
	// names its own.
	o.add(event.RoleSource, event.Volume, cmp.Or(o.param("disk_id"), o.param("source_disk_id")), "")
}

// snapshotSchedule covers creating, changing, enabling and disabling a
// schedule: all are backup.schedule, the schedule's disks its sources.
// Disabling one stops backups, but it is a routine change, not a guardrail
// going down: rules that care match the operation name.
func snapshotSchedule(o *op) {
	o.e.Action = event.BackupSchedule
	for _, id := range o.r.strs("details", "disk_ids") {
		o.add(event.RoleSource, event.Volume, id, "")
	}
}

func createImage(o *op) {
	o.e.Action = event.ImageCreate
	o.add(event.RoleCreated, event.Image, o.created("image_id"), o.detail("image_name"))
	o.label(event.RoleCreated, event.Image, o.created("image_id"))
	o.add(event.RoleSource, event.Volume, o.param("source_disk_id"), "")
	o.add(event.RoleSource, event.Snapshot, o.param("source_snapshot_id"), "")
	o.add(event.RoleSource, event.Image, o.param("source_image_id"), "")
}

// createDisk is a restore when the disk starts from a snapshot or an image.
func createDisk(o *op) {
	o.add(event.RoleCreated, event.Volume, o.created("disk_id"), o.detail("disk_name"))
	o.label(event.RoleCreated, event.Volume, o.created("disk_id"))
	snap, img := o.param("source_snapshot_id"), o.param("source_image_id")
	switch {
	case snap != "":
		o.e.Action = event.VolumeRestore
		o.add(event.RoleSource, event.Snapshot, snap, "")
	case img != "":
		o.e.Action = event.VolumeRestore
		o.add(event.RoleSource, event.Image, img, "")
	default:
		o.e.Action = event.VolumeCreate
	}
}

package yandex

import (
	"cmp"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Cloud Backup. No event schema is published for it: the field names are
// those of the Backup API requests (backup_id, compute_instance_id(s),
// source_compute_instance_id).

// startRecoverBackup restores a backup onto an instance, possibly not the
// one it was taken from.
func startRecoverBackup(o *op) {
	o.e.Action = event.BackupRestore
	o.add(event.RoleSource, event.Backup, o.param("backup_id"), "")
	o.add(event.RoleSource, event.Instance, o.param("source_compute_instance_id"), "")
	o.add(event.RoleTarget, event.Instance,
		cmp.Or(o.param("compute_instance_id"), o.param("destination_compute_instance_id")), "")
}

// executePolicy runs a backup now.
func executePolicy(o *op) {
	o.e.Action = event.BackupCreate
	o.add(event.RoleSource, event.Instance, o.param("compute_instance_id"), "")
	o.add(event.RoleCreated, event.Backup, o.created("backup_id"), "")
}

// backupPolicy creates a policy or applies one to instances.
func backupPolicy(o *op) {
	o.e.Action = event.BackupSchedule
	o.add(event.RoleSource, event.Instance, o.param("compute_instance_id"), "")
	for _, id := range o.r.strs("details", "compute_instance_ids") {
		o.add(event.RoleSource, event.Instance, id, "")
	}
	for _, id := range o.r.strs("request_parameters", "compute_instance_ids") {
		o.add(event.RoleSource, event.Instance, id, "")
	}
}

func deleteBackup(o *op) {
	o.e.Action = event.BackupDelete
	o.add(event.RoleTarget, event.Backup, o.param("backup_id"), "")
	o.add(event.RoleSource, event.Instance, o.param("compute_instance_id"), "")
}

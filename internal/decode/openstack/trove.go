package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// trove maps database notifications: API notifications dbaas.<op> (with
// .start/.end/.error) and the task manager's trove.instance.<op>.
func trove(e *event.Event, n *notes) {
	op := strings.TrimPrefix(strings.TrimPrefix(n.op, "dbaas."), "trove.")
	op = strings.ReplaceAll(op, ".", "_") // trove.instance.create -> instance_create
	db := cmp.Or(n.str("instance_id"), n.str("cluster_id"))
	name := cmp.Or(n.str("instance_name"), n.str("name"))
	switch {
	case op == "instance_create" || op == "cluster_create":
		if backup := cmp.Or(n.str("backup_id"), n.str("restore_point", "backupRef"), n.str("restore_point")); backup != "" {
			e.Action = event.DBRestore
			e.AddResource(event.RoleSource, event.Backup, backup)
		} else {
			e.Action = event.DBCreate
		}
		addNamed(e, event.RoleCreated, event.Database, db, name)
	case op == "backup_create":
		e.Action = event.DBBackup
		e.AddResource(event.RoleSource, event.Database, n.str("instance_id"))
		addNamed(e, event.RoleCreated, event.Backup, n.str("backup_id"), n.str("name"))
	case op == "backup_delete":
		e.Action = event.BackupDelete
		e.AddResource(event.RoleTarget, event.Backup, n.str("backup_id"))
	case op == "user_create":
		e.Action = event.DBUserCreate
		e.AddResource(event.RoleTarget, event.Database, db)
	case op == "instance_delete" || op == "cluster_delete" || op == "database_delete":
		// Dropping a database inside an instance is a delete too (the PT
		// critical-DB rule counts it).
		e.Action = event.DBDelete
		e.AddResource(event.RoleTarget, event.Database, db)
	case strings.HasPrefix(op, "instance_") || strings.HasPrefix(op, "cluster_") ||
		strings.HasPrefix(op, "user_") || strings.HasPrefix(op, "root_") || op == "database_create":
		if op == "instance_exists" {
			return // periodic usage, not an operation
		}
		e.Action = event.DBModify
		e.AddResource(event.RoleTarget, event.Database, db)
	}
}

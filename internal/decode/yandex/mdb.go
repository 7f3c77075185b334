package yandex

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Managed databases: every engine (mdb.postgresql, mdb.mysql, mdb.mongodb,
// mdb.redis, mdb.clickhouse …) logs the same events, matched here by the
// mdb service alone. A cluster is a database resource; its backups, whose
// ids read <cluster_id>:<backup>, are db_snapshot resources.

func backupCluster(o *op) {
	o.e.Action = event.DBBackup
	o.add(event.RoleSource, event.Database, o.param("cluster_id"), o.detail("cluster_name"))
	o.add(event.RoleCreated, event.DBSnapshot, o.created("backup_id"), "")
}

// restoreCluster makes a new cluster from a backup.
func restoreCluster(o *op) {
	o.e.Action = event.DBRestore
	o.add(event.RoleCreated, event.Database, o.created("cluster_id"),
		cmp.Or(o.detail("cluster_name"), o.r.str("request_parameters", "name")))
	o.label(event.RoleCreated, event.Database, o.created("cluster_id"))
	backup := o.param("backup_id")
	o.add(event.RoleSource, event.DBSnapshot, backup, "")
	if cluster, _, ok := strings.Cut(backup, ":"); ok {
		o.add(event.RoleSource, event.Database, cluster, "")
	}
}

func createCluster(o *op) {
	o.e.Action = event.DBCreate
	o.add(event.RoleCreated, event.Database, o.created("cluster_id"), o.detail("cluster_name"))
	o.label(event.RoleCreated, event.Database, o.created("cluster_id"))
}

// createDBUser lists the new database user as a principal named by its
// user name, which is unique within its cluster only.
func createDBUser(o *op) {
	o.e.Action = event.DBUserCreate
	o.add(event.RoleTarget, event.Database, o.param("cluster_id"), o.detail("cluster_name"))
	o.add(event.RoleCreated, event.Principal, cmp.Or(o.detail("user_name"), o.detail("user", "name")), "")
}

func deleteDBBackup(o *op) {
	o.e.Action = event.DBSnapshotDelete
	o.add(event.RoleTarget, event.DBSnapshot, o.param("backup_id"), "")
}

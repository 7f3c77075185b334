package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"

	"github.com/snapwarden/snapwarden/internal/event"
)

// createModes classify the createMode of SQL databases and flexible servers.
// A copy or replica is a live duplicate of another database (the copy step,
// like a snapshot copy); a restore makes a database from backups.
var createModes = map[string]event.Action{
	"copy":                           event.DBSnapshotCopy,
	"secondary":                      event.DBSnapshotCopy,
	"onlinesecondary":                event.DBSnapshotCopy,
	"replica":                        event.DBSnapshotCopy,
	"pointintimerestore":             event.DBRestore,
	"restore":                        event.DBRestore,
	"recovery":                       event.DBRestore,
	"georestore":                     event.DBRestore,
	"revivedropped":                  event.DBRestore,
	"restorelongtermretentionbackup": event.DBRestore,
	"restoreexternalbackup":          event.DBRestore,
	"restoreexternalbackupsecondary": event.DBRestore,
	"default":                        event.DBCreate,
	"create":                         event.DBCreate,
	"update":                         event.DBModify,
}

// dbWrite sets the action of a database write from its createMode, else
// from whether the PUT created the resource; the resource is created or
// changed accordingly, and sources are added by the caller.
func dbWrite(o *op) {
	a, ok := createModes[strings.ToLower(o.bodyStr("properties", "createMode"))]
	if !ok {
		a = event.DBModify
		if yes, _ := o.created(); yes {
			a = event.DBCreate
		}
	}
	o.e.Action = a
	role := event.RoleCreated
	if a == event.DBModify {
		role = event.RoleTarget
	}
	o.add(role, event.Database, o.id)
}

// sqlDatabaseWrite: a copy names its source database, a restore the
// database or backup it restores.
func sqlDatabaseWrite(o *op) {
	dbWrite(o)
	o.add(event.RoleSource, event.Database, o.bodyStr("properties", "sourceDatabaseId"))
	for _, k := range []string{"restorableDroppedDatabaseId", "recoverableDatabaseId", "longTermRetentionBackupResourceId", "recoveryServicesRecoveryPointId"} {
		o.add(event.RoleSource, event.Backup, o.bodyStr("properties", k))
	}
}

// serverWrite creates or changes a SQL server.
func serverWrite(o *op) {
	dbWrite(o)
}

// flexibleServerWrite: a PostgreSQL or MySQL flexible server restored or
// replicated from sourceServerResourceId, or created, or changed.
func flexibleServerWrite(o *op) {
	dbWrite(o)
	o.add(event.RoleSource, event.Database, o.bodyStr("properties", "sourceServerResourceId"))
}

// sqlExport writes a database as a BACPAC to a storage URI.
func sqlExport(o *op) {
	o.e.Action = event.DBExport
	o.add(event.RoleSource, event.Database, o.id)
	if uri := storageURI(o.bodyStr("storageUri")); uri != "" {
		o.e.AddResource(event.RoleTarget, event.Bucket, uri)
	}
}

// flexibleServerBackup: an on-demand or long-term-retention backup, which
// ltrBackup and backupAndExport may write to SAS URLs of the caller's choice.
func flexibleServerBackup(o *op) {
	o.e.Action = event.DBBackup
	server := o.id
	if strings.HasSuffix(armType(server), "/backups") {
		server = parent(server, 1)
	}
	o.add(event.RoleSource, event.Database, server)
	for _, path := range [][]string{{"targetDetails", "sasUriList"}, {"properties", "targetDetails", "sasUriList"}} {
		for _, u := range decode.Strs(o.body(path...)) {
			if uri := storageURI(u); uri != "" {
				o.e.AddResource(event.RoleTarget, event.Bucket, uri)
			}
		}
	}
}

// storageURI drops a URL's query (a SAS signature) and lower-cases its host.
func storageURI(u string) string {
	u, _, _ = strings.Cut(strings.TrimSpace(u), "?")
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	host, path, _ := strings.Cut(rest, "/")
	if path != "" {
		path = "/" + path
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + path
}

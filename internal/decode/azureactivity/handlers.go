package azureactivity

import "github.com/snapwarden/snapwarden/internal/event"

// handlers maps canonical operation names to what they mean for snapshot
// abuse. Operations not listed keep an empty action; their resource is still
// recorded as the target when its type is known.
var handlers = map[string]func(*op){
	// Compute: snapshots, disks, images, restore points.
	"microsoft.compute/snapshots/write":                              snapshotWrite,
	"microsoft.compute/snapshots/delete":                             own(event.SnapshotDelete, event.RoleTarget, event.Snapshot),
	"microsoft.compute/snapshots/begingetaccess/action":              snapshotExport,
	"microsoft.compute/snapshots/endgetaccess/action":                endGetAccess,
	"microsoft.compute/disks/write":                                  diskWrite,
	"microsoft.compute/disks/delete":                                 own(event.VolumeDelete, event.RoleTarget, event.Volume),
	"microsoft.compute/disks/begingetaccess/action":                  diskExport,
	"microsoft.compute/disks/endgetaccess/action":                    endGetAccess,
	"microsoft.compute/images/write":                                 imageWrite,
	"microsoft.compute/images/delete":                                own(event.ImageDelete, event.RoleTarget, event.Image),
	"microsoft.compute/galleries/images/versions/write":              galleryVersionWrite,
	"microsoft.compute/galleries/images/versions/delete":             own(event.ImageDelete, event.RoleTarget, event.Image),
	"microsoft.compute/galleries/share/action":                       galleryShare,
	"microsoft.compute/virtualmachines/capture/action":               own(event.ImageCreate, event.RoleSource, event.Instance), // VHDs in a storage container
	"microsoft.compute/restorepointcollections/write":                restorePointCollectionWrite,
	"microsoft.compute/restorepointcollections/restorepoints/write":  restorePointWrite,
	"microsoft.compute/restorepointcollections/delete":               own(event.SnapshotDelete, event.RoleTarget, event.Snapshot),
	"microsoft.compute/restorepointcollections/restorepoints/delete": own(event.SnapshotDelete, event.RoleTarget, event.Snapshot),
	"microsoft.compute/virtualmachines/write":                        vmWrite,
	"microsoft.compute/virtualmachines/attachdetachdatadisks/action": vmAttachDetach,
	"microsoft.compute/virtualmachines/extensions/write":             vmExtensionWrite,
	"microsoft.compute/virtualmachines/runcommand/action":            vmRunCommand,
	"microsoft.compute/virtualmachines/runcommands/write":            vmRunCommand,

	// Backups.
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems/backup/action":                                      vaultBackup,
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems/recoverypoints/restore/action":                      vaultRestore,
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems/recoverypoints/provisioninstantitemrecovery/action": vaultRestore,
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems/delete":                                             own(event.BackupDelete, event.RoleTarget, event.Backup),
	"microsoft.dataprotection/backupvaults/backupinstances/backup/action":                                                                    own(event.BackupCreate, event.RoleTarget, event.Backup), // on demand
	"microsoft.dataprotection/backupvaults/backupinstances/restore/action":                                                                   instanceRestore,
	"microsoft.dataprotection/backupvaults/backupinstances/delete":                                                                           own(event.BackupDelete, event.RoleTarget, event.Backup),

	// Network exposure.
	"microsoft.network/networksecuritygroups/securityrules/write":   securityRuleWrite,
	"microsoft.network/networksecuritygroups/write":                 securityGroupWrite,
	"microsoft.network/networkinterfaces/write":                     nicWrite,
	"microsoft.sql/servers/firewallrules/write":                     firewallRuleWrite(1433),
	"microsoft.dbforpostgresql/flexibleservers/firewallrules/write": firewallRuleWrite(5432),
	"microsoft.dbformysql/flexibleservers/firewallrules/write":      firewallRuleWrite(3306),

	// Tags.
	"microsoft.resources/tags/write": tagsWrite,

	// Identity.
	"microsoft.authorization/roleassignments/write": roleAssignmentWrite,
	"microsoft.authorization/elevateaccess/action":  elevateAccess,

	// Managed databases.
	"microsoft.sql/servers/write":                                 serverWrite,
	"microsoft.sql/servers/delete":                                own(event.DBDelete, event.RoleTarget, event.Database),
	"microsoft.sql/servers/databases/write":                       sqlDatabaseWrite,
	"microsoft.sql/servers/databases/delete":                      own(event.DBDelete, event.RoleTarget, event.Database),
	"microsoft.sql/servers/databases/export/action":               sqlExport,
	"microsoft.dbforpostgresql/flexibleservers/write":             flexibleServerWrite,
	"microsoft.dbforpostgresql/flexibleservers/delete":            own(event.DBDelete, event.RoleTarget, event.Database),
	"microsoft.dbforpostgresql/flexibleservers/ltrbackup/action":  flexibleServerBackup,
	"microsoft.dbforpostgresql/flexibleservers/backups/write":     flexibleServerBackup,
	"microsoft.dbformysql/flexibleservers/write":                  flexibleServerWrite,
	"microsoft.dbformysql/flexibleservers/delete":                 own(event.DBDelete, event.RoleTarget, event.Database),
	"microsoft.dbformysql/flexibleservers/backupandexport/action": flexibleServerBackup,
	"microsoft.dbformysql/flexibleservers/backups/write":          flexibleServerBackup,
}

// own returns the handler of an operation that is action a on the resource
// it names (a delete, say): that resource, in role, as typ, is all it
// records.
func own(a event.Action, role event.Role, typ event.ResourceType) func(*op) {
	return func(o *op) {
		o.e.Action = a
		o.add(role, typ, o.id)
	}
}

package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// handlers maps a method key (see methodKey) to what it means. Methods not
// listed have no action; their named resource is recorded as the target.
var handlers = map[string]func(*norm){
	// Compute: copies.
	"compute.disks.createsnapshot":    diskCreateSnapshot,
	"compute.snapshots.insert":        snapshotInsert,
	"compute.snapshots.delete":        deleted(event.SnapshotDelete),
	"compute.instantsnapshots.insert": instantSnapshotInsert,
	"compute.instantsnapshots.export": instantSnapshotExport,
	"compute.images.insert":           imageInsert,
	"compute.images.delete":           deleted(event.ImageDelete),
	"compute.machineimages.insert":    machineImageInsert,
	"compute.machineimages.delete":    deleted(event.ImageDelete),
	// Compute: sharing.
	"compute.snapshots.setiampolicy":        setIAMPolicy,
	"compute.instantsnapshots.setiampolicy": setIAMPolicy,
	"compute.images.setiampolicy":           setIAMPolicy,
	"compute.machineimages.setiampolicy":    setIAMPolicy,
	"compute.disks.setiampolicy":            setIAMPolicy,
	"compute.regiondisks.setiampolicy":      setIAMPolicy,
	// Compute: restore, attach, run.
	"compute.disks.insert":                       diskInsert,
	"compute.regiondisks.insert":                 diskInsert,
	"compute.disks.delete":                       deleted(event.VolumeDelete),
	"compute.regiondisks.delete":                 deleted(event.VolumeDelete),
	"compute.instances.insert":                   instanceInsert,
	"compute.instances.attachdisk":               attachDisk,
	"compute.instances.detachdisk":               detachDisk,
	"compute.instances.addaccessconfig":          addAccessConfig,
	"compute.instances.setmetadata":              setMetadata,
	"compute.projects.setcommoninstancemetadata": setMetadata,
	// Compute: labels.
	"compute.disks.setlabels":                  setLabels,
	"compute.regiondisks.setlabels":            setLabels,
	"compute.snapshots.setlabels":              setLabels,
	"compute.instantsnapshots.setlabels":       setLabels,
	"compute.regioninstantsnapshots.setlabels": setLabels,
	"compute.images.setlabels":                 setLabels,
	"compute.machineimages.setlabels":          setLabels,
	"compute.instances.setlabels":              setLabels,
	// Compute: network.
	"compute.firewalls.insert": firewallWrite,
	"compute.firewalls.patch":  firewallWrite,
	"compute.firewalls.update": firewallWrite,
	// Identity.
	"iam.createserviceaccount":          createServiceAccount,
	"iam.createserviceaccountkey":       createServiceAccountKey,
	"iam.setiampolicy":                  grantRoles,
	"cloudresourcemanager.setiampolicy": grantRoles,
	// Export through Cloud Build (gcloud compute images export).
	"cloudbuild.createbuild": createBuild,
	// Cloud SQL.
	"cloudsql.backupruns.create":       sqlBackup,
	"cloudsql.instances.export":        sqlExport,
	"cloudsql.instances.restorebackup": sqlRestoreBackup,
	"cloudsql.instances.clone":         sqlClone,
	"cloudsql.instances.create":        sqlCreate,
	"cloudsql.instances.update":        sqlModify,
	"cloudsql.instances.patch":         sqlModify,
	"cloudsql.instances.delete":        sqlDelete,
	"cloudsql.users.create":            sqlUserCreate,
	"cloudsql.users.update":            sqlUserUpdate,
}

// methodKey folds the spellings of one method into a key: Compute's
// version prefixes (v1., beta., alpha.) and Java-style capitals go, and gRPC
// names of IAM, Resource Manager, Cloud Build and Cloud SQL map to short keys.
func methodKey(method, service string) string {
	m := strings.ToLower(strings.TrimSpace(method))
	if i := strings.IndexByte(m, '.'); i > 0 && isVersion(m[:i]) {
		m = m[i+1:]
	}
	last := m[strings.LastIndexByte(m, '.')+1:]
	service = strings.ToLower(service)
	switch {
	case strings.HasPrefix(m, "google.iam.admin."):
		return "iam." + last
	case last == "setiampolicy" && (service == "cloudresourcemanager.googleapis.com" || strings.Contains(m, ".resourcemanager.")):
		return "cloudresourcemanager.setiampolicy"
	case last == "createbuild" && (service == "cloudbuild.googleapis.com" || strings.HasPrefix(m, "google.devtools.cloudbuild.")):
		return "cloudbuild.createbuild"
	case strings.HasPrefix(m, "google.cloud.sql."):
		return sqlKey(m)
	}
	return m
}

// isVersion reports whether s is an API version segment (v1, v1beta2, beta, alpha).
func isVersion(s string) bool {
	if s == "beta" || s == "alpha" {
		return true
	}
	return len(s) >= 2 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9'
}

// sqlKey maps a Cloud SQL gRPC name (google.cloud.sql.v1.SqlInstancesService.Export)
// to the cloudsql.<collection>.<verb> key its older audit entries use.
func sqlKey(m string) string {
	parts := strings.Split(m, ".")
	if len(parts) < 2 {
		return m
	}
	svc, verb := parts[len(parts)-2], parts[len(parts)-1]
	coll := strings.TrimSuffix(strings.TrimPrefix(svc, "sql"), "service")
	switch coll {
	case "instances", "users":
	case "backupruns":
		if verb == "insert" {
			verb = "create"
		}
	default:
		return m
	}
	if verb == "insert" {
		verb = "create"
	}
	return "cloudsql." + coll + "." + verb
}

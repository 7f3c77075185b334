package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// call is one API operation as either format describes it. The action log
// (format A) names the object in the uri and carries both bodies; a Cloud
// Audit event (format B) names it in resource{} and may carry the bodies as
// request/response.
type call struct {
	service string // VK component: nova, cinder, neutron, glance, dbaas, karbor, iam …
	action  string // VK's action name, lower-case with "-" for "_"; "" when VK says "unknown"
	method  string // HTTP method, upper-case
	uri     string
	route   route
	req     body
	resp    body

	// Format B: the object of the event, standing in for ids A reads from the uri.
	object     string
	objectType event.ResourceType
	dbID       string // resource.metadata.stream_id of a DBaaS event
	dbaas      bool   // resource.metadata.service_id is DBaaS
}

// normAction spells an action name the way the classification table does:
// VK writes IAM names with "_" (invite_create) and the rest with "-".
func normAction(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "unknown" {
		return ""
	}
	return strings.ReplaceAll(s, "_", "-")
}

// collectionType is the resource type of each uri collection whose ids the
// classifiers read.
var collectionType = map[string]event.ResourceType{
	"volumes":         event.Volume,
	"snapshots":       event.Snapshot,
	"backups":         event.Backup,
	"servers":         event.Instance,
	"images":          event.Image,
	"instances":       event.Database,
	"clusters":        event.Database,
	"security-groups": event.SecurityGroup,
}

// id returns the canonical id that follows collection coll in the uri. On a
// Cloud Audit event, which has no uri, it is the event's object when its
// type fits the collection.
func (c *call) id(coll string) string {
	if s := c.route.after(coll); s != "" {
		return resourceID(s)
	}
	if len(c.route.segs) == 0 && (c.objectType == "" || c.objectType == collectionType[coll]) {
		return resourceID(c.object)
	}
	return ""
}

// classifier fills an event's action, resources, shares and ingress.
type classifier func(c *call, e *event.Event)

// byAction maps VK's action names (normAction spelling) to classifiers. The
// names come from the VK event lists (reference §4); Glance, DBaaS/Trove and
// Karboii are classified by method and uri instead, before this table.
var byAction = map[string]classifier{
	// Cinder
	"create-snapshot":                   createSnapshot,
	"create-group-snapshot":             createGroupSnapshot,
	"create-consistency-group-snapshot": createGroupSnapshot,
	"create-backup":                     createBackup,
	"create-volume":                     createVolume,
	"restore-backup":                    restoreBackup,
	"action-volume":                     volumeAction,
	"create-volume-transfer":            createTransfer,
	"accept-volume-transfer":            acceptTransfer,
	"delete-snapshot":                   deleteIn("snapshots", event.Snapshot, event.SnapshotDelete),
	"delete-backup":                     deleteIn("backups", event.Backup, event.BackupDelete),
	"force-delete-backup":               deleteIn("backups", event.Backup, event.BackupDelete),
	"delete-volume":                     deleteIn("volumes", event.Volume, event.VolumeDelete),
	// Nova
	"vm-action":                        serverAction,
	"assisted-volume-snapshots-create": assistedSnapshot,
	"vm-attach-volume":                 attachVolume,
	"vm-detach-volume":                 detachVolume,
	"create-vm":                        createServer,
	// Nova and Neutron
	"create-security-group-rule": createRule,
	// IAM
	"invite-create":          inviteCreate,
	"update-user-in-project": roleAssign,
	"tfa-disable":            tfaDisable,
}

// classify gives the call its meaning. Services VK leaves without action
// names are recognised by component or path and classified by method and
// uri; the rest by action name.
func classify(c *call, e *event.Event) {
	switch {
	case c.isDB():
		classifyDB(c, e)
	case c.isBackupService():
		classifyKarbor(c, e)
	case tagCall(c, e):
	case c.service == "glance":
		classifyGlance(c, e)
	default:
		if f := byAction[c.action]; f != nil {
			f(c, e)
		}
	}
}

func (c *call) isDB() bool {
	switch c.service {
	case "dbaas", "trove", "databases", "database":
		return true
	}
	return c.dbaas || strings.Contains(c.uri, "/infra/database/")
}

func (c *call) isBackupService() bool {
	switch c.service {
	case "karbor", "karboii", "backup", "cloud-backup", "cloud_backup":
		return true
	}
	return c.route.has("providers") && c.route.has("checkpoints")
}

// add records a resource under its canonical id and returns it (nil when
// the id is empty or masked).
func add(e *event.Event, role event.Role, typ event.ResourceType, id string) *event.Resource {
	return e.AddResource(role, typ, resourceID(id))
}

// addNamed is add that also records the resource's name.
func addNamed(e *event.Event, role event.Role, typ event.ResourceType, id, name string) {
	if r := add(e, role, typ, id); r != nil && r.Name == "" && !masked(name) {
		r.Name = name
	}
}

// maxListed bounds the resources read from one list in a body (block
// device mappings, plan resources, DB users): events dedupe resources by a
// linear scan, so hostile bodies must not add thousands.
const maxListed = 64

// capped returns at most maxListed values.
func capped(vs []*jsondoc.Value) []*jsondoc.Value {
	return vs[:min(len(vs), maxListed)]
}

// first returns the first non-empty, unmasked string.
func first(ss ...string) string {
	for _, s := range ss {
		if !masked(strings.TrimSpace(s)) {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// deleteIn classifies a DELETE of /<coll>/<id>.
func deleteIn(coll string, typ event.ResourceType, a event.Action) classifier {
	return func(c *call, e *event.Event) {
		e.Action = a
		add(e, event.RoleTarget, typ, c.id(coll))
	}
}

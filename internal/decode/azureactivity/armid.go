package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Helpers over ARM resource ids. They take canonical (lower-case) ids.

// armType returns the resource type path of an id: "microsoft.compute/disks"
// for …/providers/Microsoft.Compute/disks/d, the nested path for child
// resources, the extension's type for …/providers/X/…/providers/Y/….
// A bare subscription is "subscription"; anything else unknown is "".
func armType(id string) string {
	i := strings.LastIndex(id, "/providers/")
	if i < 0 {
		segs := strings.Split(strings.Trim(id, "/"), "/")
		if len(segs) == 2 && segs[0] == "subscriptions" {
			return "subscription"
		}
		return ""
	}
	segs := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	typ := segs[0]
	for j := 1; j < len(segs); j += 2 {
		typ += "/" + segs[j]
	}
	return typ
}

// types maps ARM resource types to the normalized resource types.
var types = map[string]event.ResourceType{
	"microsoft.compute/disks":                                                                            event.Volume,
	"microsoft.compute/snapshots":                                                                        event.Snapshot,
	"microsoft.compute/restorepointcollections":                                                          event.Snapshot,
	"microsoft.compute/restorepointcollections/restorepoints":                                            event.Snapshot,
	"microsoft.compute/restorepointcollections/restorepoints/diskrestorepoints":                          event.Snapshot,
	"microsoft.compute/images":                                                                           event.Image,
	"microsoft.compute/galleries":                                                                        event.Image,
	"microsoft.compute/galleries/images":                                                                 event.Image,
	"microsoft.compute/galleries/images/versions":                                                        event.Image,
	"microsoft.compute/virtualmachines":                                                                  event.Instance,
	"microsoft.network/networkinterfaces":                                                                event.NIC,
	"microsoft.network/networksecuritygroups":                                                            event.SecurityGroup,
	"microsoft.network/networksecuritygroups/securityrules":                                              event.FirewallRule,
	"microsoft.network/virtualnetworks":                                                                  event.Network,
	"microsoft.sql/servers":                                                                              event.Database,
	"microsoft.sql/servers/databases":                                                                    event.Database,
	"microsoft.sql/servers/firewallrules":                                                                event.FirewallRule,
	"microsoft.dbforpostgresql/flexibleservers":                                                          event.Database,
	"microsoft.dbforpostgresql/flexibleservers/firewallrules":                                            event.FirewallRule,
	"microsoft.dbformysql/flexibleservers":                                                               event.Database,
	"microsoft.dbformysql/flexibleservers/firewallrules":                                                 event.FirewallRule,
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems":                event.Backup,
	"microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems/recoverypoints": event.Backup,
	"microsoft.dataprotection/backupvaults/backupinstances":                                              event.Backup,
	"microsoft.dataprotection/backupvaults/backupinstances/recoverypoints":                               event.Backup,
	"microsoft.storage/storageaccounts":                                                                  event.Bucket,
	"microsoft.storage/storageaccounts/blobservices/containers":                                          event.Bucket,
	"subscription": event.AccountType,
}

// typeOf returns the normalized type of a resource id, or "".
func typeOf(id string) event.ResourceType {
	return types[armType(id)]
}

// subscriptionOf returns the subscription id in a resource id, or "".
func subscriptionOf(id string) string {
	const p = "/subscriptions/"
	i := strings.Index(id, p)
	if i < 0 {
		return ""
	}
	rest := id[i+len(p):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// namespaceOf returns the resource provider namespace of a resource id
// (the last one, for extension resources), or "".
func namespaceOf(id string) string {
	typ := armType(id)
	if i := strings.IndexByte(typ, '/'); i >= 0 {
		return typ[:i]
	}
	if typ == "subscription" {
		return ""
	}
	return typ
}

// parent strips the last n type/name pairs of an id: parent(rule, 1) is the
// rule's network security group.
func parent(id string, n int) string {
	for ; n > 0; n-- {
		for k := 0; k < 2; k++ {
			i := strings.LastIndexByte(id, '/')
			if i <= 0 {
				return ""
			}
			id = id[:i]
		}
	}
	return id
}

// lastSegment returns the text after the last slash: a resource's name.
func lastSegment(id string) string {
	id = strings.TrimRight(strings.TrimSpace(id), "/")
	return id[strings.LastIndexByte(id, '/')+1:]
}

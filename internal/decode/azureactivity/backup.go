package azureactivity

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// vaultBackup is an on-demand backup of a Recovery Services protected item.
// An Azure VM's item is named VM;iaasvmcontainerv2;<group>;<vm>, which gives
// the VM backed up.
func vaultBackup(o *op) {
	o.e.Action = event.BackupCreate
	o.add(event.RoleTarget, event.Backup, o.id)
	o.add(event.RoleSource, event.Instance, protectedVM(o.id))
}

// protectedVM returns the VM id a protected item's name encodes, or "".
func protectedVM(item string) string {
	const marker = "/protecteditems/"
	i := strings.LastIndex(item, marker)
	sub := subscriptionOf(item)
	if i < 0 || sub == "" {
		return ""
	}
	name := item[i+len(marker):]
	if j := strings.IndexByte(name, '/'); j >= 0 {
		name = name[:j]
	}
	parts := strings.Split(name, ";")
	if len(parts) != 4 || parts[0] != "vm" || !strings.HasPrefix(parts[1], "iaasvmcontainer") {
		return ""
	}
	return "/subscriptions/" + sub + "/resourcegroups/" + parts[2] + "/providers/microsoft.compute/virtualmachines/" + parts[3]
}

// vaultRestore restores a recovery point: to new disks, a new VM, or files
// mounted on a machine of the caller's choice (instant item recovery).
func vaultRestore(o *op) {
	o.e.Action = event.BackupRestore
	o.add(event.RoleSource, event.Backup, o.id)
	o.add(event.RoleSource, event.Instance, cmp.Or(o.bodyStr("properties", "sourceResourceId"), protectedVM(o.id)))
	o.add(event.RoleCreated, event.Instance, o.bodyStr("properties", "targetVirtualMachineId"))
	o.add(event.RoleTarget, event.Instance, o.bodyStr("properties", "virtualMachineId"))
}

// instanceRestore restores a Backup vault's instance to the data source named
// in restoreTargetInfo (a new disk, say).
func instanceRestore(o *op) {
	o.e.Action = event.BackupRestore
	o.add(event.RoleSource, event.Backup, o.id)
	target := o.body("restoreTargetInfo")
	if p := o.body("properties", "restoreTargetInfo"); p != nil {
		target = p
	}
	o.add(event.RoleCreated, "", decode.StrFold(target, "datasourceInfo", "resourceID"))
}

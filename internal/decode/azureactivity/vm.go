package azureactivity

import (
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// vmWrite reads a VM's storage and network profiles (response body, else
// request body). A new VM is instance.create with the disks it attached as
// sources and the disks it made as created. An existing VM listing disks
// attached by id is volume.attach (`az vm disk attach` is such a PUT; it
// re-lists the disks already attached too). Anything else is instance.modify.
func vmWrite(o *op) {
	sp := o.body("properties", "storageProfile")
	osDisk := decode.GetFold(sp, "osDisk")
	var attached, made []string
	for _, d := range slices.Concat(decode.Each(osDisk), decode.Each(decode.GetFold(sp, "dataDisks"))) {
		id := decode.StrFold(d, "managedDisk", "id")
		if id == "" || decode.Bool(decode.GetFold(d, "toBeDetached")) {
			continue
		}
		if strings.EqualFold(decode.StrFold(d, "createOption"), "Attach") {
			attached = append(attached, id)
		} else {
			made = append(made, id)
		}
	}
	created, known := o.created()
	if !known && strings.EqualFold(decode.StrFold(osDisk, "createOption"), "Attach") {
		created = true // an OS disk is attached only when the VM is made
	}
	switch {
	case created:
		o.e.Action = event.InstanceCreate
		o.add(event.RoleCreated, event.Instance, o.id)
	case len(attached) > 0:
		o.e.Action = event.VolumeAttach
		o.add(event.RoleTarget, event.Instance, o.id)
	default:
		o.e.Action = event.InstanceModify
		o.add(event.RoleTarget, event.Instance, o.id)
	}
	for _, id := range attached {
		o.add(event.RoleSource, event.Volume, id)
	}
	if created { // an existing VM's other disks were made before
		for _, id := range made {
			o.add(event.RoleCreated, event.Volume, id)
		}
	}
	o.add(event.RoleSource, event.Image, decode.StrFold(sp, "imageReference", "id"))
	for _, n := range decode.Each(o.body("properties", "networkProfile", "networkInterfaces")) {
		o.add(event.RoleTarget, event.NIC, decode.StrFold(n, "id"))
	}
}

// vmAttachDetach attaches and detaches data disks by id.
func vmAttachDetach(o *op) {
	o.add(event.RoleTarget, event.Instance, o.id)
	for _, d := range decode.Each(o.body("dataDisksToAttach")) {
		if o.add(event.RoleSource, event.Volume, decode.StrFold(d, "diskId")) != nil {
			o.e.Action = event.VolumeAttach
		}
	}
	for _, d := range decode.Each(o.body("dataDisksToDetach")) {
		if o.add(event.RoleTarget, event.Volume, decode.StrFold(d, "diskId")) != nil && o.e.Action == "" {
			o.e.Action = event.VolumeDetach
		}
	}
	if !o.hasBody() {
		o.e.Action = event.VolumeAttach
	}
}

// vmExtensionWrite: the VMAccess extensions reset passwords and SSH keys and
// create OS users, a credential for whoever runs them. Other extensions only
// name their VM.
func vmExtensionWrite(o *op) {
	o.add(event.RoleTarget, event.Instance, parent(o.id, 1))
	kind := strings.ToLower(lastSegment(o.id) + " " + o.bodyStr("properties", "type"))
	if strings.Contains(kind, "vmaccess") {
		o.e.Action = event.CredentialCreate
	}
}

// vmRunCommand runs a script on a VM: no action, but the VM is recorded.
func vmRunCommand(o *op) {
	vm := o.id
	if strings.HasSuffix(armType(vm), "/runcommands") {
		vm = parent(vm, 1)
	}
	o.add(event.RoleTarget, event.Instance, vm)
}

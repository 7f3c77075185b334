package azureactivity

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// creationSource reads a disk's or snapshot's properties.creationData: the
// create option (lower-cased) and the id it was made from: sourceResourceId,
// else the image it was made from.
func creationSource(o *op) (option, source string) {
	cd := o.body("properties", "creationData")
	option = strings.ToLower(decode.StrFold(cd, "createOption"))
	source = cmp.Or(
		decode.StrFold(cd, "sourceResourceId"),
		decode.StrFold(cd, "imageReference", "id"),
		decode.StrFold(cd, "galleryImageReference", "id"),
	)
	return option, source
}

// snapshotWrite: a snapshot made from a snapshot (or a disk restore point)
// is a copy, from anything else a new snapshot. A write to a snapshot that
// existed long before is an update and means nothing here.
func snapshotWrite(o *op) {
	o.add(event.RoleCreated, event.Snapshot, o.id)
	if o.preexisting() {
		return
	}
	o.e.Action = event.SnapshotCreate
	_, src := creationSource(o)
	if r := o.add(event.RoleSource, "", src); r != nil && r.Type == event.Snapshot {
		o.e.Action = event.SnapshotCopy
	}
}

// diskWrite: a disk made from a snapshot, restore point or image is a
// restore, from another disk a clone, from nothing (Empty, Import, Upload) a
// new volume.
func diskWrite(o *op) {
	o.add(event.RoleCreated, event.Volume, o.id)
	if o.preexisting() {
		return
	}
	option, src := creationSource(o)
	r := o.add(event.RoleSource, "", src)
	switch {
	case r != nil && r.Type == event.Volume:
		o.e.Action = event.VolumeClone
	case r != nil, option == "fromimage", option == "restore":
		o.e.Action = event.VolumeRestore
	default:
		o.e.Action = event.VolumeCreate
	}
}

// sas is the share kind of a SAS URL: whoever holds the URL can read the
// copy, so the share target is event.Public.
const sas = "sas"

// snapshotExport: beginGetAccess issues a SAS URL for the snapshot.
func snapshotExport(o *op) {
	o.e.Action = event.SnapshotExport
	o.add(event.RoleTarget, event.Snapshot, o.id)
	o.e.AddShare(event.Public, sas)
}

// diskExport: beginGetAccess issues a SAS URL for the disk.
func diskExport(o *op) {
	o.e.Action = event.VolumeExport
	o.add(event.RoleTarget, event.Volume, o.id)
	o.e.AddShare(event.Public, sas)
}

// endGetAccess revokes the SAS URL of a snapshot or a disk.
func endGetAccess(o *op) {
	o.e.Action = event.SnapshotUnshare
	if strings.Contains(o.id, "/disks/") {
		o.e.Action = event.VolumeUnshare
	}
	o.add(event.RoleTarget, "", o.id)
	o.e.AddShare(event.Public, sas)
}

// imageWrite: a managed image from a VM, or from OS and data disks given as
// snapshots or managed disks.
func imageWrite(o *op) {
	o.e.Action = event.ImageCreate
	o.add(event.RoleCreated, event.Image, o.id)
	o.add(event.RoleSource, event.Instance, o.bodyStr("properties", "sourceVirtualMachine", "id"))
	sp := o.body("properties", "storageProfile")
	disks := append([]*jsondoc.Value{decode.GetFold(sp, "osDisk")}, decode.Each(decode.GetFold(sp, "dataDisks"))...)
	for _, d := range disks {
		o.add(event.RoleSource, "", decode.StrFold(d, "snapshot", "id"))
		o.add(event.RoleSource, "", decode.StrFold(d, "managedDisk", "id"))
	}
}

// galleryVersionWrite: a gallery image version made from a VM, image,
// snapshot, disk or another version.
func galleryVersionWrite(o *op) {
	o.e.Action = event.ImageCreate
	o.add(event.RoleCreated, event.Image, o.id)
	sp := o.body("properties", "storageProfile")
	o.add(event.RoleSource, "", decode.StrFold(sp, "source", "id"))
	o.add(event.RoleSource, "", decode.StrFold(sp, "source", "virtualMachineId"))
	o.add(event.RoleSource, "", decode.StrFold(sp, "osDiskImage", "source", "id"))
	for _, d := range decode.Each(decode.GetFold(sp, "dataDiskImages")) {
		o.add(event.RoleSource, "", decode.StrFold(d, "source", "id"))
	}
	o.add(event.RoleSource, "", o.bodyStr("properties", "publishingProfile", "source", "managedImage", "id"))
}

// galleryShare changes who may use a gallery's images: subscriptions,
// tenants, or everyone (community). Remove and Reset revoke.
func galleryShare(o *op) {
	o.add(event.RoleTarget, event.Image, o.id)
	o.e.Action = event.ImageShare
	switch strings.ToLower(o.bodyStr("operationType")) {
	case "remove", "reset":
		o.e.Action = event.ImageUnshare
	case "enablecommunity":
		o.e.AddShare(event.Public, "public")
	}
	for _, g := range decode.Each(o.body("groups")) {
		kind := "account"
		if strings.EqualFold(decode.StrFold(g, "type"), "AADTenants") {
			kind = "organization"
		}
		for _, id := range decode.Strs(decode.GetFold(g, "ids")) {
			o.e.AddShare(strings.ToLower(id), kind)
		}
	}
}

// restorePointCollectionWrite creates the collection of a VM's restore
// points, naming the VM.
func restorePointCollectionWrite(o *op) {
	o.e.Action = event.SnapshotCreate
	o.add(event.RoleCreated, event.Snapshot, o.id)
	o.add(event.RoleSource, event.Instance, o.bodyStr("properties", "source", "id"))
}

// restorePointWrite snapshots the VM of its collection, or copies another
// restore point (sourceRestorePoint, possibly from another region).
func restorePointWrite(o *op) {
	o.e.Action = event.SnapshotCreate
	o.add(event.RoleCreated, event.Snapshot, o.id)
	if o.add(event.RoleSource, event.Snapshot, o.bodyStr("properties", "sourceRestorePoint", "id")) != nil {
		o.e.Action = event.SnapshotCopy
	}
}

package gcpaudit

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Compute Engine disks, snapshots, images and instances.

// deleted maps a delete method: the named resource is the target.
func deleted(a event.Action) func(*norm) {
	return func(c *norm) {
		c.e.Action = a
		c.target()
	}
}

// created returns the resource an insert made (or a patch names): the
// entry's resourceName when it is of the collection, else the operation's
// targetLink, else request.name qualified with the project.
func (c *norm) created(where, coll string) string {
	if collection(c.name) == coll {
		return c.name
	}
	if t := event.GCPName(c.o.str("response", "targetLink")); collection(t) == coll {
		return t
	}
	return c.res.resolve(str(c.req, "name"), where, coll)
}

// requested records as a source the resource the request names at key, a
// member of collection coll (zonal, regional or global, as where says).
func (c *norm) requested(typ event.ResourceType, key, where, coll string) {
	c.add(event.RoleSource, typ, c.res.resolve(str(c.req, key), where, coll))
}

// crossEntity reports an entry written in the project an operation read
// from, not the caller's (a snapshot of a shared disk taken from another
// project): its resourceName is the source, and the copy's project unknown.
func (c *norm) crossEntity() bool {
	return strings.HasSuffix(c.o.metadataType(), "CrossEntityControlAuditMetadata")
}

// diskCreateSnapshot: POST …/disks/D/createSnapshot makes a snapshot of D
// in D's project.
func diskCreateSnapshot(c *norm) {
	c.e.Action = event.SnapshotCreate
	c.add(event.RoleSource, event.Volume, c.name)
	c.add(event.RoleCreated, event.Snapshot, c.res.resolve(str(c.req, "name"), global, "snapshots"))
}

func snapshotInsert(c *norm) {
	c.e.Action = event.SnapshotCreate
	c.requested(event.Volume, "sourceDisk", zonal, "disks")
	c.requested(event.Snapshot, "sourceInstantSnapshot", zonal, "instantSnapshots")
	if collection(c.name) == "disks" {
		c.add(event.RoleSource, event.Volume, c.name) // logged in the disk's project
	}
	if c.crossEntity() && collection(c.name) != "snapshots" {
		// The snapshot lives in the caller's project: only a full name tells it.
		if t := event.GCPName(c.o.str("response", "targetLink")); collection(t) == "snapshots" {
			c.add(event.RoleCreated, event.Snapshot, t)
		}
		return
	}
	c.add(event.RoleCreated, event.Snapshot, c.created(global, "snapshots"))
}

func instantSnapshotInsert(c *norm) {
	c.e.Action = event.SnapshotCreate
	c.requested(event.Volume, "sourceDisk", zonal, "disks")
	c.add(event.RoleCreated, event.Snapshot, c.created(zonal, "instantSnapshots"))
}

func instantSnapshotExport(c *norm) {
	c.e.Action = event.SnapshotExport
	c.add(event.RoleSource, event.Snapshot, c.name)
	for _, uri := range storageURIs(c.req, 4) {
		c.add(event.RoleCreated, event.Bucket, uri)
	}
}

// imageInsert: an image from a disk, snapshot, image or a tarball in Cloud
// Storage. An image of another project's image is a copy.
func imageInsert(c *norm) {
	c.e.Action = event.ImageCreate
	c.requested(event.Volume, "sourceDisk", zonal, "disks")
	c.requested(event.Snapshot, "sourceSnapshot", global, "snapshots")
	if img := c.res.resolve(str(c.req, "sourceImage"), global, "images"); img != "" {
		c.add(event.RoleSource, event.Image, img)
		if p := event.GCPProject(img); p != "" && !c.home(p) {
			c.e.Action = event.ImageCopy
		}
	}
	c.add(event.RoleSource, event.Bucket, storageURI(str(c.req, "rawDisk", "source")))
	c.add(event.RoleCreated, event.Image, c.created(global, "images"))
}

func machineImageInsert(c *norm) {
	c.e.Action = event.ImageCreate
	c.requested(event.Instance, "sourceInstance", zonal, "instances")
	c.add(event.RoleCreated, event.Image, c.created(global, "machineImages"))
}

// diskInsert: a disk restored from a snapshot or image, cloned from a disk,
// or blank.
func diskInsert(c *norm) {
	where := zonal
	if segment(c.name, "regions") != "" || strings.Contains(strings.ToLower(c.e.Operation), "regiondisks") {
		where = region
	}
	c.e.Action = event.VolumeCreate
	switch {
	case str(c.req, "sourceSnapshot") != "":
		c.e.Action = event.VolumeRestore
		c.requested(event.Snapshot, "sourceSnapshot", global, "snapshots")
	case str(c.req, "sourceInstantSnapshot") != "":
		c.e.Action = event.VolumeRestore
		c.requested(event.Snapshot, "sourceInstantSnapshot", zonal, "instantSnapshots")
	case str(c.req, "sourceImage") != "":
		c.e.Action = event.VolumeRestore
		c.requested(event.Image, "sourceImage", global, "images")
	case str(c.req, "sourceDisk") != "":
		c.e.Action = event.VolumeClone
		c.requested(event.Volume, "sourceDisk", where, "disks")
	}
	c.add(event.RoleCreated, event.Volume, c.created(where, "disks"))
}

// instanceInsert: the instance's disks (attached, or initialized from a
// snapshot or image), a machine image it was made from, and the network
// and tags that firewall rules reach it through.
func instanceInsert(c *norm) {
	c.e.Action = event.InstanceCreate
	inst := c.created(zonal, "instances")
	c.add(event.RoleCreated, event.Instance, inst)
	for _, d := range decode.Each(c.req, "disks") {
		c.add(event.RoleSource, event.Volume, c.res.resolve(str(d, "source"), zonal, "disks"))
		c.add(event.RoleSource, event.Snapshot, c.res.resolve(str(d, "initializeParams", "sourceSnapshot"), global, "snapshots"))
		c.add(event.RoleSource, event.Image, c.res.resolve(str(d, "initializeParams", "sourceImage"), global, "images"))
	}
	c.requested(event.Image, "sourceMachineImage", global, "machineImages")
	for _, d := range decode.Each(c.o.get("metadata"), "usedResources", "attachedDisks") {
		c.add(event.RoleSource, event.Image, c.res.resolve(str(d, "sourceImage"), global, "images"))
	}
	project := cmp.Or(event.GCPProject(inst), c.res.project)
	nics := decode.Each(c.req, "networkInterfaces")
	for _, n := range nics {
		net := str(n, "network")
		if net == "" && str(n, "subnetwork") == "" {
			net = "global/networks/default" // the API's default
		}
		c.add(event.RoleTarget, event.Network, c.res.resolve(net, global, "networks"))
	}
	for _, t := range decode.Strs(c.req, "tags", "items") {
		c.add(event.RoleTarget, NetworkTag, networkTag(project, t))
	}
}

// attachDisk: request.source is the disk, resourceName the instance.
func attachDisk(c *norm) {
	c.e.Action = event.VolumeAttach
	c.requested(event.Volume, "source", zonal, "disks")
	c.add(event.RoleTarget, event.Instance, c.name)
}

// detachDisk names the disk only by device name.
func detachDisk(c *norm) {
	c.e.Action = event.VolumeDetach
	c.add(event.RoleTarget, event.Instance, c.name)
}

func addAccessConfig(c *norm) {
	c.e.Action = event.PublicIPAssign
	c.add(event.RoleTarget, event.Instance, c.name)
}

// setMetadata: instance or project metadata; writing ssh-keys grants SSH
// access to instances.
func setMetadata(c *norm) {
	if kindOf(c.name) == event.Instance {
		c.add(event.RoleTarget, event.Instance, c.name)
	} else if p := event.GCPProject(c.name); p != "" {
		c.add(event.RoleTarget, event.AccountType, p)
	}
	if writesSSHKeys(c) {
		c.e.Action = event.CredentialCreate
	}
}

func writesSSHKeys(c *norm) bool {
	isKey := func(k string) bool { return k == "ssh-keys" || k == "sshKeys" }
	for _, items := range [][]string{{"items"}, {"metadata", "items"}, {"commonInstanceMetadata", "items"}} {
		for _, it := range decode.Each(c.req, items...) {
			if isKey(str(it, "key")) {
				return true
			}
		}
	}
	md := c.o.get("metadata")
	for _, delta := range []string{"instanceMetadataDelta", "projectMetadataDelta"} {
		for _, keys := range []string{"addedMetadataKeys", "modifiedMetadataKeys"} {
			for _, k := range decode.Strs(md, delta, keys) {
				if isKey(k) {
					return true
				}
			}
		}
	}
	return false
}

package cloudtrail

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// EC2 operations on snapshots, images, volumes and instances. EC2 ids are
// kept plain (snap-…, vol-…, ami-…, i-…, sg-…); an ARN is cut to its id.

func createSnapshot(r *rec) {
	r.e.Action = event.SnapshotCreate
	r.add(event.RoleSource, event.Volume, ec2ID(cmp.Or(r.req("volumeId"), r.resp("volumeId"))))
	r.tag(r.add(event.RoleCreated, event.Snapshot, ec2ID(r.resp("snapshotId"))), r.specTags("snapshot"), tagsAt(r.re, "tagSet"))
}

// createSnapshots snapshots every volume of an instance at once.
func createSnapshots(r *rec) {
	r.e.Action = event.SnapshotCreate
	r.add(event.RoleSource, event.Instance, ec2ID(r.req("instanceSpecification", "instanceId")))
	for _, it := range items(r.re, "snapshotSet") {
		r.add(event.RoleSource, event.Volume, ec2ID(decode.Str(it, "volumeId")))
		r.tag(r.add(event.RoleCreated, event.Snapshot, ec2ID(decode.Str(it, "snapshotId"))), r.specTags("snapshot"), tagsAt(it, "tagSet"))
	}
}

func copySnapshot(r *rec) {
	r.e.Action = event.SnapshotCopy
	r.add(event.RoleSource, event.Snapshot, ec2ID(r.req("sourceSnapshotId")))
	r.tag(r.add(event.RoleCreated, event.Snapshot, ec2ID(r.resp("snapshotId"))), r.specTags("snapshot"))
}

func deleteSnapshot(r *rec) {
	r.e.Action = event.SnapshotDelete
	r.add(event.RoleTarget, event.Snapshot, ec2ID(r.req("snapshotId")))
}

// restoreSnapshotFromRecycleBin brings a deleted snapshot back: to lineage
// it is a snapshot the caller made.
func restoreSnapshotFromRecycleBin(r *rec) {
	r.e.Action = event.SnapshotCreate
	r.add(event.RoleCreated, event.Snapshot, ec2ID(cmp.Or(r.resp("snapshotId"), r.req("snapshotId"))))
}

// sharedSnapshotCopyInitiated is logged in the owner's trail when another
// account (the actor) copies a snapshot shared with it.
func sharedSnapshotCopyInitiated(r *rec) {
	r.e.Action = event.SnapshotCopy
	r.add(event.RoleSource, event.Snapshot, ec2ID(decode.Str(r.v, "serviceEventDetails", "snapshotId")))
}

// sharedSnapshotVolumeCreated is logged in the owner's trail when another
// account (the actor) creates a volume from a snapshot shared with it.
func sharedSnapshotVolumeCreated(r *rec) {
	r.e.Action = event.VolumeRestore
	r.add(event.RoleSource, event.Snapshot, ec2ID(decode.Str(r.v, "serviceEventDetails", "snapshotId")))
}

func createImage(r *rec) {
	r.e.Action = event.ImageCreate
	r.add(event.RoleSource, event.Instance, ec2ID(r.req("instanceId")))
	r.tag(r.add(event.RoleCreated, event.Image, ec2ID(r.resp("imageId"))), r.specTags("image"))
}

// registerImage makes an AMI from snapshots.
func registerImage(r *rec) {
	r.e.Action = event.ImageCreate
	for _, it := range items(r.rp, "blockDeviceMapping") {
		r.add(event.RoleSource, event.Snapshot, ec2ID(decode.Str(it, "ebs", "snapshotId")))
	}
	r.tag(r.add(event.RoleCreated, event.Image, ec2ID(r.resp("imageId"))), r.specTags("image"))
}

func copyImage(r *rec) {
	r.e.Action = event.ImageCopy
	r.add(event.RoleSource, event.Image, ec2ID(r.req("sourceImageId")))
	r.tag(r.add(event.RoleCreated, event.Image, ec2ID(r.resp("imageId"))), r.specTags("image"))
}

func deregisterImage(r *rec) {
	r.e.Action = event.ImageDelete
	r.add(event.RoleTarget, event.Image, ec2ID(r.req("imageId")))
}

func restoreImageFromRecycleBin(r *rec) {
	r.e.Action = event.ImageCreate
	r.add(event.RoleCreated, event.Image, ec2ID(r.req("imageId")))
}

func createInstanceExportTask(r *rec) {
	r.e.Action = event.InstanceExport
	r.add(event.RoleSource, event.Instance, ec2ID(r.req("instanceId")))
	r.add(event.RoleTarget, event.Bucket, r.req("exportToS3", "s3Bucket"))
}

func exportImage(r *rec) {
	r.e.Action = event.ImageExport
	r.add(event.RoleSource, event.Image, ec2ID(r.req("imageId")))
	r.add(event.RoleTarget, event.Bucket, r.req("s3ExportLocation", "s3Bucket"))
}

func createStoreImageTask(r *rec) {
	r.e.Action = event.ImageExport
	r.add(event.RoleSource, event.Image, ec2ID(r.req("imageId")))
	r.add(event.RoleTarget, event.Bucket, r.req("bucket"))
}

// createVolume restores a snapshot when it names one, else makes an empty
// volume.
func createVolume(r *rec) {
	snap := ec2ID(cmp.Or(r.req("snapshotId"), r.resp("snapshotId")))
	if snap != "" {
		r.e.Action = event.VolumeRestore
		r.add(event.RoleSource, event.Snapshot, snap)
	} else {
		r.e.Action = event.VolumeCreate
	}
	r.tag(r.add(event.RoleCreated, event.Volume, ec2ID(r.resp("volumeId"))), r.specTags("volume"), tagsAt(r.re, "tagSet"))
}

func attachVolume(r *rec) {
	r.e.Action = event.VolumeAttach
	r.add(event.RoleSource, event.Volume, ec2ID(cmp.Or(r.req("volumeId"), r.resp("volumeId"))))
	r.add(event.RoleTarget, event.Instance, ec2ID(cmp.Or(r.req("instanceId"), r.resp("instanceId"))))
}

func detachVolume(r *rec) {
	r.e.Action = event.VolumeDetach
	r.add(event.RoleSource, event.Volume, ec2ID(cmp.Or(r.req("volumeId"), r.resp("volumeId"))))
	r.add(event.RoleTarget, event.Instance, ec2ID(cmp.Or(r.req("instanceId"), r.resp("instanceId"))))
}

func deleteVolume(r *rec) {
	r.e.Action = event.VolumeDelete
	r.add(event.RoleTarget, event.Volume, ec2ID(r.req("volumeId")))
}

// runInstances reads the image and snapshots an instance starts from, the
// security groups it joins and the instances made.
func runInstances(r *rec) {
	r.e.Action = event.InstanceCreate
	for _, it := range items(r.rp, "instancesSet") {
		r.add(event.RoleSource, event.Image, ec2ID(decode.Str(it, "imageId")))
	}
	r.add(event.RoleSource, event.Image, ec2ID(r.req("imageId")))
	for _, it := range items(r.rp, "blockDeviceMapping") {
		r.add(event.RoleSource, event.Snapshot, ec2ID(decode.Str(it, "ebs", "snapshotId")))
	}
	r.groups(items(r.rp, "groupSet"))
	for _, ni := range items(r.rp, "networkInterfaceSet") {
		r.groups(items(ni, "groupSet"))
	}
	for _, it := range items(r.re, "instancesSet") {
		r.tag(r.add(event.RoleCreated, event.Instance, ec2ID(decode.Str(it, "instanceId"))), r.specTags("instance"), tagsAt(it, "tagSet"))
		r.add(event.RoleSource, event.Image, ec2ID(decode.Str(it, "imageId")))
		r.groups(items(it, "groupSet"))
	}
}

// modifyInstanceAttribute matters when it moves an instance into other
// security groups.
func modifyInstanceAttribute(r *rec) {
	r.add(event.RoleTarget, event.Instance, ec2ID(r.req("instanceId")))
	if g := items(r.rp, "groupSet"); len(g) > 0 {
		r.e.Action = event.InstanceModify
		r.groups(g)
	}
}

// guardrailDisable turns off an account-wide protection of the region.
func guardrailDisable(r *rec) {
	r.e.Action = event.GuardrailDisable
	r.add(event.RoleTarget, event.AccountType, r.e.Account)
}

// groups records the security groups of a groupSet.
func (r *rec) groups(set []*jsondoc.Value) {
	for _, g := range set {
		r.add(event.RoleTarget, event.SecurityGroup, ec2ID(decode.Str(g, "groupId")))
	}
}

// permission is the attribute through which EC2 shares a snapshot or an
// image with other accounts, and what changing it means.
type permission struct {
	typ            event.ResourceType
	idKey          string // the request member naming the resource
	attr           string // the attribute's name
	share, unshare event.Action
}

var (
	snapshotPermission = permission{event.Snapshot, "snapshotId", "createVolumePermission", event.SnapshotShare, event.SnapshotUnshare}
	imagePermission    = permission{event.Image, "imageId", "launchPermission", event.ImageShare, event.ImageUnshare}
)

// modify handles ModifySnapshotAttribute and ModifyImageAttribute: a change
// of the permission shares or unshares; one of another attribute (product
// codes, description, boot mode…) changes no access.
func (p permission) modify(r *rec) {
	r.add(event.RoleTarget, p.typ, ec2ID(r.req(p.idKey)))
	perm := r.rp.Get(p.attr)
	if perm == nil {
		if attr := r.req("attributeType"); attr != "" && !sameName(attr, p.attr) {
			return
		}
	}
	permissionChange(r, perm, p.share, p.unshare)
}

// reset handles ResetSnapshotAttribute and ResetImageAttribute, which
// restore the default permission: private.
func (p permission) reset(r *rec) {
	r.add(event.RoleTarget, p.typ, ec2ID(r.req(p.idKey)))
	if attr := r.req("attribute"); attr == "" || sameName(attr, p.attr) {
		r.e.Action = p.unshare
	}
}

// permissionChange reads an EC2 permission change, {add: {items: […]},
// remove: {items: […]}}, as a share or an unshare. A call whose request
// was not logged (a failed one) counts as a share attempt.
func permissionChange(r *rec, perm *jsondoc.Value, share, unshare event.Action) {
	add, remove := grantees(perm.Get("add")), grantees(perm.Get("remove"))
	switch {
	case len(add) > 0 || (len(remove) == 0 && perm.Get("add") != nil):
		r.e.Action = share
	case len(remove) > 0:
		r.e.Action, add = unshare, remove
	default:
		r.e.Action = share
	}
	for _, g := range add {
		r.shareWith(g.Target, g.Kind)
	}
}

// grantees reads the items of an add or remove list: account ids (userId),
// the public (group or groups "all"), organizations and OUs. The list's own
// members are read too, for requests written without items.
func grantees(list *jsondoc.Value) []event.Share {
	if list == nil {
		return nil
	}
	var out []event.Share
	// A new slice: appending to Each's result would write into the parsed value.
	entries := append([]*jsondoc.Value{list}, decode.Each(list, "items")...)
	for _, it := range entries {
		for _, id := range decode.Strs(it, "userId") {
			out = append(out, event.Share{Target: id, Kind: "account"})
		}
		for _, key := range []string{"group", "groups"} {
			for _, g := range decode.Strs(it, key) {
				if strings.EqualFold(g, "all") {
					out = append(out, event.Share{Target: event.Public, Kind: "public"})
				}
			}
		}
		for _, key := range []string{"organizationArn", "organizationalUnitArn"} {
			for _, arn := range decode.Strs(it, key) {
				out = append(out, event.Share{Target: arn, Kind: "organization"})
			}
		}
	}
	return out
}

// ec2ID returns an EC2 id plain: an ARN (arn:aws:ec2:…:snapshot/snap-1) is
// cut to what follows its last '/'.
func ec2ID(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "arn:") {
		if i := strings.LastIndexByte(s, '/'); i >= 0 {
			return s[i+1:]
		}
	}
	return s
}

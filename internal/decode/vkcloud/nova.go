package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// serverModify are the Nova server actions that change an existing server
// in a way worth a rule (its disk, password, network exposure, placement).
var serverModify = map[string]bool{
	"rebuild": true, "resize": true, "confirmResize": true, "changePassword": true,
	"rescue": true, "unrescue": true, "migrate": true, "os-migrateLive": true,
	"shelve": true, "unshelve": true, "shelveOffload": true, "lock": true, "unlock": true,
	"addSecurityGroup": true, "removeSecurityGroup": true, "os-resetState": true,
	"trigger_crash_dump": true, "os-resetPassword": true,
}

// vm-action: POST /servers/{id}/action; the operation is the body's first
// key. createImage and createBackup both make a Glance image of the server
// (the response's image_id, microversion 2.45+), so the copy is an image
// either way; createBackup is still a backup.create.
func serverAction(c *call, e *event.Event) {
	server := c.id("servers")
	switch k := c.req.key(); {
	case k == "createImage":
		e.Action = event.ImageCreate
		add(e, event.RoleSource, event.Instance, server)
		addNamed(e, event.RoleCreated, event.Image, c.resp.str("image_id"), c.req.str("createImage", "name"))
		tag(e, event.RoleCreated, event.Image, c.resp.str("image_id"), c.bodyTags([]string{"createImage", "metadata"}))
	case k == "createBackup":
		e.Action = event.BackupCreate
		add(e, event.RoleSource, event.Instance, server)
		addNamed(e, event.RoleCreated, event.Image, c.resp.str("image_id"), c.req.str("createBackup", "name"))
		tag(e, event.RoleCreated, event.Image, c.resp.str("image_id"), c.bodyTags([]string{"createBackup", "metadata"}))
	case k == "addFloatingIp":
		e.Action = event.PublicIPAssign
		add(e, event.RoleTarget, event.Instance, server)
	case serverModify[k]:
		e.Action = event.InstanceModify
		add(e, event.RoleTarget, event.Instance, server)
	default:
		add(e, event.RoleTarget, event.Instance, server)
	}
}

// assisted-volume-snapshots-create (used by volume drivers on shared file
// systems): {"snapshot":{"volume_id","create_info":{"snapshot_id",…}}}.
func assistedSnapshot(c *call, e *event.Event) {
	e.Action = event.SnapshotCreate
	add(e, event.RoleSource, event.Volume, first(c.req.str("snapshot", "volume_id"), c.resp.str("snapshot", "volumeId")))
	add(e, event.RoleCreated, event.Snapshot, first(c.req.str("snapshot", "create_info", "snapshot_id"), c.resp.str("snapshot", "id")))
}

// vm-attach-volume: POST /servers/{id}/os-volume_attachments
// {"volumeAttachment":{"volumeId"}}.
func attachVolume(c *call, e *event.Event) {
	e.Action = event.VolumeAttach
	add(e, event.RoleSource, event.Volume, first(c.req.str("volumeAttachment", "volumeId"), c.resp.str("volumeAttachment", "volumeId")))
	add(e, event.RoleTarget, event.Instance, first(c.id("servers"), c.resp.str("volumeAttachment", "serverId")))
}

// vm-detach-volume: DELETE /servers/{id}/os-volume_attachments/{volume_id}.
func detachVolume(c *call, e *event.Event) {
	e.Action = event.VolumeDetach
	add(e, event.RoleSource, event.Volume, c.route.after("os-volume_attachments"))
	add(e, event.RoleTarget, event.Instance, c.id("servers"))
}

// create-vm: POST /servers. The server boots from imageRef or from
// block_device_mapping_v2 entries whose source is a snapshot, an image or a
// volume; the response names the new server and its security groups.
func createServer(c *call, e *event.Event) {
	e.Action = event.InstanceCreate
	addNamed(e, event.RoleCreated, event.Instance, c.resp.str("server", "id"), c.req.str("server", "name"))
	tag(e, event.RoleCreated, event.Instance, c.resp.str("server", "id"),
		c.bodyTags([]string{"server", "metadata"}, []string{"server", "tags"}))
	if ref := c.req.str("server", "imageRef"); first(ref) != "" {
		add(e, event.RoleSource, event.Image, imageRef(ref))
	}
	if !c.req.parsed() {
		bootSourcesFromText(c.req, e)
		return
	}
	for _, m := range capped(decode.Each(c.req.v, "server", "block_device_mapping_v2")) {
		if t := bootSourceType(decode.Str(m, "source_type")); t != "" {
			add(e, event.RoleSource, t, decode.Str(m, "uuid"))
		}
	}
	// The legacy mapping names volumes and snapshots directly.
	for _, m := range capped(decode.Each(c.req.v, "server", "block_device_mapping")) {
		add(e, event.RoleSource, event.Snapshot, decode.Str(m, "snapshot_id"))
		add(e, event.RoleSource, event.Volume, decode.Str(m, "volume_id"))
	}
	for _, v := range []*jsondoc.Value{c.req.get("server"), c.resp.get("server")} {
		for _, g := range capped(decode.Each(v, "security_groups")) {
			addGroup(e, decode.Str(g, "name"))
		}
	}
}

// addGroup records a security group named in a server request. Nova takes
// a group's name or id there: an id is the group itself; a name (often
// "default") is kept as both id and name for want of better.
func addGroup(e *event.Event, s string) {
	s = strings.TrimSpace(s)
	switch {
	case masked(s):
	case isUUID(s):
		add(e, event.RoleTarget, event.SecurityGroup, s)
	default:
		if r := e.AddResource(event.RoleTarget, event.SecurityGroup, s); r != nil {
			r.Name = s
		}
	}
}

func bootSourceType(s string) event.ResourceType {
	switch s {
	case "snapshot":
		return event.Snapshot
	case "image":
		return event.Image
	case "volume":
		return event.Volume
	}
	return ""
}

// bootSourcesFromText pairs each "uuid" with the nearest "source_type" in a
// body that does not parse, whichever comes first within a mapping.
func bootSourcesFromText(b body, e *event.Event) {
	var typ event.ResourceType
	var uuid string
	seenType, found := false, 0
	for _, p := range b.pairs {
		if found == maxListed {
			return
		}
		switch p.key {
		case "source_type":
			typ, seenType = bootSourceType(p.val), true
		case "uuid":
			uuid = p.val
		default:
			continue
		}
		if seenType && uuid != "" {
			if typ != "" {
				add(e, event.RoleSource, typ, uuid)
				found++
			}
			typ, uuid, seenType = "", "", false
		}
	}
}

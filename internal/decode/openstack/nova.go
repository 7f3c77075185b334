package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// nova maps compute notifications, versioned (instance.*) and legacy
// (compute.instance.*, whose "compute." prefix the caller removed).
func nova(e *event.Event, n *notes) {
	instance := cmp.Or(n.str("uuid"), n.str("instance_id"))
	name := cmp.Or(n.str("display_name"), n.str("host_name"))
	switch n.op {
	case "instance.snapshot":
		e.Action = event.ImageCreate
		addNamed(e, event.RoleSource, event.Instance, instance, name)
		e.AddResource(event.RoleCreated, event.Image, n.str("snapshot_image_id"))
	case "instance.shelve":
		// Shelving an image-backed instance snapshots it into Glance; the
		// payload does not name the image. (shelve_offload only frees the
		// host: no copy is made there.)
		e.Action = event.ImageCreate
		addNamed(e, event.RoleSource, event.Instance, instance, name)
	case "instance.create":
		e.Action = event.InstanceCreate
		addNamed(e, event.RoleCreated, event.Instance, instance, name)
		e.TagResource(event.RoleCreated, event.Instance, instance, n.tags("metadata", "tags"))
		image := cmp.Or(n.str("image_uuid"), n.str("image_meta", "base_image_ref"), lastSegment(n.str("image_ref_url")))
		e.AddResource(event.RoleSource, event.Image, image)
		for _, bd := range n.each("block_devices") {
			e.AddResource(event.RoleSource, event.Volume, decode.Str(body(bd), "volume_id"))
		}
	case "instance.volume_attach", "instance.volume.attach":
		e.Action = event.VolumeAttach
		e.AddResource(event.RoleSource, event.Volume, n.str("volume_id"))
		addNamed(e, event.RoleTarget, event.Instance, instance, name)
	case "instance.volume_swap":
		// The new volume takes the old one's place on the instance.
		e.Action = event.VolumeAttach
		e.AddResource(event.RoleSource, event.Volume, n.str("new_volume_id"))
		addNamed(e, event.RoleTarget, event.Instance, instance, name)
	case "instance.volume_detach", "instance.volume.detach":
		e.Action = event.VolumeDetach
		e.AddResource(event.RoleSource, event.Volume, n.str("volume_id"))
		addNamed(e, event.RoleTarget, event.Instance, instance, name)
	case "keypair.create", "keypair.import":
		// A new SSH key for the user: a credential to log in to instances.
		e.Action = event.CredentialCreate
		e.AddResource(event.RoleTarget, event.Principal, n.str("user_id"))
	default:
		if strings.HasPrefix(n.op, "instance.") {
			addNamed(e, event.RoleTarget, event.Instance, instance, name)
			if retags(n.op) {
				e.TagResource(event.RoleTarget, event.Instance, instance, n.tags("metadata", "tags"))
			}
		}
	}
}

// lastSegment is the last path segment of a URL (a legacy image_ref_url).
func lastSegment(s string) string {
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

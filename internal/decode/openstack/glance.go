package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// glance maps image notifications: the payload is the image (id, name,
// owner, visibility), a membership (image_id, member_id) or a download.
func glance(e *event.Event, n *notes) {
	image := cmp.Or(n.str("image_id"), n.str("id"))
	name := n.str("name")
	switch n.op {
	case "image.create", "image.upload", "image.activate":
		e.Action = event.ImageCreate
		addNamed(e, event.RoleCreated, event.Image, image, name)
		e.TagResource(event.RoleCreated, event.Image, image, n.tags("properties", "tags"))
	case "image.update":
		addNamed(e, event.RoleTarget, event.Image, image, name)
		e.TagResource(event.RoleTarget, event.Image, image, n.tags("properties", "tags"))
		v := strings.ToLower(n.str("visibility"))
		if v == "public" || v == "community" || decode.Bool(n.rec(), "is_public") {
			e.Action = event.ImageShare
			e.AddShare(event.Public, event.Public)
		}
	case "image.member.create", "image.member.delete":
		e.Action = event.ImageShare
		if n.op == "image.member.delete" {
			e.Action = event.ImageUnshare
		}
		e.AddResource(event.RoleTarget, event.Image, image)
		member := n.str("member_id")
		e.AddResource(event.RoleSharedWith, event.AccountType, member)
		e.AddShare(member, "account")
	case "image.send":
		e.Action = event.ImageDownload
		e.AddResource(event.RoleSource, event.Image, image)
		if u := n.str("receiver_user_id"); e.Actor.ID == "" && u != "" {
			e.Actor.ID, e.Actor.Type = u, "user"
		}
		if e.Actor.IP == "" {
			e.Actor.IP = n.str("destination_ip")
		}
		if e.Account == "" {
			e.Account = n.str("owner_id")
		}
		if to := n.str("receiver_tenant_id"); to != "" && to != e.Account {
			e.Actor.Account = to
		}
	case "image.delete":
		e.Action = event.ImageDelete
		addNamed(e, event.RoleTarget, event.Image, image, name)
	default:
		e.AddResource(event.RoleTarget, event.Image, image)
	}
	if e.Account == "" {
		e.Account = n.str("owner")
	}
}

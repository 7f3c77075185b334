package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// classifyGlance reads Glance v2 calls by method and path: VK publishes no
// action names for Glance.
//
//	POST   /images                    image.create (public when visibility says so)
//	POST   /images/{id}/members       image.share with the member project
//	DELETE /images/{id}/members/{m}   image.unshare
//	PATCH  /images/{id}               image.share public / image.unshare public
//	                                  when the JSON patch sets visibility
//	DELETE /images/{id}               image.delete
//	GET    /images/{id}/file          image.download
func classifyGlance(c *call, e *event.Event) {
	r := c.route
	image := c.id("images")
	switch {
	case c.method == "POST" && r.match("images"):
		e.Action = event.ImageCreate
		addNamed(e, event.RoleCreated, event.Image, c.resp.str("id"), first(c.req.str("name"), c.resp.str("name")))
		tag(e, event.RoleCreated, event.Image, c.resp.str("id"), c.bodyTags([]string{"tags"}))
		if publicVisibility(first(c.req.str("visibility"), c.resp.str("visibility"))) {
			e.AddShare(event.Public, "public")
		}
	case c.method == "POST" && r.match("images", "*", "members"):
		e.Action = event.ImageShare
		add(e, event.RoleTarget, event.Image, image)
		member := first(c.req.str("member"), c.resp.str("member_id"))
		e.AddShare(strings.ToLower(member), "account")
	case c.method == "DELETE" && r.match("images", "*", "members", "*"):
		e.Action = event.ImageUnshare
		add(e, event.RoleTarget, event.Image, image)
		e.AddShare(strings.ToLower(r.at(3)), "account")
	case c.method == "PATCH" && r.match("images", "*"):
		add(e, event.RoleTarget, event.Image, image)
		switch vis, ok := patchedVisibility(c.req); {
		case !ok:
		case publicVisibility(vis):
			e.Action = event.ImageShare
			e.AddShare(event.Public, "public")
		default:
			// Private or shared: whatever the image was, it is not public now.
			e.Action = event.ImageUnshare
			e.AddShare(event.Public, "public")
		}
	case c.method == "DELETE" && r.match("images", "*"):
		e.Action = event.ImageDelete
		add(e, event.RoleTarget, event.Image, image)
	case c.method == "GET" && r.match("images", "*", "file"):
		e.Action = event.ImageDownload
		add(e, event.RoleSource, event.Image, image)
	default:
		add(e, event.RoleTarget, event.Image, image)
	}
}

// patchedVisibility returns the visibility a JSON patch
// ([{"op":"replace","path":"/visibility","value":"public"}]) sets; on a body
// that does not parse, the "value" that follows a "/visibility" path.
func patchedVisibility(b body) (string, bool) {
	if b.parsed() {
		for _, op := range decode.Each(b.v) {
			if decode.Str(op, "path") == "/visibility" && decode.Str(op, "op") != "remove" {
				if v := decode.Str(op, "value"); v != "" {
					return v, true
				}
			}
		}
		return "", false
	}
	seen := false
	for _, p := range b.pairs {
		switch {
		case p.key == "path":
			seen = p.val == "/visibility"
		case p.key == "value" && seen:
			return p.val, true
		}
	}
	return "", false
}

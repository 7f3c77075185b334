package openstack

import (
	"net/url"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Tags. OpenStack's "tags" of a volume, snapshot or server are its metadata
// map; nova servers and glance images also carry plain string tags, which
// read as keys with an empty value. Criticality can be declared by either,
// so they are copied, as written, onto what an operation made or retagged.

// tags merges the payload fields named (metadata, tags, properties) of
// every record, the closing record winning.
func (n *notes) tags(fields ...string) map[string]string {
	var m map[string]string
	for i := len(n.body) - 1; i >= 0; i-- {
		for _, f := range fields {
			m = decode.AddTags(m, n.body[i].Get(f))
		}
	}
	return m
}

// retags reports whether a notification changes an object's metadata or
// tags in place (volume.update, snapshot.update_metadata, instance.update):
// its payload holds them as they now are.
func retags(op string) bool {
	return strings.Contains(op, "update") || strings.Contains(op, "metadata") || strings.Contains(op, "tag")
}

// pathTag reads the one tag a CADF request path names when a server or an
// image is tagged: PUT /servers/{id}/tags/{tag}, PUT /images/{id}/tags/{tag}.
// Other tag and metadata calls (PUT /servers/{id}/tags, POST
// /volumes/{id}/metadata) carry their tags in the body, which CADF leaves
// out: they name the target only.
func pathTag(e *event.Event, a cadfAction, rp reqPath) {
	typ := map[string]event.ResourceType{"servers": event.Instance, "images": event.Image,
		"volumes": event.Volume, "snapshots": event.Snapshot}[rp.at(0).name]
	id := rp.at(0).id
	if typ == "" || id == "" || rp.at(1).name != "tags" && rp.at(1).name != "metadata" || !(a.is("update") || a.is("create")) {
		return
	}
	e.AddResource(event.RoleTarget, typ, id)
	tag := rp.at(1).id
	if tag == "" && len(rp.segs) == 3 {
		tag = rp.at(2).name
	}
	if rp.at(1).name != "tags" || tag == "" {
		return
	}
	if t, err := url.PathUnescape(tag); err == nil {
		tag = t
	}
	e.TagResource(event.RoleTarget, typ, id, map[string]string{tag: ""})
}

package vkcloud

import (
	"net/url"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Tags. A volume's, snapshot's or server's tags are its OpenStack metadata
// map; servers and images also take plain string tags, which read as keys
// with an empty value. Criticality can be declared by either, so they are
// copied, as written, onto what a call made or retagged. Bodies that do not
// parse give no tags: their key/value fallback cannot tell a tag from any
// other field.

// bodyTags merges the tags at each path of the response, then of the
// request, which wins: it is what the caller asked for.
func (c *call) bodyTags(paths ...[]string) map[string]string {
	var m map[string]string
	for _, b := range []body{c.resp, c.req} {
		for _, p := range paths {
			m = decode.AddTags(m, b.get(p...))
		}
	}
	return m
}

// tag gives a resource tags, under its canonical id.
func tag(e *event.Event, role event.Role, typ event.ResourceType, id string, tags map[string]string) {
	e.TagResource(role, typ, resourceID(id), tags)
}

// taggedTypes are the collections whose metadata and tag calls tagCall reads.
var taggedTypes = map[string]event.ResourceType{
	"servers": event.Instance, "volumes": event.Volume, "snapshots": event.Snapshot, "images": event.Image,
}

// tagCall reads the calls that set an object's metadata or tags; they get
// no action:
//
//	PUT|POST /{servers,volumes,snapshots}/{id}/metadata   {"metadata":{…}}
//	PUT      /{servers,volumes,snapshots}/{id}/metadata/k {"meta":{k:v}}
//	PUT      /servers/{id}/tags                           {"tags":[…]}
//	PUT      /{servers,images}/{id}/tags/{tag}
//
// It reports whether the call was one.
func tagCall(c *call, e *event.Event) bool {
	r := c.route
	typ := taggedTypes[strings.ToLower(r.at(0))]
	what := strings.ToLower(r.at(2))
	if typ == "" || len(r.segs) < 3 || len(r.segs) > 4 || (what != "metadata" && what != "tags") ||
		(c.method != "PUT" && c.method != "POST") {
		return false
	}
	id := r.at(1)
	add(e, event.RoleTarget, typ, id)
	switch {
	case what == "tags" && len(r.segs) == 4:
		t := r.at(3)
		if u, err := url.PathUnescape(t); err == nil {
			t = u
		}
		tag(e, event.RoleTarget, typ, id, map[string]string{t: ""})
	case what == "tags":
		tag(e, event.RoleTarget, typ, id, c.bodyTags([]string{"tags"}))
	default:
		tag(e, event.RoleTarget, typ, id, c.bodyTags([]string{"metadata"}, []string{"meta"}))
	}
	return true
}

package gcpaudit

import (
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Labels. Criticality can be declared by label, so the labels a request
// gives a resource are kept on it, keys and values as written.

// labelable are the types whose labels matter for criticality.
var labelable = map[event.ResourceType]bool{
	event.Volume: true, event.Snapshot: true, event.Image: true, event.Instance: true, event.Database: true,
}

// labelCreated gives the resource an operation made the labels of its
// request: request.labels for Compute inserts, settings.userLabels for a
// Cloud SQL instance.
func labelCreated(c *norm) {
	labels := decode.Tags(c.req.Get("labels"))
	if labels == nil {
		labels = decode.Tags(c.body().Get("settings", "userLabels"))
	}
	if labels == nil {
		return
	}
	for _, r := range c.e.Resources {
		if r.Role == event.RoleCreated && labelable[r.Type] {
			c.e.TagResource(r.Role, r.Type, r.ID, labels)
			return
		}
	}
}

// setLabels replaces the labels of the named resource; it has no action.
func setLabels(c *norm) {
	c.target()
	if t := kindOf(c.name); t != "" {
		c.e.TagResource(event.RoleTarget, t, c.name, decode.Tags(c.req.Get("labels")))
	}
}

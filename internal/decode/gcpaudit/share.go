package gcpaudit

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Granting and revoking access to a disk through its IAM policy. The event
// vocabulary lacks these actions.
const (
	VolumeShare   event.Action = "volume.share"
	VolumeUnshare event.Action = "volume.unshare"
)

// setIAMPolicy shares a snapshot, image, machine image or disk: every member
// of the new policy is a share target (the policy replaces the old one, so
// who was added cannot be told from the request alone). When the entry has
// a policy delta, its ADD members are the targets, and a change that only
// removes members is an unshare listing them.
func setIAMPolicy(c *norm) {
	typ := kindOf(c.name)
	if typ == "" {
		typ = typeOfCollection(c.e.Operation)
	}
	share, unshare := event.SnapshotShare, event.SnapshotUnshare
	switch typ {
	case event.Image:
		share, unshare = event.ImageShare, event.ImageUnshare
	case event.Volume:
		share, unshare = VolumeShare, VolumeUnshare
	}
	c.e.Action = share
	c.add(event.RoleTarget, typ, c.name)

	added, removed := policyDelta(c)
	members := added
	switch {
	case added == nil && removed != nil:
		members = removed
		c.e.Action = unshare
	case added == nil:
		for _, b := range decode.Each(c.req, "policy", "bindings") {
			members = append(members, decode.Strs(b, "members")...)
		}
	}
	for _, m := range members {
		target, kind := shareTarget(m)
		c.e.AddShare(target, kind)
	}
}

// typeOfCollection tells the resource type from a setIamPolicy method name
// when the entry's resourceName is elided.
func typeOfCollection(method string) event.ResourceType {
	m := strings.ToLower(method)
	switch {
	case strings.Contains(m, "images."), strings.Contains(m, "machineimages."):
		return event.Image
	case strings.Contains(m, "disks."):
		return event.Volume
	}
	return event.Snapshot
}

// policyDelta returns the members of serviceData.policyDelta's ADD and
// REMOVE binding deltas; nil lists when the entry has no delta.
func policyDelta(c *norm) (added, removed []string) {
	for _, d := range decode.Each(c.o.get("serviceData"), "policyDelta", "bindingDeltas") {
		m := str(d, "member")
		if m == "" {
			continue
		}
		switch strings.ToUpper(str(d, "action")) {
		case "ADD":
			added = append(added, m)
		case "REMOVE":
			removed = append(removed, m)
		}
	}
	return added, removed
}

// shareTarget splits an IAM member into a share target and its kind:
// user, group, serviceAccount, domain, account (project convenience
// members), principal (workload/workforce identities) or public.
func shareTarget(member string) (target, kind string) {
	member = strings.TrimSpace(member)
	switch member {
	case "allUsers", "allAuthenticatedUsers":
		return event.Public, "public"
	}
	if strings.HasPrefix(member, "principal://") || strings.HasPrefix(member, "principalSet://") {
		return member, "principal"
	}
	kind, rest, ok := strings.Cut(member, ":")
	if !ok {
		return member, "principal"
	}
	switch kind {
	case "user", "group", "serviceAccount", "domain":
		return rest, kind
	case "projectOwner", "projectEditor", "projectViewer":
		return rest, "account"
	case "deleted":
		return "", "" // a deleted principal grants nothing
	}
	return member, "principal"
}

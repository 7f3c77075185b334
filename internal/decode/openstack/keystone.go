package openstack

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// keystone maps identity.* notifications. Their payload is the basic format
// ({"resource_info": id}) or a CADF event naming the actor in initiator and,
// for role assignments, the role, the user or group and the project.
func keystone(e *event.Event, n *notes) {
	id := cmp.Or(n.str("resource_info"), n.str("target", "id"))
	switch strings.TrimPrefix(n.op, "identity.") {
	case "user.created":
		e.Action = event.PrincipalCreate
		e.AddResource(event.RoleCreated, event.Principal, id)
	case "role_assignment.created":
		e.Action = event.RoleAssign
		e.AddResource(event.RoleTarget, event.Principal, cmp.Or(n.str("user"), n.str("group")))
		e.AddResource(event.RoleTarget, event.AccountType, n.str("project"))
	case "credential.created", "application_credential.created":
		e.Action = event.CredentialCreate
		e.AddResource(event.RoleTarget, event.Principal, cmp.Or(n.str("user_id"), n.str("user")))
	}
}

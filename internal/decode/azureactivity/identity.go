package azureactivity

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// roleAssignmentWrite grants a role to a principal at a scope. The body's
// keys are PascalCase (Properties.PrincipalId). A grant scoped to a copy
// (snapshot, disk, image, backup, database) also shares that copy with the
// principal.
func roleAssignmentWrite(o *op) {
	o.e.Action = event.RoleAssign
	principal := strings.ToLower(o.bodyStr("properties", "principalId"))
	if principal != "" {
		o.e.AddResource(event.RoleSharedWith, event.Principal, principal)
	}
	scope := event.AzureID(o.bodyStr("properties", "scope"))
	if scope == "" {
		if i := strings.Index(o.id, "/providers/microsoft.authorization/roleassignments/"); i > 0 {
			scope = o.id[:i]
		}
	}
	r := o.add(event.RoleTarget, "", scope)
	if r == nil || principal == "" {
		return
	}
	switch r.Type {
	case event.Snapshot, event.Volume, event.Image, event.Backup, event.Database, event.DBSnapshot:
		o.e.AddShare(principal, "principal")
	}
}

// elevateAccess makes the caller User Access Administrator at the root
// scope: a role grant to the caller.
func elevateAccess(o *op) {
	o.e.Action = event.RoleAssign
	o.e.AddResource(event.RoleSharedWith, event.Principal, o.e.Actor.ID)
}

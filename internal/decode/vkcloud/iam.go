package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

// VK publishes the IAM action names but not their bodies; the bodies are
// searched for the usual keys (user_id, email, role) wherever they sit.

// invite_create: a user invited into the project, VK's "user created". The
// invitee is known by e-mail until the invitation is accepted, so the
// principal's id is the user id when the body has one, else the e-mail.
func inviteCreate(c *call, e *event.Event) {
	e.Action = event.PrincipalCreate
	email := strings.ToLower(first(c.req.str("email"), c.resp.str("email")))
	id := first(c.req.str("user_id"), c.resp.str("user_id"), email)
	addNamed(e, event.RoleCreated, event.Principal, id, email)
}

// update_user_in_project: a user's role in the project changed.
func roleAssign(c *call, e *event.Event) {
	e.Action = event.RoleAssign
	email := strings.ToLower(first(c.req.str("email"), c.resp.str("email")))
	id := first(c.req.str("user_id"), c.resp.str("user_id"), email)
	addNamed(e, event.RoleTarget, event.Principal, id, email)
}

// tfa-disable: two-factor authentication turned off, for the body's user or
// the actor's own account.
func tfaDisable(c *call, e *event.Event) {
	e.Action = event.GuardrailDisable
	add(e, event.RoleTarget, event.Principal, first(c.req.str("user_id"), c.object, e.Actor.ID))
}

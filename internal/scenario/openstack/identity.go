package openstack

import (
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Keystone, with notification_format = cadf (its default), sends
// identity.<resource>.<operation> notifications whose payload is a CADF
// event naming the caller in initiator (its user id, address and user
// agent) and the resource in target and resource_info. It sends them with
// an empty context: no _context_* members.

// userCreated renders identity.user.created.
func (w *writer) userCreated(op *scenario.Op, p *project, d *derive) {
	n := note{svc: keystone, publisher: "identity." + controller(d), eventType: "identity.user.created", t: op.Time, id: op.ID}
	w.emit(op, d, n, func(j *jw) {
		w.keystoneEvent(j, op, d, "created.user", "data/security/account/user", op.Created, func(j *jw) {
			j.s("resource_info", op.Created)
		})
	})
}

// roleAssigned renders identity.role_assignment.created: the member role
// given to op.Target on the project.
func (w *writer) roleAssigned(op *scenario.Op, p *project, d *derive) {
	n := note{svc: keystone, publisher: "identity." + controller(d), eventType: "identity.role_assignment.created", t: op.Time, id: op.ID}
	w.emit(op, d, n, func(j *jw) {
		w.keystoneEvent(j, op, d, "created.role_assignment", "service/security/account/user", d.uuidString(), func(j *jw) {
			j.s("role", roleID("member"))
			j.s("user", op.Target)
			j.s("project", p.id)
			j.bo("inherited_to_projects", false)
		})
	})
}

// keystoneEvent writes keystone's CADF payload.
func (w *writer) keystoneEvent(j *jw, op *scenario.Op, d *derive, action, targetType, target string, extra func(j *jw)) {
	a := op.Actor
	j.obj()
	j.s("typeURI", "http://schemas.dmtf.org/cloud/audit/1.0/event")
	j.s("id", d.uuidString())
	j.time("eventTime", op.Time, cadfTime)
	j.s("action", action)
	j.s("eventType", "activity")
	j.s("outcome", "success")
	j.objK("observer")
	j.s("typeURI", "service/security")
	j.s("id", observerID)
	j.end()
	j.objK("initiator")
	j.s("typeURI", "service/security/account/user")
	j.objK("host")
	j.s("address", a.IP)
	j.s("agent", a.UserAgent)
	j.end()
	j.s("id", a.ID)
	j.s("user_id", a.ID)
	j.s("project_id", op.Account.ID)
	j.s("request_id", reqID(d))
	j.end()
	j.objK("target")
	j.s("typeURI", targetType)
	j.s("id", target)
	j.end()
	extra(j)
	j.end()
}

// observerID is keystone's observer: pycadf gives the service a UUID.
const observerID = "8c1a5f2e-6d3b-4e07-9a41-2b7c0d9e5f13"

// roleID is the id of a keystone role, stable for its name.
func roleID(name string) string { return hexOf("role\x00" + name) }

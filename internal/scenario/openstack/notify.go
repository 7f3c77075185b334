package openstack

import (
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Service notifications are stored as the bus carries them with the
// messagingv2 driver: {"oslo.version": "2.0", "oslo.message": "<JSON>"},
// the message holding message_id, publisher_id, event_type, priority,
// payload and timestamp, then the caller's request context as _context_*
// members and the driver's _unique_id.

// note is one notification to render.
type note struct {
	svc       service
	t         time.Time
	id        string // message_id
	publisher string
	eventType string
	req       string // the request id of the context; "" for a context-less notification (keystone)
	global    string // the global request id: the request that led to this one (nova's boot, for its ports)
	admin     bool   // the caller holds the admin role
	remote    bool   // the service's context keeps the caller's address (nova, cinder)
	neutron   bool   // neutron's context names the project as tenant too
	// caller is who called, when not the op's actor (nova's service user
	// binding a port); project is then the caller's project.
	caller  *scenario.Principal
	project *scenario.Account
}

// notify renders a mutating op as its service's notifications.
func (w *writer) notify(op *scenario.Op, p *project, d *derive) error {
	switch op.Kind {
	case scenario.VolumeCreate, scenario.VolumeRestore:
		w.volumeCreate(op, p, d)
	case scenario.VolumeDelete:
		w.volumeDelete(op, p, d)
	case scenario.SnapshotCreate:
		w.snapshotCreate(op, p, d)
	case scenario.SnapshotDelete:
		w.snapshotDelete(op, p, d)
	case scenario.InstanceCreate:
		w.instanceCreate(op, p, d)
	case scenario.VolumeAttach:
		w.volumeAttach(op, p, d)
	case scenario.ImageCreate:
		w.instanceSnapshot(op, p, d)
	case scenario.IngressOpen:
		w.ruleCreate(op, p, d)
	case scenario.CredentialCreate:
		w.keypairCreate(op, p, d)
	case scenario.ImageShare:
		w.imageShare(op, p, d)
	case scenario.PrincipalCreate:
		w.userCreated(op, p, d)
	case scenario.RoleAssign:
		w.roleAssigned(op, p, d)
	case scenario.DBModify:
		w.userChangePassword(op, p, d)
	default:
		return fmt.Errorf("op %s: OpenStack has no operation of kind %d", op.ID, op.Kind)
	}
	return nil
}

// pair renders an operation's .start notification at n.t and its .end
// took later, both under n's request id, on which the decoder joins them.
// The start carries n.id: the decoder names a joined operation after its
// first record, so for the op's own operation n.id is the op's id.
func (w *writer) pair(op *scenario.Op, d *derive, n note, took time.Duration, payload func(j *jw, end bool)) {
	base := n.eventType
	n.eventType = base + ".start"
	w.emit(op, d, n, func(j *jw) { payload(j, false) })
	n.t, n.id = n.t.Add(took), d.uuidString()
	n.eventType = base + ".end"
	w.emit(op, d, n, func(j *jw) { payload(j, true) })
}

// own sets n to open the op's own operation: at the op's time, with its id.
func own(op *scenario.Op, n note) note {
	n.t, n.id = op.Time, op.ID
	return n
}

// emit renders a notification and queues it.
func (w *writer) emit(op *scenario.Op, d *derive, n note, payload func(j *jw)) {
	j := &w.scratch
	j.b, j.depth, j.afterKey = j.b[:0], 0, false
	j.more[0] = false
	j.obj()
	j.s("message_id", n.id)
	j.s("publisher_id", n.publisher)
	j.s("event_type", n.eventType)
	j.s("priority", "INFO")
	j.key("payload")
	payload(j)
	j.time("timestamp", n.t, pyTime)
	if n.req != "" {
		w.context(j, op, n)
	}
	j.s("_unique_id", d.hexString(16)+d.hexString(16))
	j.end()

	line := make([]byte, 0, len(j.b)+len(j.b)/8+48)
	line = append(line, `{"oslo.version": "2.0", "oslo.message": `...)
	line = appendQuoted(line, j.b)
	line = append(line, "}\n"...)
	w.enqueue(n.svc, n.t, line)
}

// context writes the request context as oslo.context serializes it (and
// nova, cinder and neutron add to it).
func (w *writer) context(j *jw, op *scenario.Op, n note) {
	a, proj := op.Actor, op.Account
	if n.caller != nil {
		a, proj = n.caller, n.project
	}
	j.s("_context_request_id", n.req)
	j.sn("_context_global_request_id", n.global)
	j.s("_context_user", a.ID)
	j.s("_context_user_id", a.ID)
	j.s("_context_user_name", a.Name)
	j.s("_context_project", proj.ID)
	j.s("_context_project_id", proj.ID)
	j.s("_context_project_name", proj.Name)
	if n.neutron {
		j.s("_context_tenant", proj.ID)
		j.s("_context_tenant_id", proj.ID)
		j.s("_context_tenant_name", proj.Name)
	}
	j.nul("_context_domain")
	j.s("_context_user_domain", "default")
	j.s("_context_project_domain", "default")
	j.nul("_context_system_scope")
	j.bo("_context_is_admin", n.admin)
	j.bo("_context_is_admin_project", true)
	j.arrK("_context_roles")
	if n.admin {
		j.str("admin")
	}
	j.str("member")
	j.str("reader")
	j.endArr()
	j.bo("_context_read_only", false)
	j.bo("_context_show_deleted", false)
	j.nul("_context_resource_uuid")
	j.s("_context_user_identity", a.ID+" "+proj.ID+" - default default")
	j.time("_context_timestamp", op.Time.Add(-60*time.Millisecond), isoMicro)
	if n.remote {
		j.s("_context_remote_address", a.IP)
		j.s("_context_read_deleted", "no")
		j.nul("_context_quota_class")
	}
}

// reqID is an oslo request id.
func reqID(d *derive) string { return "req-" + d.uuidString() }

// controller is the API host that served a call.
func controller(d *derive) string { return "ctl-" + pad2(1+d.intn(3)) }

package openstack

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Trove's API sends dbaas.<operation>.start/.end (DBaaSAPINotification):
// publisher api.<host>, a payload of the request's traits (request id,
// client and server address, project) and the operation's.

// userChangePassword renders a database user's password reset on a trove
// instance (PUT /instances/{id}/users): dbaas.user_change_password.
func (w *writer) userChangePassword(op *scenario.Op, p *project, d *derive) {
	req := reqID(d)
	users := [...]string{"app_rw", "app_ro", "reporting", "migrator"}
	user := users[d.intn(len(users))]
	n := own(op, note{svc: trove, publisher: "api." + controller(d), eventType: "dbaas.user_change_password", req: req})
	took := time.Duration(600+d.intn(2400))*time.Millisecond + time.Duration(d.intn(1000))*time.Microsecond
	w.pair(op, d, n, took, func(j *jw, end bool) {
		j.obj()
		j.s("request_id", req)
		j.s("server_type", "api")
		j.s("client_ip", op.Actor.IP)
		j.s("server_ip", "10.20.0.10:8779")
		j.s("tenant_id", p.id)
		j.s("instance_id", op.Target)
		j.s("username", user)
		j.end()
	})
	p.add(slotDB, op.Target)
}

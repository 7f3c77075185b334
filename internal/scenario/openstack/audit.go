package openstack

import (
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// The audit filter (keystonemiddleware.audit) sends a CADF event as an
// audit.http.request notification when a call comes in and again, with the
// reporter chain and the HTTP status, as audit.http.response when it
// returns; both carry the event's id, on which the decoder joins them. The
// notifications use the messaging (v1) driver: flat objects, keys in the
// order of ../shared/samples/openstack/cadf/octavia.

// read renders a read-only call: a GET that succeeds.
func (w *writer) read(op *scenario.Op, p *project, d *derive) error {
	i, ok := readIndex[op.Name]
	if !ok {
		return fmt.Errorf("op %s: unknown OpenStack read %q", op.ID, op.Name)
	}
	c := &reads[i]
	path := w.path[:0]
	for _, s := range c.path {
		path = append(path, s.lit...)
		if s.slot != noSlot {
			path = append(path, p.pick(s.slot, d)...)
		}
	}
	w.path = path
	latency := time.Duration(15+d.intn(380))*time.Millisecond + time.Duration(d.intn(1000))*time.Microsecond
	w.cadf(op, op.ID, op.Time, d, c.api, c.action, w.target(p, i), path, "200", latency)
	return nil
}

// refused renders a call the policy refused (403): such calls reach no
// service, so the audit trail is all that shows them. The request body is
// not in a CADF event: what was asked for shows only through the ids in
// the path.
func (w *writer) refused(op *scenario.Op, p *project, d *derive) {
	a, action, typeURI, rest := refusal(op, d)
	path := append(w.path[:0], a.version...)
	if a.project {
		path = append(append(path, '/'), p.id...)
	}
	path = append(path, rest...)
	w.path = path
	latency := time.Duration(20+d.intn(60))*time.Millisecond + time.Duration(d.intn(1000))*time.Microsecond
	w.cadf(op, op.ID, op.Time, d, a, action, string(appendTarget(nil, a, a.typeURI+typeURI, p.id)), path, "403", latency)
}

// volumeUpload renders an image made of a volume (cinder's upload to
// image): cinder sends no notification of it, so the call shows in the
// audit trail (POST /volumes/{id}/action os-volume_upload_image, 202,
// naming the volume), and the image in glance's image.create, which
// cinder-api makes with the caller's token before it answers. The image
// event carries the op's id: it is the copy the chain follows.
func (w *writer) volumeUpload(op *scenario.Op, p *project, d *derive) {
	path := append(append(append(w.path[:0], apiCinder.version...), '/'), p.id...)
	path = append(append(append(path, "/volumes/"...), op.Source...), "/action"...)
	w.path = path
	latency := time.Duration(300+d.intn(400))*time.Millisecond + time.Duration(d.intn(1000))*time.Microsecond
	at := op.Time.Add(-time.Duration(120+d.intn(150))*time.Millisecond - time.Duration(d.intn(1000))*time.Microsecond)
	w.cadf(op, d.uuidString(), at, d, apiCinder, "update/os-volume_upload_image",
		string(appendTarget(nil, apiCinder, apiCinder.typeURI+"/volumes/volume/action", p.id)), path, "202", latency)
	n := note{svc: glance, publisher: "image.localhost", eventType: "image.create", req: reqID(d), id: op.ID, t: op.Time}
	w.emit(op, d, n, func(j *jw) { w.image(j, p, op.Created, "private", "queued", op.Time, d) })
	p.add(slotImage, op.Created)
}

// refusal is the request a refused op made: its API, CADF action, target
// type (after the service's) and path (after the version and project).
func refusal(op *scenario.Op, d *derive) (a *api, action, typeURI, path string) {
	switch op.Kind {
	case scenario.VolumeCreate, scenario.VolumeRestore:
		return apiCinder, "create", "/volumes", "/volumes"
	case scenario.VolumeDelete:
		return apiCinder, "delete", "/volumes/volume", "/volumes/" + op.Target
	case scenario.SnapshotCreate:
		return apiCinder, "create", "/snapshots", "/snapshots"
	case scenario.SnapshotDelete:
		return apiCinder, "delete", "/snapshots/snapshot", "/snapshots/" + op.Target
	case scenario.InstanceCreate:
		return apiNova, "create", "/servers", "/servers"
	case scenario.VolumeAttach:
		return apiNova, "create", "/servers/server/os-volume_attachments", "/servers/" + op.Target + "/os-volume_attachments"
	case scenario.ImageCreate:
		return apiNova, "update/createImage", "/servers/server/action", "/servers/" + op.Source + "/action"
	case scenario.IngressOpen:
		return apiNeutron, "create", "/security-group-rules", "/security-group-rules"
	case scenario.CredentialCreate:
		return apiNova, "create", "/os-keypairs", "/os-keypairs"
	case scenario.PrincipalCreate:
		return apiKeystone, "create", "/users", "/users"
	case scenario.RoleAssign:
		return apiKeystone, "update", "/projects/project/users/user/roles/role",
			"/projects/" + op.Account.ID + "/users/" + op.Target + "/roles/" + roleID("member")
	case scenario.ImageShare:
		if op.ShareWith == event.Public {
			return apiGlance, "update", "/images/image", "/images/" + op.Target
		}
		return apiGlance, "create", "/images/image/members", "/images/" + op.Target + "/members"
	case scenario.DBModify:
		return apiTrove, "update", "/instances/instance/users", "/instances/" + op.Target + "/users"
	}
	return apiNova, "read", "", "/"
}

// cadf renders one call's request and response notifications, the CADF
// event's id being id and its time at. action is one of the audit map's actions (plain
// text).
func (w *writer) cadf(op *scenario.Op, id string, at time.Time, d *derive, a *api, action, target string, path []byte, code string, latency time.Duration) {
	var corr [36]byte
	d.uuid(corr[:0])
	ini := w.initiator(op.Actor, op.Account.ID)
	// Quoted once, written twice.
	q := appendQuoted(w.quoted[:0], id)
	idEnd := len(q)
	q = appendQuoted(q, path)
	w.quoted = q
	quotedID, quotedPath := q[:idEnd], q[idEnd:]
	s := &w.audit
	for phase := range 2 {
		t := at.Add(time.Duration(700+d.intn(600)) * time.Microsecond)
		if phase == 1 {
			t = at.Add(latency)
		}
		s.at(t, w)
		b := s.buf
		b = append(b, `{"event_type": "audit.http.`...)
		if phase == 0 {
			b = append(b, "request"...)
		} else {
			b = append(b, "response"...)
		}
		b = append(b, `", "timestamp": "`...)
		b = w.clock.append(b, t, pyTime)
		b = append(b, `", "payload": {"typeURI": "http://schemas.dmtf.org/cloud/audit/1.0/event", "eventTime": "`...)
		b = w.clock.append(b, at, cadfTime)
		b = append(b, `", "target": `...)
		b = append(b, target...)
		b = append(b, `, "observer": {"id": "target"}, "tags": ["correlation_id?value=`...)
		b = append(b, corr[:]...)
		b = append(b, `"], "eventType": "activity", "initiator": `...)
		b = append(b, ini...)
		outcome := "pending"
		if phase == 1 {
			b = append(b, `, "reason": {"reasonCode": "`...)
			b = append(b, code...)
			b = append(b, `", "reasonType": "HTTP"}, "reporterchain": [{"reporterTime": "`...)
			b = w.clock.append(b, t.Add(-time.Duration(200+d.intn(600))*time.Microsecond), cadfTime)
			b = append(b, `", "role": "modifier", "reporter": {"id": "target"}}]`...)
			outcome = "success"
			if code[0] >= '4' {
				outcome = "failure"
			}
		}
		b = append(b, `, "action": "`...)
		b = append(b, action...)
		b = append(b, `", "outcome": "`...)
		b = append(b, outcome...)
		b = append(b, `", "id": `...)
		b = append(b, quotedID...)
		b = append(b, `, "requestPath": `...)
		b = append(b, quotedPath...)
		b = append(b, `}, "priority": "INFO", "publisher_id": "`...)
		b = append(b, a.publisher...)
		b = append(b, `", "message_id": "`...)
		b = d.uuid(b)
		s.buf = append(b, "\"}\n"...)
	}
}

// initiator returns the principal's CADF initiator (cached): the user and
// project of its token, its client's address and user agent.
func (w *writer) initiator(pr *scenario.Principal, projectID string) []byte {
	if x, ok := w.initiators[pr]; ok && x.project == projectID {
		return x.json
	}
	b := []byte(`{"typeURI": "service/security/account/user", "name": `)
	b = appendQuoted(b, pr.Name)
	b = append(b, `, "credential": {"token": "***", "identity_status": "Confirmed"}, "host": {"agent": `...)
	b = appendQuoted(b, pr.UserAgent)
	b = append(b, `, "address": `...)
	b = appendQuoted(b, pr.IP)
	b = append(b, `}, "project_id": `...)
	b = appendQuoted(b, projectID)
	b = append(b, `, "id": `...)
	b = appendQuoted(b, pr.ID)
	b = append(b, '}')
	w.initiators[pr] = initiator{project: projectID, json: b}
	return b
}

// target returns read call i's CADF target in project p (cached).
func (w *writer) target(p *project, i int) string {
	ts := w.targets[p.id]
	if ts == nil {
		ts = make([]string, len(reads))
		for j := range reads {
			ts[j] = string(appendTarget(nil, reads[j].api, reads[j].typeURI, p.id))
		}
		w.targets[p.id] = ts
	}
	return ts[i]
}

// appendTarget appends the CADF target of a call to a: the endpoint's id,
// its catalog URLs and the target type the audit map gives the path.
func appendTarget(b []byte, a *api, typeURI, projectID string) []byte {
	d := deriveFrom("endpoint\x00" + a.name)
	b = append(b, `{"id": "`...)
	b = appendHex(b, d.next(), d.next())
	b = append(b, `", "typeURI": `...)
	b = appendQuoted(b, typeURI)
	b = append(b, `, "addresses": [`...)
	for i, n := range [...]string{"admin", "private", "public"} {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"url": "`...)
		if n == "public" {
			b = append(b, "https://api.cloud.example:"...)
		} else {
			b = append(b, "http://10.20.0.10:"...)
		}
		b = append(b, a.port...)
		b = append(b, a.version...)
		if a.project {
			b = append(append(b, '/'), projectID...)
		}
		b = append(b, `", "name": "`...)
		b = append(b, n...)
		b = append(b, `"}`...)
	}
	b = append(b, `], "name": `...)
	b = appendQuoted(b, a.name)
	return append(b, '}')
}

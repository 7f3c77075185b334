package yandex

import (
	"math/bits"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// The parts of an event every record repeats: who called (authentication,
// request_metadata) and where (resource_metadata), rendered once per
// principal and folder.

// folderOut is a folder as the writer renders it.
type folderOut struct {
	f    *folder
	meta []byte // "resource_metadata":{…}
	tf   *trailFile
	pool *pool // what data events touch, made on first use
	// clusters are the folder's database clusters the run made.
	clusters []named
}

// actorOut is a principal as the writer renders it.
type actorOut struct {
	id   string
	auth []byte // "authentication":{…}
	req  []byte // "request_metadata":{"remote_address":…,"user_agent":…,"request_id":"
}

// call is one op being rendered.
type call struct {
	op   *scenario.Op
	a    *actorOut
	f    *folderOut
	zone string
	h    uint64 // a hash of the op's id: its request id and every other choice
	h2   uint64
	src  string // event_source
	typ  string // event_type after yandex.cloud.audit.
	secs bool   // event_time in whole seconds, as IAM writes it
}

// call readies the writer's one call for op.
func (w *writer) call(op *scenario.Op) *call {
	c := &w.cur
	*c = call{op: op, a: w.actor(op.Actor), f: w.folder(op.Account), zone: op.Region,
		h: hash(op.ID, 0), h2: hash(op.ID, 1)}
	if c.zone == "" {
		c.zone = defaultZone
	}
	return c
}

// at is t with digits below its precision drawn from the op, as services
// stamp events in nanoseconds; t stays in its second.
func (c *call) at(t time.Time, salt uint64) time.Time {
	scale := uint64(time.Millisecond)
	if t.Nanosecond() == 0 {
		scale = uint64(time.Second)
	}
	return t.Add(time.Duration(bits.RotateLeft64(c.h, int(salt)*13) % scale))
}

// head appends an event up to its status (and error, for ERROR).
func (c *call) head(b []byte, id string, t time.Time, status string) []byte {
	b = append(b, `{"event_id":`...)
	b = scenario.AppendString(b, id)
	b = append(b, `,"event_source":"`...)
	b = append(b, c.src...)
	b = append(b, `","event_type":"yandex.cloud.audit.`...)
	b = append(b, c.typ...)
	b = append(b, `","event_time":"`...)
	b = appendTime(b, t, c.secs)
	b = append(b, '"', ',')
	b = append(b, c.a.auth...)
	if status == statusError {
		b = append(b, `,"authorization":{"authorized":false},`...)
	} else {
		b = append(b, `,"authorization":{"authorized":true},`...)
	}
	b = append(b, c.f.meta...)
	b = append(b, ',')
	b = append(b, c.a.req...)
	b = appendUUID(b, c.h, c.h2)
	b = append(b, `"},"event_status":"`...)
	b = append(b, status...)
	b = append(b, '"')
	if status == statusError {
		b = append(b, `,"error":{"code":7,"message":"Permission denied","details":[]}`...)
	}
	return b
}

const (
	statusStarted = "STARTED"
	statusDone    = "DONE"
	statusError   = "ERROR"
)

// folder returns how acct is rendered, from the Cloud's record of it or,
// for an account the Cloud did not make, a folder of a cloud named after it.
func (w *writer) folder(acct *scenario.Account) *folderOut {
	if acct == w.lastAcct {
		return w.lastFolder
	}
	fo := w.folders[acct.ID]
	if fo == nil {
		fo = w.newFolder(acct)
		w.folders[acct.ID] = fo
	}
	w.lastAcct, w.lastFolder = acct, fo
	return fo
}

func (w *writer) newFolder(acct *scenario.Account) *folderOut {
	f := w.c.folders[acct.ID]
	if f == nil {
		f = &folder{id: acct.ID, name: acct.Name, cloudID: derive(prefixCloud, acct.ID, 1), cloud: "cloud",
			trail: derive(prefixTrail, acct.ID, 2), domain: "example.ru", network: derive(prefixNetwork, acct.ID, 3),
			netName: "default"}
	}
	b := append([]byte(nil), `"resource_metadata":{"path":[{"resource_type":"resource-manager.cloud","resource_id":`...)
	b = scenario.AppendString(b, f.cloudID)
	b = appendField(b, "resource_name", f.cloud)
	b = append(b, `},{"resource_type":"resource-manager.folder","resource_id":`...)
	b = scenario.AppendString(b, f.id)
	b = appendField(b, "resource_name", f.name)
	b = append(b, `}]}`...)
	fo := &folderOut{f: f, meta: b, tf: w.trail(f.trail)}
	for _, id := range w.c.dbs[acct.ID] {
		fo.clusters = append(fo.clusters, named{id: id, name: w.c.names[id]})
	}
	return fo
}

// actor returns how p is rendered: as the Cloud made it, or as a service
// account once CreateServiceAccount made it.
func (w *writer) actor(p *scenario.Principal) *actorOut {
	if a := w.actors[p]; a != nil {
		return a
	}
	s := w.c.subjects[p.ID]
	if s == nil {
		s = &subject{typ: passportUser, name: p.Name, login: p.Name, token: "t1.9euelZ**********"}
		if p.Kind != scenario.Human {
			s.typ = serviceAcct
		}
	}
	typ, name, fed := s.typ, s.name, s.federation
	if w.sa[p.ID] {
		typ, name, fed = serviceAcct, s.login, ""
	}
	b := append([]byte(nil), `"authentication":{"authenticated":true,"subject_type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	b = appendField(b, "subject_id", p.ID)
	b = appendField(b, "subject_name", name)
	if fed != "" {
		b = appendField(b, "federation_id", fed)
	}
	b = append(b, `,"token_info":{"masked_iam_token":`...)
	b = scenario.AppendString(b, s.token)
	b = append(b, `}}`...)
	req := append([]byte(nil), `"request_metadata":{"remote_address":`...)
	req = scenario.AppendString(req, p.IP)
	req = appendField(req, "user_agent", p.UserAgent)
	req = append(req, `,"request_id":"`...)
	a := &actorOut{id: p.ID, auth: b, req: req}
	w.actors[p] = a
	return a
}

// name is a resource's name as the generator gave it, or "".
func (w *writer) name(id string) string { return w.c.names[id] }

// subjectOf is how a binding or a key names principal id.
func (w *writer) subjectOf(id string) (typ, name string) {
	s := w.c.subjects[id]
	switch {
	case w.sa[id] && s != nil:
		return serviceAcct, s.login
	case s != nil:
		return s.typ, s.name
	}
	return serviceAcct, ""
}

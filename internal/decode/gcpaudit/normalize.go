package gcpaudit

import (
	"cmp"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// norm is what a method's mapping reads and fills.
type norm struct {
	e    *event.Event
	o    op
	req  *jsondoc.Value // protoPayload.request, nil when absent or elided
	name string         // protoPayload.resourceName as a relative name
	res  resolver
	// homes are the names of the event's own project (its id, and the
	// number resource labels sometimes hold instead).
	homes []string
}

func (c *norm) add(role event.Role, typ event.ResourceType, id string) *event.Resource {
	return c.e.AddResource(role, typ, id)
}

// target adds the resource the entry names as the operation's target, when
// its type can be told from the name.
func (c *norm) target() {
	if t := kindOf(c.name); t != "" {
		c.add(event.RoleTarget, t, c.name)
	}
}

func (c *norm) home(project string) bool {
	for _, h := range c.homes {
		if h == project {
			return true
		}
	}
	return false
}

// Normalize builds one event from a LogEntry, or from the first and last
// entries of a long-running operation.
func (Format) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	o := newOp(docs)
	if len(o) == 0 || o[0].pp == nil {
		return nil, errNoPayload
	}
	method := o.str("methodName")
	if method == "" {
		return nil, errNoMethod
	}
	e := &event.Event{
		ID:        clean(decode.StrFold(o[0].v, "insertId")),
		Cloud:     event.GCP,
		Service:   o.str("serviceName"),
		Operation: method,
	}
	if e.ID == "" {
		e.ID = decode.FallbackID(o[0].v)
	}
	e.Time = when(o[0])
	c := &norm{e: e, o: o, req: o.request()}
	c.name = event.GCPName(o.str("resourceName"))
	locate(c)
	if h := handlers[methodKey(method, e.Service)]; h != nil {
		h(c)
	} else {
		c.target()
	}
	labelCreated(c)
	for i := range e.Resources {
		r := &e.Resources[i]
		if p := event.GCPProject(r.ID); p != "" && p != "-" && p != "_" && !c.home(p) {
			r.Account = p
		}
	}
	e.Actor = actor(o)
	e.Actor.Account = actorAccount(c)
	e.Outcome, e.Error = outcome(o)
	return e, nil
}

// locate fills the account, region and name resolver.
func locate(c *norm) {
	o := c.o
	label := o.top("resource", "labels", "project_id")
	logp := logParent(o.top("logName"))
	c.e.Account = label
	if c.e.Account == "" {
		c.e.Account = logp
	}
	if c.e.Account == "" {
		c.e.Account = event.GCPProject(c.name)
	}
	for _, h := range []string{c.e.Account, label, logp} {
		if h != "" {
			c.homes = append(c.homes, h)
		}
	}

	zone := cmp.Or(o.top("resource", "labels", "zone"), segment(c.name, "zones"))
	reg := cmp.Or(o.top("resource", "labels", "region"), segment(c.name, "regions"))
	if reg == "" && zone != "" {
		if i := strings.LastIndexByte(zone, '-'); i > 0 {
			reg = zone[:i] // us-central1-a → us-central1
		}
	}
	c.e.Region = cmp.Or(zone, reg, o.top("resource", "labels", "location"), segment(c.name, "locations"),
		str(o.get("resourceLocation"), "currentLocations", "0"))

	c.res = resolver{project: event.GCPProject(c.name), zone: zone, region: reg}
	if c.res.project == "" && !strings.Contains(c.e.Account, "/") {
		c.res.project = c.e.Account
	}
}

// when is the entry's time: timestamp, else receiveTimestamp, else the
// request's own time.
func when(e entry) (t time.Time) {
	for _, s := range []string{
		decode.StrFold(e.v, "timestamp"),
		decode.StrFold(e.v, "receiveTimestamp"),
		decode.StrFold(e.pp, "requestMetadata", "requestAttributes", "time"),
	} {
		if t, ok := decode.ParseTime(s); ok {
			return t
		}
	}
	return t
}

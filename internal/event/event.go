// Package event defines the normalized event every decoder produces and every
// detector consumes: who did what to which resources, on which cloud, with
// which outcome. It imports nothing of snapwarden's.
package event

import (
	"encoding/json"
	"strings"
	"time"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Event is one provider operation, normalized. Paired provider records (a
// request and its response) become one Event carrying both raw records.
type Event struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	Cloud     Cloud     `json:"cloud"`
	Format    string    `json:"format"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Service   string    `json:"service"`
	Operation string    `json:"operation"`
	Action    Action    `json:"action"`
	Outcome   Outcome   `json:"outcome"`
	// Error is the provider's error code or message when Outcome is failure.
	Error     string     `json:"error,omitempty"`
	Actor     Actor      `json:"actor"`
	Resources []Resource `json:"resources"`
	Shares    []Share    `json:"shares"`
	Ingress   []Ingress  `json:"ingress"`
	// Source says where the (first) raw record was read.
	Source Source `json:"source"`
	// Raw holds the provider records this event was decoded from, in order:
	// the first record, then its partners when paired. Like Docs, it may
	// point into the decoder's buffer: call Detach to keep an event past the
	// emit callback.
	Raw []json.RawMessage `json:"-"`
	// Docs are the same records, parsed. They are valid only while the
	// decoder's emit callback runs (the parser reuses them afterwards), so
	// rules on raw fields are evaluated there, without parsing again.
	Docs []*jsondoc.Value `json:"-"`
	// Scratch is set while the event's strings (those Own copies; never its
	// resources', shares' or ingress rules') are views into the decoder's
	// buffers (see decode.Options.Scratch), valid only while the emit
	// callback runs. Own gives them storage of their own.
	Scratch bool `json:"-"`
}

// Actor is the principal behind an operation. ID is the stable identity used
// to compare actors across events (see DESIGN.md "Actors").
type Actor struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	IP            string `json:"ip"`
	UserAgent     string `json:"user_agent"`
	SessionIssuer string `json:"session_issuer,omitempty"`
	// Account is the actor's own account when it differs from the event's
	// (a consumer account using a shared snapshot, a cross-project caller).
	Account string `json:"account,omitempty"`
}

// Resource is a resource an operation touched, with the part it played.
type Resource struct {
	Role Role         `json:"role"`
	Type ResourceType `json:"type"`
	ID   string       `json:"id"`
	Name string       `json:"name,omitempty"`
	// Account is set when the resource lives outside the event's account.
	Account string `json:"account,omitempty"`
	// Tags are the tags or labels the operation gave the resource (at
	// creation, or by a tagging call): criticality can be declared by tag.
	Tags map[string]string `json:"tags,omitempty"`
}

// Share is a grant (or, for an unshare action, a revocation) of access to a
// copy. Target is an account id, a principal, or Public.
type Share struct {
	Target string `json:"target"`
	// Kind tells what Target names: "account", "principal", "organization",
	// "group" or "public".
	Kind string `json:"kind"`
}

// Public is the share target meaning "anyone".
const Public = "public"

// Ingress is an inbound network rule an operation opened.
type Ingress struct {
	Protocol string `json:"protocol"` // "tcp", "udp", "icmp", "icmpv6", "all", another name, or a number (see Protocol)
	FromPort int    `json:"from_port"`
	ToPort   int    `json:"to_port"`
	// Source is a CIDR (IPv4 or IPv6), or a tag, group or service name.
	Source string `json:"source"`
}

// Source locates a raw record in the input.
type Source struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Offset int64  `json:"offset,omitempty"`
}

// Detach makes the event safe to keep after the decoder's emit callback
// returns: it copies the raw records out of the decoder's buffer and drops
// the parsed records, which die with the next parse.
func (e *Event) Detach() {
	e.Docs = nil
	raw := make([]json.RawMessage, len(e.Raw))
	for i, r := range e.Raw {
		raw[i] = append(json.RawMessage(nil), r...)
	}
	e.Raw = raw
}

// AddResource appends a resource unless it is empty or already present with
// the same role.
func (e *Event) AddResource(role Role, typ ResourceType, id string) *Resource {
	if id == "" {
		return nil
	}
	for i := range e.Resources {
		r := &e.Resources[i]
		if r.Role == role && r.Type == typ && r.ID == id {
			return r
		}
	}
	e.Resources = append(e.Resources, Resource{Role: role, Type: typ, ID: id})
	return &e.Resources[len(e.Resources)-1]
}

// AddShare appends a share target unless it is empty or already present.
func (e *Event) AddShare(target, kind string) {
	if target == "" {
		return
	}
	for _, s := range e.Shares {
		if s.Target == target {
			return
		}
	}
	e.Shares = append(e.Shares, Share{Target: target, Kind: kind})
}

// TagResource records tags for the resource with the given role, type and
// id, adding the resource when it is not listed yet. Empty keys are skipped.
func (e *Event) TagResource(role Role, typ ResourceType, id string, tags map[string]string) {
	if id == "" || len(tags) == 0 {
		return
	}
	r := e.AddResource(role, typ, id)
	if r.Tags == nil {
		r.Tags = make(map[string]string, len(tags))
	}
	for k, v := range tags {
		if k != "" {
			r.Tags[k] = v
		}
	}
}

// AddIngress appends an inbound rule unless an identical one is present.
func (e *Event) AddIngress(in Ingress) {
	for _, x := range e.Ingress {
		if x == in {
			return
		}
	}
	e.Ingress = append(e.Ingress, in)
}

// Resource returns the first resource with the given role (and type, when
// typ is not empty), or nil.
func (e *Event) Resource(role Role, typ ResourceType) *Resource {
	for i := range e.Resources {
		r := &e.Resources[i]
		if r.Role == role && (typ == "" || r.Type == typ) {
			return r
		}
	}
	return nil
}

// MarshalJSON writes empty lists as [] so consumers need not test for null.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	p := plain(e)
	if p.Resources == nil {
		p.Resources = []Resource{}
	}
	if p.Shares == nil {
		p.Shares = []Share{}
	}
	if p.Ingress == nil {
		p.Ingress = []Ingress{}
	}
	return json.Marshal(p)
}

// Own gives a scratch event's strings storage of their own, all in one
// allocation, so that what is taken from the event (a finding, a
// correlation observation) outlives the emit callback. The event itself
// stays the decoder's: keep a Clone. Own does nothing to an event that is
// not scratch.
func (e *Event) Own() {
	if !e.Scratch {
		return
	}
	e.Scratch = false
	a := &e.Actor
	ownStrings(&e.ID, &e.Account, &e.Region, &e.Service, &e.Operation, &e.Error,
		&a.ID, &a.Name, &a.Type, &a.IP, &a.UserAgent, &a.SessionIssuer, &a.Account)
}

// ownStrings gives the strings at ps storage of their own, in one
// allocation (one per event instead of one per field).
func ownStrings(ps ...*string) {
	n := 0
	for _, p := range ps {
		n += len(*p)
	}
	if n == 0 {
		return
	}
	b := make([]byte, 0, n)
	for _, p := range ps {
		b = append(b, *p...)
	}
	all := unsafe.String(&b[0], n) // b is never written again
	for _, p := range ps {
		if k := len(*p); k > 0 {
			*p, all = all[:k], all[k:]
		}
	}
}

// Clone returns a deep copy of the event without its raw and parsed
// records, sharing nothing with the decoder's buffers: what correlation
// keeps of an event after the emit callback.
func (e *Event) Clone() *Event {
	c := *e
	c.Raw, c.Docs, c.Scratch = nil, nil, false
	c.ID, c.Format, c.Account, c.Region = strings.Clone(e.ID), strings.Clone(e.Format), strings.Clone(e.Account), strings.Clone(e.Region)
	c.Service, c.Operation, c.Error = strings.Clone(e.Service), strings.Clone(e.Operation), strings.Clone(e.Error)
	c.Actor = Actor{
		ID: strings.Clone(e.Actor.ID), Name: strings.Clone(e.Actor.Name), Type: strings.Clone(e.Actor.Type),
		IP: strings.Clone(e.Actor.IP), UserAgent: strings.Clone(e.Actor.UserAgent),
		SessionIssuer: strings.Clone(e.Actor.SessionIssuer), Account: strings.Clone(e.Actor.Account),
	}
	c.Source.File = strings.Clone(e.Source.File)
	c.Resources = make([]Resource, len(e.Resources))
	for i, r := range e.Resources {
		r.ID, r.Name, r.Account = strings.Clone(r.ID), strings.Clone(r.Name), strings.Clone(r.Account)
		if r.Tags != nil {
			tags := make(map[string]string, len(r.Tags))
			for k, v := range r.Tags {
				tags[strings.Clone(k)] = strings.Clone(v)
			}
			r.Tags = tags
		}
		c.Resources[i] = r
	}
	c.Shares = make([]Share, len(e.Shares))
	for i, s := range e.Shares {
		c.Shares[i] = Share{Target: strings.Clone(s.Target), Kind: strings.Clone(s.Kind)}
	}
	c.Ingress = make([]Ingress, len(e.Ingress))
	for i, in := range e.Ingress {
		in.Protocol, in.Source = strings.Clone(in.Protocol), strings.Clone(in.Source)
		c.Ingress[i] = in
	}
	return &c
}

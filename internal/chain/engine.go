// Package chain finds snapshot attack chains: a copy of a resource, then
// steps joined to it through the resources' lineage — a restore by another
// or a new actor, an attachment, inbound access from anywhere, a share
// outside the trusted accounts — as chain rules (rule.Chain) describe them.
// It keeps the lineage graph (copy ← source, restored ← copy, instance ↔
// volumes and network objects), principals' ages and the open chains, and
// turns each chain into one finding whose severity only rises.
//
// The engine is fed events in event-time order by one goroutine. Its state
// is bounded (time-to-live and caps, with counted drops) and can be saved
// and restored (Snapshot, Restore) so that runs continue open chains.
package chain

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Options configure the engine; the zero value of each field has a default.
type Options struct {
	// Window is the chain window when a rule sets none (default 24h).
	Window time.Duration
	// NewPrincipal is how recently a principal must have been first seen
	// to count as new (default 168h).
	NewPrincipal time.Duration
	// ResourceTTL is how long an untouched resource stays in the lineage
	// graph (default 7 days, and never less than the longest window).
	ResourceTTL time.Duration
	// MaxResources, MaxPrincipals and MaxChains cap the state (defaults
	// 2,000,000, 1,000,000 and 1,000,000); what does not fit is counted.
	MaxResources, MaxPrincipals, MaxChains int
	// Critical reports whether the configuration marks a resource critical.
	Critical func(cloud event.Cloud, r event.Resource) bool
	// TrustedAccount reports whether an account is among trusted_accounts.
	TrustedAccount func(id string) bool
	// Allowed reports whether the allow-list suppresses a rule's finding
	// for an actor, with the reason and the date it holds through.
	Allowed func(ruleID string, a event.Actor) (reason, expires string, ok bool)
}

func (o *Options) defaults() {
	o.Window = cmp.Or(o.Window, 24*time.Hour)
	o.NewPrincipal = cmp.Or(o.NewPrincipal, 7*24*time.Hour)
	o.ResourceTTL = cmp.Or(o.ResourceTTL, 7*24*time.Hour)
	o.MaxResources = cmp.Or(o.MaxResources, 2_000_000)
	o.MaxPrincipals = cmp.Or(o.MaxPrincipals, 1_000_000)
	o.MaxChains = cmp.Or(o.MaxChains, 1_000_000)
	if o.Critical == nil {
		o.Critical = func(event.Cloud, event.Resource) bool { return false }
	}
	if o.TrustedAccount == nil {
		o.TrustedAccount = func(string) bool { return false }
	}
}

// Stats count what the engine did and what its caps dropped.
type Stats struct {
	Events          int // events fed
	Chains          int // chains started (copies tracked)
	Findings        int // findings yielded (revisions included)
	Resources       int // resources in the lineage graph now
	Principals      int // principals known now
	Open            int // chains open now
	DroppedResource int // resources not tracked: graph full
	DroppedChain    int // copies not tracked: too many open chains
	DroppedActor    int // principals not tracked: table full
	Evicted         int // resources and chains expired
	Merged          int // resources and chains added from the store (Merge)
}

// Engine evaluates chain rules over events fed in time order.
type Engine struct {
	opts     Options
	rules    []*compiled
	byAction map[event.Action][]stepRef
	g        *graph
	p        *principals
	tracks   map[string]*track
	queue    []*track // open chains by start time, for sweep
	ttl      int64
	swept    int64 // event time of the last eviction sweep
	stats    Stats
	ch       changes // since the last checkpoint
}

type stepRef struct {
	rule *compiled
	step *step
}

// New compiles the chain rules among rs (others are ignored). A step naming
// an action outside the vocabulary is an error at its position.
func New(rs []*rule.Rule, opts Options) (*Engine, rule.ErrorList) {
	opts.defaults()
	e := &Engine{
		opts:     opts,
		byAction: map[event.Action][]stepRef{},
		tracks:   map[string]*track{},
	}
	e.g = newGraph(opts.MaxResources, &e.ch)
	e.p = newPrincipals(opts.MaxPrincipals, &e.ch)
	var errs rule.ErrorList
	longest := opts.ResourceTTL
	for _, r := range rs {
		if r.Kind != rule.KindChain || r.Chain == nil {
			continue
		}
		c, es := compile(r, opts.Window)
		errs = append(errs, es...)
		if len(es) > 0 {
			continue
		}
		e.rules = append(e.rules, c)
		longest = max(longest, c.window)
		for _, s := range c.steps {
			for a := range s.actions {
				e.byAction[a] = append(e.byAction[a], stepRef{c, s})
			}
		}
	}
	e.ttl = int64(longest)
	return e, errs
}

// Rules returns the compiled chain rules.
func (e *Engine) Rules() []*rule.Rule {
	out := make([]*rule.Rule, len(e.rules))
	for i, c := range e.rules {
		out[i] = c.rule
	}
	return out
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Resources, s.Principals, s.Open = len(e.g.nodes), len(e.p.byID), len(e.tracks)
	s.DroppedResource, s.DroppedActor = e.g.dropped, e.p.dropped
	return s
}

// Seen records that an actor acted at t. Call it for every event, failed
// ones included, in any order (before Feed for events of the same time):
// first sight is the earliest time given.
func (e *Engine) Seen(cloud event.Cloud, actorID string, t time.Time) {
	e.p.seen(cloud, actorID, t.UnixNano())
}

// Feed processes one event; events must come in time order. Findings of
// chains the event started or advanced are yielded in their new state:
// consumers keep the last one per id.
func (e *Engine) Feed(ev *event.Event, yield func(finding.Finding) error) error {
	if !Wants(ev) {
		return nil
	}
	e.stats.Events++
	t := ev.Time.UnixNano()
	e.p.seen(ev.Cloud, ev.Actor.ID, t)
	e.sweep(t)
	e.births(ev, t)
	touched := e.updateLineage(ev, t)

	var changed []*track
	for _, ref := range e.byAction[ev.Action] {
		changed = append(changed, e.apply(ref, ev, t)...)
	}
	// A link or an opening may complete a chain's "reaches" step, whichever
	// came first.
	for _, n := range touched {
		for _, tr := range n.tracks() {
			if e.tracks[tr.id] == tr && e.checkReaches(tr) {
				changed = append(changed, tr)
			}
		}
	}
	for i, tr := range changed {
		if slices.Index(changed, tr) != i {
			continue
		}
		e.ch.track(tr)
		if f, ok := e.settle(tr); ok {
			e.stats.Findings++
			if err := yield(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// Wants reports whether the engine needs ev: a successful operation with a
// normalized action, or one that ties an instance or a NIC to the network
// objects it is reached through (an OpenStack port, an Azure NIC), which
// has none.
func Wants(ev *event.Event) bool {
	if ev.Outcome == event.Failure || ev.Time.IsZero() {
		return false
	}
	if ev.Action != "" {
		return true
	}
	holder, net := false, false
	for _, r := range ev.Resources {
		switch {
		case r.Type == event.Instance || r.Type == event.NIC:
			holder = true
		case isNet(r.Type):
			net = true
		}
	}
	return holder && net
}

// Replayed yields, unchanged, the findings of chains that events fed since
// the last call only repeated (the same logs read again after a restart):
// a run over them still lists the chains they belong to.
func (e *Engine) Replayed(yield func(finding.Finding) error) error {
	for _, tr := range e.tracks {
		if !tr.replayed {
			continue
		}
		tr.replayed = false
		if tr.severity > 0 {
			if err := yield(e.finding(tr)); err != nil {
				return err
			}
		}
	}
	return nil
}

// births records principals created, invited or given credentials.
func (e *Engine) births(ev *event.Event, t int64) {
	switch ev.Action {
	case event.PrincipalCreate, event.CredentialCreate:
		for _, r := range ev.Resources {
			if r.Type == event.Principal && (r.Role == event.RoleCreated || r.Role == event.RoleTarget) {
				e.p.born(ev.Cloud, r.ID, t, ev.ID)
			}
		}
	case event.RoleAssign:
		// An assignment makes a principal "new" only when it had not acted
		// before: that is how an invitation shows in an activity log.
		for _, r := range ev.Resources {
			if r.Type != event.Principal {
				continue
			}
			if x := e.p.byID[r.ID]; x == nil || x.firstSeen == 0 || x.firstSeen >= t {
				e.p.born(ev.Cloud, r.ID, t, ev.ID)
			}
		}
	}
}

// sweep expires chains past their window and resources past their TTL,
// at most once per minute of event time, or when a cap is reached. Both
// are queued in time order, so a sweep only looks at what it expires.
func (e *Engine) sweep(t int64) {
	full := len(e.g.nodes) >= e.g.max || len(e.tracks) >= e.opts.MaxChains
	if t-e.swept < int64(time.Minute) && !full {
		return
	}
	e.swept = t
	q := e.queue
	i := 0
	for ; i < len(q) && t-q[i].start > int64(q[i].rule.window); i++ {
		if tr := q[i]; e.tracks[tr.id] == tr {
			e.closeTrack(tr)
			delete(e.tracks, tr.id)
			e.ch.closed(tr)
			e.stats.Evicted++
		}
	}
	q = q[i:]
	if cap(q) > 2*len(q)+1024 {
		q = append([]*track(nil), q...)
	}
	e.queue = q
	ttl := e.ttl
	if full {
		ttl /= 2
	}
	e.stats.Evicted += e.g.evict(t - ttl)
	e.ch.checkLost(len(e.g.nodes) + len(e.tracks))
}

func (e *Engine) closeTrack(tr *track) {
	for _, ids := range tr.products {
		for _, id := range ids {
			if n := e.g.nodes[id]; n != nil {
				if n.x != nil {
					n.x.chains = removeTrack(n.x.chains, tr)
				}
			}
		}
	}
}

func removeTrack(s []*track, x *track) []*track {
	for i, y := range s {
		if y == x {
			return slices.Delete(s, i, i+1)
		}
	}
	return s
}

// outside reports whether an event's shares reach beyond the event's own
// account and the trusted ones, or the event exports the data.
func (e *Engine) outside(ev *event.Event) bool {
	if strings.HasSuffix(string(ev.Action), ".export") || ev.Action == event.ImageDownload {
		return true
	}
	trusted := func(a string) bool { return a == ev.Account || e.opts.TrustedAccount(a) }
	for _, s := range ev.Shares {
		if !s.Within(trusted) {
			return true
		}
	}
	return false
}

func worldOpen(ev *event.Event) bool {
	for _, in := range ev.Ingress {
		if in.WorldOpen() {
			return true
		}
	}
	return false
}

// Rank orders events of the same time the way they can only have happened:
// principals before what they do, a copy before its share and restore, a
// restore before the attach, the attach before the opening. Sorting by
// (time, rank, id) makes the order of records in the input irrelevant.
func Rank(a event.Action) int {
	switch a {
	case event.PrincipalCreate, event.CredentialCreate, event.RoleAssign:
		return 0
	case event.VolumeCreate, event.InstanceCreate:
		return 4
	case event.VolumeAttach, event.PublicIPAssign, event.InstanceModify:
		return 5
	case event.IngressOpen:
		return 6
	}
	s := string(a)
	switch {
	case strings.HasSuffix(s, ".create"), strings.HasSuffix(s, ".copy"), strings.HasSuffix(s, ".backup"), a == event.VolumeClone:
		return 1
	case strings.HasSuffix(s, ".share"), strings.HasSuffix(s, ".export"), a == event.ImageDownload:
		return 2
	case strings.HasSuffix(s, ".restore"):
		return 3
	}
	return 7
}

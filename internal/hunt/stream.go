package hunt

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// Stream runs the rules that span events — chain and Sigma correlation
// rules — over events that keep arriving (serve), where Correlator waits
// for the end of the input. The engines need event-time order, and logs
// arrive a little out of it (one batch per region, per delivery), so the
// events they need are held for Hold of wall-clock time and fed in (time,
// rank, id) order: whatever arrives within Hold of each other is put in
// order; an event that arrives later than that behind newer ones is fed
// anyway and counted as late.
//
// A nil Stream (no such rules) takes nothing and holds nothing.
//
// A Stream belongs to one goroutine, the one that calls its Workers'
// Findings, Begin, Release and Checkpoint.
type Stream struct {
	d      *Detector
	engine *chain.Engine
	corr   *correlate.Engine // nil without correlation rules
	hold   time.Duration

	byTime  heldHeap    // held items in feeding order
	arrival []*heldItem // the same items in arrival order
	cutoff  time.Time   // items at or before it may be fed

	batch   int64     // the batch whose events are being added
	arrived time.Time // when it was taken up
	lastFed time.Time

	// Faulting state in (SetLookup): nil lookup, none.
	lookup   func(ids []string) (*store.Snapshot, error)
	notFound notFound

	stats StreamStats
}

// StreamStats count what a Stream did.
type StreamStats struct {
	Fed      int // events and observations fed to the engines
	Late     int // of them, older than one fed before
	Findings int // chain and correlation findings yielded (revisions included)
	Below    int // of them, under the minimum severity and dropped
	Allowed  int // of them, suppressed by the allow-list (yielded marked)
	Lookups  int // lookups of state the chain engine lacked (SetLookup)
	Asked    int // resource ids they asked for
	Missing  int // of them, not stored
}

type heldItem struct {
	ordered
	batch    int64
	arrived  time.Time
	released bool
}

type heldHeap []*heldItem

func (h heldHeap) Len() int           { return len(h) }
func (h heldHeap) Less(i, j int) bool { return orderedLess(&h[i].ordered, &h[j].ordered) }
func (h heldHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *heldHeap) Push(x any)        { *h = append(*h, x.(*heldItem)) }
func (h *heldHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

// NewStream returns a Stream that holds events for hold before feeding
// them, or nil when there are no chain or correlation rules.
func (d *Detector) NewStream(hold time.Duration) *Stream {
	if len(d.chains) == 0 && d.corr == nil {
		return nil
	}
	eng, _ := chain.New(d.chains, d.chainOpt) // checked in New
	s := &Stream{d: d, engine: eng, hold: hold}
	if d.corr != nil {
		s.corr = d.corr.Fresh()
	}
	return s
}

// Attach makes w hand its events to s as well.
func (s *Stream) Attach(w *Worker) {
	if s != nil {
		w.corr = s
	}
}

// Begin says that the events added next belong to batch, taken up at now.
func (s *Stream) Begin(batch int64, now time.Time) {
	if s == nil {
		return
	}
	s.batch, s.arrived = batch, now
}

func (s *Stream) hold1(o ordered) {
	it := &heldItem{ordered: o, batch: s.batch, arrived: s.arrived}
	heap.Push(&s.byTime, it)
	s.arrival = append(s.arrival, it)
}

// add holds correlation observations.
func (s *Stream) add(obs []correlate.Observation) error {
	for i := range obs {
		o := obs[i]
		s.hold1(ordered{Rank: observationRank, Obs: &o})
	}
	return nil
}

// observe notes who acted when, and holds a copy of an event the chain
// rules need.
func (s *Stream) observe(_ *Worker, ev *event.Event) error {
	if !ev.Time.IsZero() {
		s.engine.Seen(ev.Cloud, strings.Clone(ev.Actor.ID), ev.Time)
	}
	if chain.Wants(ev) {
		s.hold1(ordered{Rank: chain.Rank(ev.Action), Event: ev.Clone()})
	}
	return nil
}

// Held returns how many events and observations wait.
func (s *Stream) Held() int {
	if s == nil {
		return 0
	}
	return len(s.byTime)
}

// Covered returns the newest batch whose events have all been fed, given
// that batches up to last have been added: a checkpoint taken now covers
// it.
func (s *Stream) Covered(last int64) int64 {
	if s == nil {
		return last
	}
	for _, it := range s.arrival {
		if !it.released {
			return min(last, it.batch-1)
		}
	}
	return last
}

// Release feeds the engines what has been held for the hold time, and
// whatever belongs before it in event time; all feeds everything (at
// shutdown). Chain and correlation findings are yielded in their new state
// whenever they start or change (the store keeps the highest revision),
// with the batch of the event that changed them. The windows of Sigma
// correlations stay open even then: they are saved (SaveCorrelations) and
// go on after a restart, where closing them would test a window before
// its time is up.
func (s *Stream) Release(now time.Time, all bool, yield func(f finding.Finding, batch int64) error) error {
	if s == nil {
		return nil
	}
	i := 0
	for ; i < len(s.arrival); i++ {
		it := s.arrival[i]
		if !all && now.Sub(it.arrived) < s.hold {
			break
		}
		if t := it.time(); t.After(s.cutoff) {
			s.cutoff = t
		}
	}
	if err := s.faultIn(now, all); err != nil {
		return err
	}
	for len(s.byTime) > 0 {
		it := s.byTime[0]
		if !all && it.time().After(s.cutoff) {
			break
		}
		heap.Pop(&s.byTime)
		it.released = true
		if err := s.feed(it, yield); err != nil {
			return err
		}
	}
	// Drop the released items from the head of the arrival list.
	j := 0
	for j < len(s.arrival) && s.arrival[j].released {
		s.arrival[j] = nil
		j++
	}
	s.arrival = s.arrival[j:]
	if cap(s.arrival) > 2*len(s.arrival)+1024 {
		s.arrival = append([]*heldItem(nil), s.arrival...)
	}
	return nil
}

func (s *Stream) feed(it *heldItem, yield func(finding.Finding, int64) error) error {
	s.stats.Fed++
	t := it.time()
	if t.Before(s.lastFed) {
		s.stats.Late++
	} else {
		s.lastFed = t
	}
	emit := func(f finding.Finding) error { return s.emit(f, it.batch, yield) }
	if it.Obs != nil {
		if s.corr == nil {
			return nil
		}
		return s.corr.Feed(*it.Obs, emit)
	}
	return s.engine.Feed(it.Event, emit)
}

// emit applies the minimum severity and the allow-list to a finding of a
// chain or a correlation; suppressed ones are yielded marked.
func (s *Stream) emit(f finding.Finding, batch int64, yield func(finding.Finding, int64) error) error {
	s.stats.Findings++
	if f.Rule.Kind == finding.KindCorrelation {
		s.d.suppressAll(&f)
	}
	switch {
	case f.Severity < s.d.min:
		s.stats.Below++
		return nil
	case f.Status == finding.StatusSuppressed:
		s.stats.Allowed++
	}
	return yield(f, batch)
}

// Stats returns the Stream's counters and the chain engine's.
func (s *Stream) Stats() (StreamStats, chain.Stats) { return s.stats, s.engine.Stats() }

// Restore loads a saved correlation state into a Stream that has seen no
// event yet.
func (s *Stream) Restore(snap *store.Snapshot) error { return s.engine.Restore(snap) }

// Checkpoint returns what changed in the correlation state since the last
// Checkpoint (or Restore).
func (s *Stream) Checkpoint() (*store.StateDelta, error) { return s.engine.Checkpoint() }

// SaveCorrelations returns the open windows of the Sigma correlation rules
// (see correlate.Engine.Save); changed is false, and nothing is returned,
// when nothing was fed to them since CorrelationsSaved or the load.
func (s *Stream) SaveCorrelations() (data []byte, changed bool, err error) {
	if s.corr == nil || !s.corr.Changed() {
		return nil, false, nil
	}
	data, err = s.corr.Save()
	return data, err == nil, err
}

// CorrelationsSaved says that what SaveCorrelations returned is stored.
func (s *Stream) CorrelationsSaved() {
	if s.corr != nil {
		s.corr.Saved()
	}
}

// CorrelationWindows returns how many windows of Sigma correlation rules
// are open.
func (s *Stream) CorrelationWindows() int {
	if s.corr == nil {
		return 0
	}
	return s.corr.Stats().Windows
}

// LoadCorrelations puts windows saved by SaveCorrelations back, before any
// event is fed; dropped counts those whose rule is gone or changed.
func (s *Stream) LoadCorrelations(data []byte) (dropped int, err error) {
	if s == nil || s.corr == nil {
		return correlate.SavedWindows(data) // no correlation rules left: all dropped
	}
	return s.corr.Load(data)
}

// ---- Faulting state in: chains across partitions (issue 9) ----
//
// A Stream owning some accounts (a Kafka partition's) lacks what other
// partitions' engines saw: a snapshot another account shared with one of
// its own, and the chain that shared it. With a lookup set, each Release
// asks the store once for what the events it is about to feed refer to and
// the engine lacks, and merges it in before feeding them.

// notFoundTTL is how long an id looked up and not found is not asked for
// again; notFoundMax bounds how many such ids are remembered.
const (
	notFoundTTL = time.Minute
	notFoundMax = 1 << 16
)

// SetLookup makes s fault in state: f returns the stored state of
// resources by id (serve passes the shared store's LoadStateOf). An error
// from f fails the Release, which feeds nothing then, rather than let a
// chain be missed silently.
func (s *Stream) SetLookup(f func(ids []string) (*store.Snapshot, error)) {
	if s != nil {
		s.lookup = f
		s.notFound.max = notFoundMax
	}
}

// faultIn looks up, in one call, the resources the items due for feeding
// refer to that the chain engine lacks — not those created by the items
// themselves, nor those looked up in vain within notFoundTTL — and merges
// what is stored.
func (s *Stream) faultIn(now time.Time, all bool) error {
	if s.lookup == nil {
		return nil
	}
	due := func(it *heldItem) bool { return it.Event != nil && (all || !it.time().After(s.cutoff)) }
	var ids []string
	for _, it := range s.byTime {
		if due(it) {
			ids = append(ids, s.engine.Unknown(it.Event)...)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	made := map[string]bool{} // by an item due: fed before it is used
	for _, it := range s.byTime {
		if !due(it) {
			continue
		}
		for _, r := range it.Event.Resources {
			if r.Role == event.RoleCreated {
				if _, ok := slices.BinarySearch(ids, r.ID); ok {
					made[r.ID] = true
				}
			}
		}
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return made[id] || s.notFound.has(id, now) })
	if len(ids) == 0 {
		return nil
	}
	snap, err := s.lookup(ids)
	if err != nil {
		return fmt.Errorf("look up %d resources: %w", len(ids), err)
	}
	s.stats.Lookups++
	s.stats.Asked += len(ids)
	found := make(map[string]bool, len(snap.Resources))
	for _, r := range snap.Resources {
		found[r.ID] = true
	}
	for _, id := range ids {
		if !found[id] {
			s.stats.Missing++
			s.notFound.add(id, now)
		}
	}
	return s.engine.Merge(snap)
}

// notFound remembers ids looked up in vain, at most max, each for
// notFoundTTL of wall-clock time.
type notFound struct {
	at    map[string]time.Time
	queue []notFoundEntry // in the order added: the oldest go first
	max   int
}

type notFoundEntry struct {
	id string
	at time.Time
}

func (c *notFound) has(id string, now time.Time) bool {
	at, ok := c.at[id]
	return ok && now.Sub(at) < notFoundTTL
}

func (c *notFound) add(id string, now time.Time) {
	if c.at == nil {
		c.at = map[string]time.Time{}
	}
	for len(c.queue) > 0 && (len(c.queue) >= c.max || now.Sub(c.queue[0].at) >= notFoundTTL) {
		old := c.queue[0]
		if c.at[old.id].Equal(old.at) {
			delete(c.at, old.id)
		}
		c.queue[0] = notFoundEntry{}
		c.queue = c.queue[1:]
	}
	if cap(c.queue) > 2*len(c.queue)+1024 {
		c.queue = append([]notFoundEntry(nil), c.queue...)
	}
	c.at[id] = now
	c.queue = append(c.queue, notFoundEntry{id, now})
}

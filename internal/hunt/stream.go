package hunt

import (
	"container/heap"
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

	stats StreamStats
}

// StreamStats count what a Stream did.
type StreamStats struct {
	Fed      int // events and observations fed to the engines
	Late     int // of them, older than one fed before
	Findings int // chain and correlation findings yielded (revisions included)
	Below    int // of them, under the minimum severity and dropped
	Allowed  int // of them, suppressed by the allow-list (yielded marked)
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
// with the batch of the event that changed them (0 at the final flush).
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
	if all && s.corr != nil {
		return s.corr.Flush(func(f finding.Finding) error { return s.emit(f, 0, yield) })
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

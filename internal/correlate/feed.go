package correlate

import (
	"container/heap"
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// state is the windows of one stream.
type state struct {
	windows []map[string]*window // per correlation, by group key
	heap    deadlines            // every open window, soonest deadline first
	open    int
	now     time.Time // the newest time fed
	stats   Stats
	all     bool   // yield the findings of every correlation (test replays)
	changed bool   // fed since the last Saved or Load
	scratch []bool // for temporal_ordered
	key     []byte // the group key being looked up
}

func (e *Engine) state() *state {
	if e.s == nil {
		e.s = &state{windows: make([]map[string]*window, len(e.p.corrs))}
	}
	return e.s
}

// Feed consumes one observation. Observations must come in event-time
// order (sorted with Compare); one older than the newest before it is
// counted late and still placed when its window is open, but findings
// already yielded are not revised for it. Feed yields the findings that
// the observation completes or grows, and those of windows whose time has
// passed; an error from yield stops Feed and is returned. Invalid
// observations (of a rule this engine does not have) are counted, not
// errors.
func (e *Engine) Feed(o Observation, yield func(finding.Finding) error) error {
	s := e.state()
	x := e.p.byID[o.Rule]
	if x == nil || o.Ref < 0 || o.Ref >= len(x.refs) || len(o.Group) != len(x.groupBy) || x.refs[o.Ref].inner != nil {
		s.stats.Invalid++
		return nil
	}
	s.stats.Observations++
	s.changed = true
	if o.Time.Before(s.now) {
		s.stats.Late++
	} else {
		s.now = o.Time
	}
	if err := s.expire(e.p, yield); err != nil {
		return err
	}
	return s.feed(e.p, x, &o, yield)
}

// Flush ends the input: every window is closed (complete windows are
// tested, open findings get their last revision) and the engine is empty.
func (e *Engine) Flush(yield func(finding.Finding) error) error {
	s := e.state()
	s.changed = s.changed || len(s.heap) > 0
	for len(s.heap) > 0 {
		if err := s.close(e.p, s.heap[0], yield); err != nil {
			return err
		}
	}
	s.now = time.Time{}
	return nil
}

// expire closes the windows whose deadline has passed.
func (s *state) expire(p *program, yield func(finding.Finding) error) error {
	for len(s.heap) > 0 && s.heap[0].deadline.Before(s.now) {
		if err := s.close(p, s.heap[0], yield); err != nil {
			return err
		}
	}
	return nil
}

// feed puts an observation in its group's window and tests the condition.
func (s *state) feed(p *program, x *corr, o *Observation, yield func(finding.Finding) error) error {
	s.key = appendGroupKey(s.key[:0], o.Group)
	w := s.windows[x.idx][string(s.key)] // no copy for a lookup
	key := ""                            // s.key changes when feed recurses (derive)
	if w != nil {
		key = w.key
	} else {
		key = string(s.key)
	}
	ts := x.c.Timespan
	if w != nil && !x.rising && o.Time.After(w.start.Add(ts)) {
		// A complete window ends before this event: test it, start anew.
		if err := s.close(p, w, yield); err != nil {
			return err
		}
		w = nil
	}
	if w != nil && x.rising && o.Time.Before(w.newest.Add(-ts)) {
		s.stats.Dropped++ // too old for the window: no longer placeable
		return nil
	}
	if w == nil {
		var err error
		if w, err = s.openWindow(p, x, key, o, yield); err != nil {
			return err
		}
	}
	isNew := w.add(o)
	for len(w.live()) > x.maxWin {
		w.dropFirst()
		s.stats.Truncated++
	}
	if !x.rising {
		s.setDeadline(w, w.start.Add(ts))
		return nil
	}
	w.dropBefore(w.newest.Add(-ts))
	s.setDeadline(w, w.newest.Add(ts))
	return s.slide(p, w, o, isNew, yield)
}

// appendGroupKey appends the map key of group values: each
// length-prefixed, so that no two groups share one whatever their text.
func appendGroupKey(dst []byte, group []string) []byte {
	for _, g := range group {
		dst = strconv.AppendInt(dst, int64(len(g)), 10)
		dst = append(dst, ':')
		dst = append(dst, g...)
	}
	return dst
}

// openWindow starts a group's window, making room under MaxGroups first.
func (s *state) openWindow(p *program, x *corr, key string, o *Observation, yield func(finding.Finding) error) (*window, error) {
	for s.open >= p.opts.MaxGroups && len(s.heap) > 0 {
		w := s.heap[0]
		s.stats.Evicted++
		if w.c.rising {
			if err := s.close(p, w, yield); err != nil {
				return nil, err
			}
		} else {
			s.remove(w) // untested: a partial window would give a wrong answer
		}
	}
	if s.windows[x.idx] == nil {
		s.windows[x.idx] = map[string]*window{}
	}
	w := newWindow(x, key, o.Group, o.Time)
	s.windows[x.idx][key] = w
	s.open++
	w.deadline = o.Time.Add(x.c.Timespan)
	heap.Push(&s.heap, w)
	return w, nil
}

func (s *state) setDeadline(w *window, d time.Time) {
	if !d.Equal(w.deadline) {
		w.deadline = d
		heap.Fix(&s.heap, w.hidx)
	}
}

// remove drops a window.
func (s *state) remove(w *window) {
	heap.Remove(&s.heap, w.hidx)
	delete(s.windows[w.c.idx], w.key)
	s.open--
}

// close ends a window: a complete window is tested, a sliding window's
// open finding gets its last revision.
func (s *state) close(p *program, w *window, yield func(finding.Finding) error) error {
	s.remove(w)
	if w.c.rising {
		ep := w.ep
		w.ep = nil
		return s.finish(p, w, ep, yield)
	}
	return s.test(p, w, yield)
}

// slide tests a sliding window after an event arrived.
func (s *state) slide(p *program, w *window, o *Observation, isNew bool, yield func(finding.Finding) error) error {
	x := w.c
	if ep := w.ep; ep != nil && ep.last.Before(w.newest.Add(-x.c.Timespan)) {
		// The finding's events have all left the window: it has ended.
		w.ep = nil
		if err := s.finish(p, w, ep, yield); err != nil {
			return err
		}
	}
	m, ok := w.metric(&s.scratch)
	if !ok || !x.cond.Holds(m) {
		return nil
	}
	if w.ep == nil {
		w.ep = newEpisode(p, w, s.opening(w), m)
		if err := s.report(w, w.ep, yield); err != nil {
			return err
		}
		return s.derive(p, w, o, yield)
	}
	ep := w.ep
	ep.value = m
	if isNew {
		ep.add(p, o)
	}
	if ep.total >= 2*ep.reported {
		return s.report(w, ep, yield)
	}
	return nil
}

// opening returns the events a sliding finding opens with: the window's,
// or for temporal_ordered the events of its steps.
func (s *state) opening(w *window) []entry {
	live := w.live()
	if w.c.c.Type != rule.TemporalOrdered {
		return live
	}
	var picks []int
	w.ordered(&s.scratch, &picks)
	out := make([]entry, len(picks))
	for i, k := range picks {
		out[i] = live[k]
	}
	return out
}

// finish gives an ended finding its last revision, when it grew since the
// last one.
func (s *state) finish(p *program, w *window, ep *episode, yield func(finding.Finding) error) error {
	if ep == nil || (ep.total == ep.reported && ep.value == ep.reportedValue) {
		return nil
	}
	return s.report(w, ep, yield)
}

// test evaluates a complete window.
func (s *state) test(p *program, w *window, yield func(finding.Finding) error) error {
	x := w.c
	ents := w.live()
	var (
		m     float64
		ok    bool
		rare  []string
		match bool
	)
	if x.rarity {
		rare, m = w.rare()
		match = len(rare) > 0
		if match {
			kept := make([]entry, 0, len(ents))
			for _, e := range ents {
				if anyIn(e.vals, rare) {
					kept = append(kept, e)
				}
			}
			ents = kept
		}
	} else {
		m, ok = w.metric(&s.scratch)
		match = ok && x.cond.Holds(m)
	}
	if !match || len(ents) == 0 {
		return nil
	}
	ep := newEpisode(p, w, ents, m)
	ep.rare = rare
	if err := s.report(w, ep, yield); err != nil {
		return err
	}
	return s.derive(p, w, ents[len(ents)-1].o, yield)
}

func anyIn(vals, set []string) bool {
	for _, v := range vals {
		for _, x := range set {
			if v == x {
				return true
			}
		}
	}
	return false
}

// report yields a finding's next revision.
func (s *state) report(w *window, ep *episode, yield func(finding.Finding) error) error {
	ep.revision++
	ep.reported, ep.reportedValue = ep.total, ep.value
	if !w.c.emit && !s.all {
		return nil
	}
	s.stats.Findings++
	return yield(ep.finding(w))
}

// derive feeds the correlations that reference w's correlation: its
// finding is their event, at the time of the event that completed it.
func (s *state) derive(p *program, w *window, trig *Observation, yield func(finding.Finding) error) error {
	for _, u := range w.c.outs {
		rf := &u.c.refs[u.ref]
		o := *trig
		o.Rule, o.Ref = u.c.rule.ID, u.ref
		o.Group = make([]string, len(rf.innerGroup))
		for i, k := range rf.innerGroup {
			o.Group[i] = w.group[k]
		}
		o.Values = nil
		if rf.hasValue {
			o.Values = []string{w.group[rf.innerValue]}
		}
		s.stats.Derived++
		if err := s.feed(p, u.c, &o, yield); err != nil {
			return err
		}
	}
	return nil
}

// deadlines is a heap of windows by deadline (then rule and group, so that
// windows closing at once close in the same order in every run).
type deadlines []*window

func (h deadlines) Len() int { return len(h) }
func (h deadlines) Less(i, j int) bool {
	a, b := h[i], h[j]
	if c := a.deadline.Compare(b.deadline); c != 0 {
		return c < 0
	}
	if a.c.idx != b.c.idx {
		return a.c.idx < b.c.idx
	}
	return a.key < b.key
}
func (h deadlines) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].hidx, h[j].hidx = i, j
}
func (h *deadlines) Push(x any) {
	w := x.(*window)
	w.hidx = len(*h)
	*h = append(*h, w)
}
func (h *deadlines) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.hidx = -1
	return w
}

// Package correlate evaluates Sigma correlation rules (specification v2.1:
// event_count, value_count, temporal, temporal_ordered, value_sum,
// value_avg, value_percentile) over the hits of the detection rules they
// reference. It works in two steps, so that the caller can order hits by
// event time across parallel workers and files: Observe turns a hit into a
// small Observation while the event's records are live, and Feed consumes
// observations in event-time order, keeping a bounded window per
// correlation and group, and yields findings. It imports rule, detect,
// event and finding; nothing imports it but the commands' wiring.
//
// Windows. Two events fall in one window when they are at most timespan
// apart. A condition that only rises as a window gains events (gt and gte
// on event_count, value_count, temporal, temporal_ordered and value_sum) is
// tested at every event over the sliding window that ends there, so a burst
// is found wherever it starts. Other conditions (lt, lte, eq, neq; averages
// and percentiles) need the window complete: the window opens at a group's
// first event and is tested once, when an event (of any group) passes its
// end, or at Flush.
//
// Findings. A sliding correlation's finding opens when its condition first
// holds and grows while later events keep it true, until its newest event
// leaves the window; its id (rule id, group values, first event id) stays
// the same and it is yielded again, with a higher Revision, when its event
// count has doubled and once more at its end if it grew since. Consumers
// keep the last revision per id. A complete-window finding is yielded once.
package correlate

import (
	"sync/atomic"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// Engine holds compiled correlation rules and the windows of one stream of
// observations. Observe is safe for concurrent use; Feed, Flush and Stats
// belong to one goroutine. Fresh gives another stream (a shard, a test
// replay) the same rules with empty windows.
type Engine struct {
	p *program
	s *state

	// Counted by Observe, which workers call concurrently.
	noGroup, noValue, combos atomic.Int64
}

// Stats are an engine's counters.
type Stats struct {
	Observations int64 // fed
	Derived      int64 // fed by a correlation to one that references it
	Findings     int64 // yielded, revisions included
	Windows      int   // open now
	Evicted      int64 // windows dropped for MaxGroups
	Truncated    int64 // events dropped from full windows (MaxWindow)
	Late         int64 // observations older than the newest fed before them
	Dropped      int64 // late observations too old for their group's window, left out
	Invalid      int64 // observations of an unknown rule, base rule or group shape
	NoGroup      int64 // hits without a value for a group-by field (not observed)
	NoValue      int64 // hits without a value for the condition's field (not observed)
	Combos       int64 // hits whose group-by values made more than 16 groups (the rest left out)
}

// Fresh returns an engine with the same rules and no state.
func (e *Engine) Fresh() *Engine { return &Engine{p: e.p} }

// Rules returns the compiled correlation rules.
func (e *Engine) Rules() []*rule.Rule {
	out := make([]*rule.Rule, len(e.p.corrs))
	for i, x := range e.p.corrs {
		out[i] = x.rule
	}
	return out
}

// Base reports whether rule r (a detection rule, or a correlation) is
// referenced by a compiled correlation, and whether it still reports its
// own findings: Sigma's generate is false by default, so a referenced rule
// reports only when a correlation referencing it says generate: true. A
// rule no correlation references generates as usual (false, true).
func (e *Engine) Base(r *rule.Rule) (referenced, generate bool) {
	if len(e.p.used[r]) == 0 {
		return false, true
	}
	return true, e.p.generate[r]
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	var st Stats
	if e.s != nil {
		st = e.s.stats
		st.Windows = e.s.open
	}
	st.NoGroup, st.NoValue, st.Combos = e.noGroup.Load(), e.noValue.Load(), e.combos.Load()
	return st
}

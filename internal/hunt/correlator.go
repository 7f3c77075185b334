package hunt

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/timeorder"
)

// CorrelatorOptions say where ordering may spill and where state lives.
type CorrelatorOptions struct {
	// TempDir holds the sorted runs when the events to order do not fit in
	// MaxBytes of memory ("" is the system's temporary directory).
	TempDir  string
	MaxBytes int64
	// Store, when set, holds the correlation state between runs: Finish
	// continues the chains a previous run left open and saves them again.
	Store *store.Store
}

// Correlator runs the rules that span events over a whole hunt — chain
// rules and Sigma correlation rules: workers hand it what those need (the
// snapshot-relevant events, the observations of correlations' base rules)
// as they decode, in any order; Finish orders them by event time across
// all inputs, spilling to disk when needed, and feeds the engines, so that
// any order of files and records gives the same findings.
type Correlator struct {
	d       *Detector
	engine  *chain.Engine
	corr    *correlate.Engine // nil without correlation rules
	mu      sync.Mutex
	sorter  *timeorder.Sorter[ordered]
	workers []*Worker
	store   *store.Store
	err     error
	// Found counts the chain and correlation findings by what became of
	// them.
	Found, Below, Allowed int
}

// ordered is an event, or a correlation's observation, waiting for its turn.
type ordered struct {
	Rank  int                    `json:"r"`
	Event *event.Event           `json:"e,omitempty"`
	Obs   *correlate.Observation `json:"o,omitempty"`
}

// observationRank puts observations after the events of their second.
const observationRank = 100

func (o *ordered) time() time.Time {
	if o.Obs != nil {
		return o.Obs.Time
	}
	return o.Event.Time
}

func orderedLess(a, b *ordered) bool {
	if c := a.time().Compare(b.time()); c != 0 {
		return c < 0
	}
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	if a.Obs != nil && b.Obs != nil {
		return correlate.Less(a.Obs, b.Obs)
	}
	if a.Event != nil && b.Event != nil {
		return a.Event.ID < b.Event.ID
	}
	return false
}

// firstSeen is when each actor of a worker's events first acted, per
// cloud: a feed is mostly one cloud, so the cloud's map is kept at hand and
// an event costs one lookup by a string key, which Go's maps do fastest.
type firstSeen struct {
	byCloud map[event.Cloud]map[string]int64
	cloud   event.Cloud
	ids     map[string]int64 // byCloud[cloud]
}

func (s *firstSeen) note(cloud event.Cloud, id string, t int64) {
	if s.ids == nil || cloud != s.cloud {
		if s.byCloud == nil {
			s.byCloud = map[event.Cloud]map[string]int64{}
		}
		if s.ids = s.byCloud[cloud]; s.ids == nil {
			s.ids = map[string]int64{}
			s.byCloud[cloud] = s.ids
		}
		s.cloud = cloud
	}
	if old, ok := s.ids[id]; !ok || t < old {
		s.ids[strings.Clone(id)] = t
	}
}

// NewCorrelator returns a Correlator for one run, or nil when there are no
// chain or correlation rules.
func (d *Detector) NewCorrelator(opts CorrelatorOptions) *Correlator {
	if len(d.chains) == 0 && d.corr == nil {
		return nil
	}
	eng, _ := chain.New(d.chains, d.chainOpt) // checked in New
	c := &Correlator{
		d:      d,
		engine: eng,
		store:  opts.Store,
		sorter: timeorder.New(orderedLess, timeorder.JSON[ordered]{}, timeorder.Options{Dir: opts.TempDir, MaxBytes: opts.MaxBytes}),
	}
	if d.corr != nil {
		c.corr = d.corr.Fresh()
	}
	return c
}

// add queues correlation observations.
func (c *Correlator) add(obs []correlate.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range obs {
		if c.err != nil {
			break
		}
		o := obs[i]
		c.err = c.sorter.Add(ordered{Rank: observationRank, Obs: &o})
	}
	return c.err
}

// Attach makes w hand its events to c as well.
func (c *Correlator) Attach(w *Worker) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w.corr = c
	c.workers = append(c.workers, w)
}

// observe notes who acted when, and keeps a copy of an event the chain
// rules may need.
func (c *Correlator) observe(w *Worker, ev *event.Event) error {
	if !ev.Time.IsZero() {
		w.seen.note(ev.Cloud, ev.Actor.ID, ev.Time.UnixNano())
	}
	if !chain.Wants(ev) {
		return nil
	}
	it := ordered{Rank: chain.Rank(ev.Action), Event: ev.Clone()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = c.sorter.Add(it)
	}
	return c.err
}

// Finish orders what the workers handed over, runs the chain rules and
// yields each chain once, in its final state, oldest first. Chains below
// the minimum severity are counted; allow-listed ones are counted, or
// yielded marked when ShowSuppressed is set.
func (c *Correlator) Finish(ctx context.Context, yield func(finding.Finding) error) error {
	if c == nil {
		return nil
	}
	defer c.sorter.Close()
	if c.err != nil {
		return c.err
	}
	if c.store != nil {
		snap, err := c.store.LoadState(ctx)
		if err == nil {
			err = c.engine.Restore(snap)
		}
		if err != nil {
			return err
		}
	}
	for _, w := range c.workers {
		for cloud, ids := range w.seen.byCloud {
			for id, t := range ids {
				c.engine.Seen(cloud, id, time.Unix(0, t))
			}
		}
	}
	last := map[string]finding.Finding{}
	keep := func(f finding.Finding) error {
		last[f.ID] = f
		return nil
	}
	if err := c.sorter.Drain(func(it ordered) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if it.Obs != nil {
			if c.corr == nil {
				return nil
			}
			return c.corr.Feed(*it.Obs, keep)
		}
		return c.engine.Feed(it.Event, keep)
	}); err != nil {
		return err
	}
	if c.corr != nil {
		if err := c.corr.Flush(keep); err != nil {
			return err
		}
	}
	if err := c.engine.Replayed(func(f finding.Finding) error {
		if _, ok := last[f.ID]; !ok {
			last[f.ID] = f
		}
		return nil
	}); err != nil {
		return err
	}
	if c.store != nil {
		snap, err := c.engine.Snapshot()
		if err == nil {
			err = c.store.SaveState(ctx, snap)
		}
		if err != nil {
			return fmt.Errorf("saving the correlation state: %w", err)
		}
	}
	fs := make([]finding.Finding, 0, len(last))
	for _, f := range last {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(a, b finding.Finding) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
	})
	for _, f := range fs {
		c.Found++
		if f.Rule.Kind == finding.KindCorrelation {
			c.d.suppressAll(&f)
		}
		switch {
		case f.Severity < c.d.min:
			c.Below++
			continue
		case f.Status == finding.StatusSuppressed:
			c.Allowed++
			if !c.d.showSuppressed {
				continue
			}
		}
		if err := yield(f); err != nil {
			return err
		}
	}
	return nil
}

// Stats returns the engines' counters and the ordering's.
func (c *Correlator) Stats() (chain.Stats, correlate.Stats, timeorder.Stats) {
	var cs correlate.Stats
	if c.corr != nil {
		cs = c.corr.Stats()
	}
	return c.engine.Stats(), cs, c.sorter.Stats()
}

// suppressAll marks a finding suppressed when the allow-list covers every
// one of its actors (a finding made of many events, like a chain's).
func (d *Detector) suppressAll(f *finding.Finding) {
	if len(f.Actors) == 0 || f.Status == finding.StatusSuppressed {
		return
	}
	var reason, expires string
	for _, id := range f.Actors {
		r, x, ok := d.matchers.Allowance(f.Rule.ID, event.Actor{ID: id}, d.now())
		if !ok {
			return
		}
		if reason == "" {
			reason, expires = r, x
		}
	}
	f.Status = finding.StatusSuppressed
	f.Suppression = &finding.Suppression{Reason: reason, By: "config allow", Expires: expires}
}

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

// Correlator runs the rules that span events (chain rules) over a whole
// hunt: workers hand it the events that matter (successful operations with
// a normalized action) as they decode them, in any order; Finish orders
// them by event time across all inputs, spilling to disk when needed, and
// feeds them to the chain engine, so that any order of files and records
// gives the same findings.
type Correlator struct {
	d       *Detector
	engine  *chain.Engine
	mu      sync.Mutex
	sorter  *timeorder.Sorter[ordered]
	workers []*Worker
	store   *store.Store
	err     error
	// Chains counts chain findings by what became of them.
	Chains, ChainsBelow, ChainsAllowed int
}

// ordered is an event waiting for its turn.
type ordered struct {
	Rank  int          `json:"r"`
	Event *event.Event `json:"e"`
}

func orderedLess(a, b *ordered) bool {
	if c := a.Event.Time.Compare(b.Event.Time); c != 0 {
		return c < 0
	}
	if a.Rank != b.Rank {
		return a.Rank < b.Rank
	}
	return a.Event.ID < b.Event.ID
}

type actorKey struct {
	cloud event.Cloud
	id    string
}

// NewCorrelator returns a Correlator for one run, or nil when there are no
// chain rules.
func (d *Detector) NewCorrelator(opts CorrelatorOptions) *Correlator {
	if len(d.chains) == 0 {
		return nil
	}
	eng, _ := chain.New(d.chains, d.chainOpt) // checked in New
	return &Correlator{
		d:      d,
		engine: eng,
		store:  opts.Store,
		sorter: timeorder.New(orderedLess, timeorder.JSON[ordered]{}, timeorder.Options{Dir: opts.TempDir, MaxBytes: opts.MaxBytes}),
	}
}

// Attach makes w hand its events to c as well.
func (c *Correlator) Attach(w *Worker) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w.corr, w.seen = c, map[actorKey]int64{}
	c.workers = append(c.workers, w)
}

// observe notes who acted when, and keeps a copy of an event the chain
// rules may need.
func (c *Correlator) observe(w *Worker, ev *event.Event) error {
	if !ev.Time.IsZero() {
		t := ev.Time.UnixNano()
		if old, ok := w.seen[actorKey{ev.Cloud, ev.Actor.ID}]; !ok || t < old {
			w.seen[actorKey{ev.Cloud, strings.Clone(ev.Actor.ID)}] = t
		}
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
		for k, t := range w.seen {
			c.engine.Seen(k.cloud, k.id, time.Unix(0, t))
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
		return c.engine.Feed(it.Event, keep)
	}); err != nil {
		return err
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
		c.Chains++
		switch {
		case f.Severity < c.d.min:
			c.ChainsBelow++
			continue
		case f.Status == finding.StatusSuppressed:
			c.ChainsAllowed++
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

// Stats returns the chain engine's counters and the ordering's.
func (c *Correlator) Stats() (chain.Stats, timeorder.Stats) {
	return c.engine.Stats(), c.sorter.Stats()
}

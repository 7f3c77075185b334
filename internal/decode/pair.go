package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Default limits of a Pairer.
const (
	// DefaultPairWindow is how far behind the newest record of its format a
	// pending half may fall before it is emitted alone. Azure's long
	// operations report their final status minutes to hours after the
	// request. The newest record is counted per format: one cloud's logs
	// read ahead of another's (a directory of several clouds, files read in
	// parallel) must not push the other's halves out.
	DefaultPairWindow = 6 * time.Hour
	// DefaultMaxPending caps pending halves; beyond it the oldest are emitted.
	DefaultMaxPending = 1 << 20
)

type half struct {
	key  string
	part Part
	time time.Time
	raw  []byte
	src  event.Source
}

type group struct {
	format Format
	halves []half
	newest time.Time
	// added is when the last half came, by the wall clock: a stream
	// (serve) gives up waiting for a partner after a while (FlushIdle).
	added time.Time
}

func (g *group) has(p Part) bool {
	for _, h := range g.halves {
		if h.part == p {
			return true
		}
	}
	return false
}

// Pairer joins the records of one operation (request and response) that
// arrive apart, possibly in different files, into one event. It is safe for
// concurrent use.
type Pairer struct {
	Window     time.Duration
	MaxPending int

	mu         sync.Mutex
	pending    map[string]*group
	watermarks map[string]time.Time // newest record time per format
	adds       int
	evicted    int
}

// NewPairer returns a Pairer with the default limits.
func NewPairer() *Pairer {
	return &Pairer{Window: DefaultPairWindow, MaxPending: DefaultMaxPending, pending: map[string]*group{}, watermarks: map[string]time.Time{}}
}

// Pending returns how many operations wait for their partner records.
func (p *Pairer) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

// Evicted returns how many operations were emitted incomplete because they
// fell out of the window or over the cap.
func (p *Pairer) Evicted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.evicted
}

func (p *Pairer) add(f Format, h half, emit func(*event.Event) error) error {
	var ready []*group
	p.mu.Lock()
	g := p.pending[h.key]
	if g != nil && h.part != Middle && g.has(h.part) {
		// A second request or response for the same key: the first operation
		// is over, whatever it lacks.
		ready = append(ready, g)
		g = nil
	}
	if g == nil {
		g = &group{format: f}
		p.pending[h.key] = g
	}
	g.halves = append(g.halves, h)
	g.added = time.Now()
	if h.time.After(g.newest) {
		g.newest = h.time
	}
	if name := f.Name(); h.time.After(p.watermarks[name]) {
		p.watermarks[name] = h.time
	}
	if g.has(First) && g.has(Last) {
		delete(p.pending, h.key)
		ready = append(ready, g)
	}
	p.adds++
	if p.adds%4096 == 0 || len(p.pending) > p.MaxPending {
		ready = append(ready, p.expireLocked()...)
	}
	p.mu.Unlock()
	return p.emitGroups(ready, emit)
}

// expireLocked removes groups that fell behind the window, and the oldest
// groups beyond the cap.
func (p *Pairer) expireLocked() []*group {
	var out []*group
	for k, g := range p.pending {
		if g.newest.Before(p.watermarks[g.format.Name()].Add(-p.Window)) {
			out = append(out, g)
			delete(p.pending, k)
		}
	}
	if over := len(p.pending) - p.MaxPending; over > 0 {
		type kv struct {
			k string
			g *group
		}
		all := make([]kv, 0, len(p.pending))
		for k, g := range p.pending {
			all = append(all, kv{k, g})
		}
		slices.SortFunc(all, func(a, b kv) int { return a.g.newest.Compare(b.g.newest) })
		for _, x := range all[:over] {
			out = append(out, x.g)
			delete(p.pending, x.k)
		}
	}
	p.evicted += len(out)
	return out
}

// Flush emits every pending operation, complete or not, oldest first: at the
// end of input a half whose partner never came is an event of its own.
func (p *Pairer) Flush(emit func(*event.Event) error) error {
	return p.flush(func(*group) bool { return true }, emit)
}

// FlushIdle emits, as Flush does, the pending operations no record has
// joined since before: in a stream, a partner that has not come by then
// is not waited for any longer.
func (p *Pairer) FlushIdle(before time.Time, emit func(*event.Event) error) error {
	return p.flush(func(g *group) bool { return g.added.Before(before) }, emit)
}

// flush emits the pending operations chosen, oldest first.
func (p *Pairer) flush(chosen func(*group) bool, emit func(*event.Event) error) error {
	p.mu.Lock()
	var groups []*group
	for k, g := range p.pending {
		if chosen(g) {
			groups = append(groups, g)
			delete(p.pending, k)
		}
	}
	p.mu.Unlock()
	slices.SortFunc(groups, func(a, b *group) int {
		if c := a.halves[0].time.Compare(b.halves[0].time); c != 0 {
			return c
		}
		return compareSource(a.halves[0].src, b.halves[0].src)
	})
	return p.emitGroups(groups, emit)
}

func compareSource(a, b event.Source) int {
	if a.File != b.File {
		if a.File < b.File {
			return -1
		}
		return 1
	}
	return int(a.Offset - b.Offset)
}

// emitGroups joins and emits groups. Every group that cannot be joined is
// reported (errors.Join), none dropped; a failing emit stops at once.
func (p *Pairer) emitGroups(groups []*group, emit func(*event.Event) error) error {
	var bad []error
	for _, g := range groups {
		ev, err := join(g)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		err = emit(ev)
		ev.Docs = nil
		if err != nil {
			return stopError{err}
		}
	}
	return errors.Join(bad...)
}

// join parses a group's records in order (first, middles, last) and
// normalizes them into one event carrying the first record's place.
func join(g *group) (*event.Event, error) {
	slices.SortStableFunc(g.halves, func(a, b half) int {
		if a.part != b.part {
			return int(a.part) - int(b.part)
		}
		return a.time.Compare(b.time)
	})
	docs := make([]*jsondoc.Value, len(g.halves))
	raws := make([]json.RawMessage, len(g.halves))
	for i, h := range g.halves {
		var p jsondoc.Parser // values must outlive the next parse
		v, err := p.ParseBytes(h.raw)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: re-parse paired record: %w", h.src.File, h.src.Line, err)
		}
		docs[i], raws[i] = v, h.raw
	}
	ev, err := g.format.Normalize(docs)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", g.halves[0].src.File, g.halves[0].src.Line, err)
	}
	ev.Format = g.format.Name()
	ev.Source = g.halves[0].src
	ev.Raw = raws
	ev.Docs = docs
	return ev, nil
}

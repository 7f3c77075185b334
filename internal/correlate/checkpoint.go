package correlate

import (
	"bytes"
	"container/heap"
	"encoding/base64"
	"encoding/gob"
	"fmt"
	"math/bits"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// savedVersion is the format of Save's output; Load refuses others.
const savedVersion = 1

// saved is the open windows of a stream, as Save writes them.
type saved struct {
	Version int
	Now     time.Time
	Windows []savedWindow
}

type savedWindow struct {
	Rule     string
	Group    []string
	Start    time.Time
	Newest   time.Time
	Deadline time.Time
	Entries  []savedEntry
	Episode  *savedEpisode
}

type savedEntry struct {
	Refs uint64
	Obs  Observation // the event's first observation; its Time and Event are the entry's
	Vals []string
}

// savedEpisode is an open finding of a sliding window.
type savedEpisode struct {
	ID            string
	First         Observation
	Events        []finding.EventRef
	Total         int
	Last          time.Time
	Actors        []string
	Names         map[string]string
	Resources     []finding.Resource
	Value         float64
	Rare          []string
	Revision      int
	Reported      int
	ReportedValue float64
}

// Changed reports whether the windows changed since the last Saved or
// Load.
func (e *Engine) Changed() bool { return e.s != nil && e.s.changed }

// Saved says that what Save returned last is stored: Changed is false
// until the next observation.
func (e *Engine) Saved() {
	if e.s != nil {
		e.s.changed = false
	}
}

// Save writes the open windows — their events, aggregates' inputs and open
// findings — so that Load in another process continues them: a burst that
// straddles a restart is still counted whole, and an open finding keeps
// its id and revision. The text is base64 of gob, not JSON: group values
// come from logs, and JSON would turn two different invalid UTF-8 values
// into one.
func (e *Engine) Save() ([]byte, error) {
	s := e.state()
	out := saved{Version: savedVersion, Now: s.now, Windows: make([]savedWindow, 0, len(s.heap))}
	for _, w := range s.heap {
		sw := savedWindow{Rule: w.c.rule.ID, Group: w.group, Start: w.start, Newest: w.newest, Deadline: w.deadline}
		for _, ent := range w.live() {
			sw.Entries = append(sw.Entries, savedEntry{Refs: ent.refs, Obs: *ent.o, Vals: ent.vals})
		}
		if ep := w.ep; ep != nil {
			sw.Episode = &savedEpisode{
				ID: ep.id, First: *ep.first, Events: ep.events, Total: ep.total, Last: ep.last,
				Actors: ep.actors, Names: ep.names, Resources: ep.resources, Value: ep.value,
				Rare: ep.rare, Revision: ep.revision, Reported: ep.reported, ReportedValue: ep.reportedValue,
			}
		}
		out.Windows = append(out.Windows, sw)
	}
	var buf bytes.Buffer
	enc := base64.NewEncoder(base64.StdEncoding, &buf)
	if err := gob.NewEncoder(enc).Encode(out); err != nil {
		return nil, fmt.Errorf("save correlation windows: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("save correlation windows: %w", err)
	}
	return buf.Bytes(), nil
}

// Load puts windows written by Save into an engine that has been fed
// nothing. Windows of a correlation the engine no longer has, or whose
// rule changed shape (group-by fields, referenced rules), are left out and
// counted in dropped; the others continue as if the process had not
// stopped.
func (e *Engine) Load(b []byte) (dropped int, err error) {
	in, err := decodeSaved(b)
	if err != nil {
		return 0, err
	}
	s := e.state()
	if s.open > 0 {
		return 0, fmt.Errorf("load correlation windows: the engine has windows already")
	}
	s.now = in.Now
	for i := range in.Windows {
		if !s.restore(e.p, &in.Windows[i]) {
			dropped++
		}
	}
	s.changed = false
	return dropped, nil
}

// SavedWindows counts the windows in what Save wrote: those an engine
// without correlation rules drops.
func SavedWindows(b []byte) (int, error) {
	in, err := decodeSaved(b)
	if err != nil {
		return 0, err
	}
	return len(in.Windows), nil
}

func decodeSaved(b []byte) (*saved, error) {
	var in saved
	if err := gob.NewDecoder(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))).Decode(&in); err != nil {
		return nil, fmt.Errorf("load correlation windows: %w", err)
	}
	if in.Version != savedVersion {
		return nil, fmt.Errorf("load correlation windows: format %d, want %d", in.Version, savedVersion)
	}
	return &in, nil
}

// restore rebuilds one saved window, reporting false when it no longer
// fits its rule.
func (s *state) restore(p *program, sw *savedWindow) bool {
	x := p.byID[sw.Rule]
	if x == nil || len(sw.Group) != len(x.groupBy) || len(sw.Entries) == 0 {
		return false
	}
	for _, se := range sw.Entries {
		if se.Refs == 0 || bits.Len64(se.Refs) > len(x.refs) {
			return false
		}
	}
	ep, ok := restoreEpisode(sw.Episode)
	if !ok || (ep != nil && !x.rising) {
		return false
	}
	key := string(appendGroupKey(nil, sw.Group))
	if s.windows[x.idx][key] != nil {
		return false // saved twice: keep the first
	}
	w := newWindow(x, key, sw.Group, sw.Start)
	w.newest, w.deadline, w.ep = sw.Newest, sw.Deadline, ep
	for _, se := range sw.Entries {
		o := se.Obs
		w.ents = append(w.ents, entry{t: o.Time, id: o.Event, o: &o})
		// merge counts the entry into the aggregates, a base rule at a time.
		for refs := se.Refs; refs != 0; refs &= refs - 1 {
			w.merge(&w.ents[len(w.ents)-1], &Observation{Ref: bits.TrailingZeros64(refs), Values: se.Vals})
		}
	}
	if s.windows[x.idx] == nil {
		s.windows[x.idx] = map[string]*window{}
	}
	s.windows[x.idx][key] = w
	s.open++
	heap.Push(&s.heap, w)
	return true
}

func restoreEpisode(se *savedEpisode) (*episode, bool) {
	if se == nil {
		return nil, true
	}
	if se.ID == "" {
		return nil, false
	}
	first := se.First
	return &episode{
		id: se.ID, first: &first, events: se.Events, total: se.Total, last: se.Last,
		actors: se.Actors, names: se.Names, resources: se.Resources, value: se.Value, rare: se.Rare,
		revision: se.Revision, reported: se.Reported, reportedValue: se.ReportedValue,
	}, true
}

package correlate

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// entry is one event in a window: the base rules it matched (a bit each)
// and the values of the condition's field.
type entry struct {
	t    time.Time
	id   string
	refs uint64
	o    *Observation // the event's first observation, for findings
	vals []string
	nums []float64 // vals that are numbers
}

// after reports whether the entry sorts after time t and event id.
func (e *entry) after(t time.Time, id string) bool {
	if c := e.t.Compare(t); c != 0 {
		return c > 0
	}
	return e.id > id
}

// window is the events of one group of one correlation within its
// timespan, with the aggregates its condition reads kept up to date.
type window struct {
	c     *corr
	key   string
	group []string
	// start is the first event's time (complete windows); newest the
	// latest event's.
	start, newest time.Time
	ents          []entry // live entries are ents[head:], in (time, id) order
	head          int
	deadline      time.Time // sliding: newest+timespan; complete: start+timespan
	hidx          int       // index in the state's heap

	refCount []int32          // live entries per base rule
	distinct map[string]int32 // live entries per value
	valued   int              // live entries with a value
	sum      float64
	nnum     int

	ep *episode // the open finding of a sliding window
}

func newWindow(c *corr, key string, group []string, t time.Time) *window {
	w := &window{c: c, key: key, group: group, start: t, newest: t, refCount: make([]int32, len(c.refs))}
	if c.c.Type == rule.ValueCount || c.rarity {
		w.distinct = map[string]int32{}
	}
	return w
}

func (w *window) live() []entry { return w.ents[w.head:] }

// add puts an observation's event in the window, or merges it into the
// entry of the same event (a hit of another base rule). It reports whether
// the event is new to the window.
func (w *window) add(o *Observation) bool {
	live := w.live()
	i := len(live)
	for i > 0 && live[i-1].after(o.Time, o.Event) {
		i--
	}
	if i > 0 && live[i-1].t.Equal(o.Time) && live[i-1].id == o.Event {
		w.merge(&live[i-1], o)
		return false
	}
	oc := *o
	e := entry{t: o.Time, id: o.Event, o: &oc}
	w.ents = slices.Insert(w.ents, w.head+i, e)
	w.merge(&w.ents[w.head+i], o)
	if o.Time.After(w.newest) {
		w.newest = o.Time
	}
	if o.Time.Before(w.start) {
		w.start = o.Time
	}
	return true
}

// merge adds an observation's base rule and values to an entry, and to the
// window's aggregates.
func (w *window) merge(e *entry, o *Observation) {
	if bit := uint64(1) << uint(o.Ref); e.refs&bit == 0 {
		e.refs |= bit
		w.refCount[o.Ref]++
	}
	hadValue := len(e.vals) > 0
	for _, v := range o.Values {
		if slices.Contains(e.vals, v) {
			continue
		}
		e.vals = append(e.vals, v)
		if w.distinct != nil {
			w.distinct[v]++
		}
		if n, ok := number(v); ok {
			e.nums = append(e.nums, n)
			w.sum += n
			w.nnum++
		}
	}
	if !hadValue && len(e.vals) > 0 {
		w.valued++
	}
}

// dropFirst removes the oldest live entry from the window and its
// aggregates.
func (w *window) dropFirst() {
	e := &w.ents[w.head]
	for k := range w.refCount {
		if e.refs&(1<<uint(k)) != 0 {
			w.refCount[k]--
		}
	}
	for _, v := range e.vals {
		if w.distinct != nil {
			if w.distinct[v]--; w.distinct[v] <= 0 {
				delete(w.distinct, v)
			}
		}
	}
	for _, n := range e.nums {
		w.sum -= n
	}
	w.nnum -= len(e.nums)
	if len(e.vals) > 0 {
		w.valued--
	}
	if w.nnum == 0 {
		w.sum = 0 // no drift once empty
	}
	*e = entry{}
	w.head++
	if w.head > 64 && w.head > len(w.ents)/2 {
		n := copy(w.ents, w.ents[w.head:])
		clear(w.ents[n:])
		w.ents, w.head = w.ents[:n], 0
	}
}

// dropBefore removes the live entries older than t.
func (w *window) dropBefore(t time.Time) {
	for w.head < len(w.ents) && w.ents[w.head].t.Before(t) {
		w.dropFirst()
	}
}

// number reads a value as a finite number.
func number(s string) (float64, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, false
	}
	return n, true
}

// metric is what the condition compares: the count of events, distinct
// values or rules, the rules matched in order, the sum, average or
// percentile. ok is false when the window has nothing to aggregate.
func (w *window) metric(scratch *[]bool) (m float64, ok bool) {
	switch w.c.c.Type {
	case rule.EventCount:
		return float64(len(w.live())), true
	case rule.ValueCount:
		return float64(len(w.distinct)), true
	case rule.Temporal:
		n := 0
		for _, k := range w.refCount {
			if k > 0 {
				n++
			}
		}
		return float64(n), true
	case rule.TemporalOrdered:
		return float64(w.ordered(scratch, nil)), true
	case rule.ValueSum:
		return w.sum, w.nnum > 0
	case rule.ValueAvg:
		if w.nnum == 0 {
			return 0, false
		}
		return w.sum / float64(w.nnum), true
	case rule.ValuePercentile:
		return w.percentile(w.c.cond.Percentile)
	}
	return 0, false
}

// ordered returns how many of the base rules, in their order, have matched
// successive events of the window: events of one instant may match in any
// order among themselves (logs give times to the second), but one event
// counts for one step. With picks, it appends the live index of each step's
// event.
func (w *window) ordered(scratch *[]bool, picks *[]int) int {
	live, n, k := w.live(), len(w.c.refs), 0
	for i := 0; i < len(live) && k < n; {
		j := i + 1
		for j < len(live) && live[j].t.Equal(live[i].t) {
			j++
		}
		if j == i+1 {
			if live[i].refs&(1<<uint(k)) != 0 {
				k++
				if picks != nil {
					*picks = append(*picks, i)
				}
			}
			i = j
			continue
		}
		used := (*scratch)[:0]
		for range j - i {
			used = append(used, false)
		}
		*scratch = used
		for progress := true; progress && k < n; {
			progress = false
			for x := i; x < j; x++ {
				if !used[x-i] && live[x].refs&(1<<uint(k)) != 0 {
					used[x-i], progress = true, true
					k++
					if picks != nil {
						*picks = append(*picks, x)
					}
					break
				}
			}
		}
		i = j
	}
	return k
}

// percentile is the p-th percentile (0–100) of the window's numbers, with
// linear interpolation between the closest ranks.
func (w *window) percentile(p float64) (float64, bool) {
	if w.nnum == 0 {
		return 0, false
	}
	all := make([]float64, 0, w.nnum)
	for _, e := range w.live() {
		all = append(all, e.nums...)
	}
	slices.Sort(all)
	rank := p / 100 * float64(len(all)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(all)-1)
	return all[lo] + (all[hi]-all[lo])*(rank-float64(lo)), true
}

// rare returns the values whose share of the window's valued events, in
// percent, satisfies the condition (value_percentile without a
// percentile), sorted, and the least such share.
func (w *window) rare() (vals []string, share float64) {
	if w.valued == 0 {
		return nil, 0
	}
	share = math.Inf(1)
	for v, n := range w.distinct {
		s := 100 * float64(n) / float64(w.valued)
		if w.c.cond.Holds(s) {
			vals = append(vals, v)
			share = min(share, s)
		}
	}
	slices.Sort(vals)
	return vals, share
}

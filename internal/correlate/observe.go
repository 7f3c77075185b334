package correlate

import (
	"cmp"
	"slices"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Observe appends to dst what the correlations referencing base need of
// its hit on ev: one Observation per correlation and group. It must run
// while ev's parsed records are live (in the decoder's emit), as group-by
// and value fields are read from them. A hit that lacks a group-by value,
// or (value_* types) a value of the condition's field, is counted in Stats
// and not observed: it belongs to no group. A group-by field with several
// values puts the event in each of their groups, up to 16. Observe is safe
// for concurrent use.
func (e *Engine) Observe(ev *event.Event, base *rule.Rule, dst []Observation) []Observation {
	uses := e.p.bases[base]
	if len(uses) == 0 || ev == nil {
		return dst
	}
	var meta *Observation
	for _, u := range uses {
		x, rf := u.c, &u.c.refs[u.ref]
		groups, ok := e.groupValues(rf, ev)
		if !ok {
			e.noGroup.Add(1)
			continue
		}
		var values []string
		if rf.hasValue {
			values = dedupe(rf.value.Read(ev, nil))
			values = values[:min(len(values), maxValues)]
			if len(values) == 0 {
				e.noValue.Add(1)
				continue
			}
		}
		if meta == nil {
			meta = observationOf(ev)
		}
		n := 0
		forEachCombo(groups, func(g []string) bool {
			if n == maxCombos {
				e.combos.Add(1)
				return false
			}
			n++
			o := *meta
			o.Rule, o.Ref, o.Group, o.Values = x.rule.ID, u.ref, g, values
			dst = append(dst, o)
			return true
		})
	}
	return dst
}

// groupValues reads each group-by field; ok is false when one has none.
func (e *Engine) groupValues(rf *ref, ev *event.Event) ([][]string, bool) {
	groups := make([][]string, len(rf.group))
	for i, fr := range rf.group {
		groups[i] = dedupe(fr.Read(ev, nil))
		if len(groups[i]) == 0 {
			return nil, false
		}
	}
	return groups, true
}

// forEachCombo calls f with each combination of one value per field (a
// fresh slice each time) until f returns false.
func forEachCombo(fields [][]string, f func([]string) bool) {
	idx := make([]int, len(fields))
	for {
		g := make([]string, len(fields))
		for i, k := range idx {
			g[i] = fields[i][k]
		}
		if !f(g) {
			return
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < len(fields[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// dedupe drops repeated values, keeping the first of each.
func dedupe(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// observationOf copies what a finding shows of ev.
func observationOf(ev *event.Event) *Observation {
	o := &Observation{
		Time:      ev.Time.UTC(),
		Event:     ev.ID,
		Cloud:     ev.Cloud,
		Account:   ev.Account,
		Region:    ev.Region,
		Actor:     cmp.Or(ev.Actor.ID, ev.Actor.Name),
		Operation: ev.Operation,
		Action:    ev.Action,
	}
	if n := ev.Actor.Name; n != "" && n != o.Actor {
		o.ActorName = n
	}
	for _, r := range ev.Resources {
		x := finding.Resource{Type: r.Type, ID: r.ID}
		if r.ID != "" && !slices.Contains(o.Resources, x) && len(o.Resources) < maxResources {
			o.Resources = append(o.Resources, x)
		}
	}
	return o
}

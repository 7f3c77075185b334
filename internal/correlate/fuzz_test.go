package correlate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// fuzzDoc has a correlation of every type, a chained one and complete
// windows, over the normalized base rules.
const fuzzDoc = `
title: Count
id: f-count
name: f_count
correlation: {type: event_count, rules: [copy, share], group-by: [actor.id], timespan: 2m, condition: {gte: 2}}
---
title: Values
id: f-values
correlation: {type: value_count, rules: [copy], group-by: [actor.id], timespan: 2m, condition: {field: resources.id, gt: 1, lt: 4}}
---
title: Temporal
id: f-temporal
correlation: {type: temporal, rules: [copy, share, restore], group-by: [actor.id], timespan: 5m}
---
title: Ordered
id: f-ordered
correlation: {type: temporal_ordered, rules: [f_count, restore], group-by: [actor.id], timespan: 5m}
---
title: Sum
id: f-sum
correlation: {type: value_sum, rules: [copy], group-by: [actor.id], timespan: 3m, condition: {field: resources.id, neq: 0}}
---
title: Average
id: f-avg
correlation: {type: value_avg, rules: [copy], timespan: 1m, condition: {field: resources.id, gte: -5}}
---
title: Percentile
id: f-p
correlation: {type: value_percentile, rules: [copy], group-by: [actor.id], timespan: 1m, condition: {field: resources.id, percentile: 90, lte: 7}}
---
title: Rare
id: f-rare
correlation: {type: value_percentile, rules: [share], group-by: [actor.id], timespan: 1m, condition: {field: resources.id, lt: 30}}
`

// FuzzFeed feeds arbitrary observations (as a spilled, damaged or foreign
// file could give) to a small engine, saving and loading its windows in
// between (a restart): never a panic, what was saved loads whole, and every
// finding is complete.
func FuzzFeed(f *testing.F) {
	f.Add([]byte("\x00\x00\x01a1\x01\x00\x02b2\x02\x05\x00c3\x07\x03\x01a1"))
	f.Add([]byte("\x05\x00\x00x9\x05\x00\x00x-1\x05\x00\x00x1e308\x05\x00\x00x1e308\x06\x00\x00yNaN"))
	f.Add([]byte("\x03\x02\x00a\x03\x01\x00a\x03\x00\x00a\x09\x09\x09z"))
	f.Add([]byte("\x04\x00\x00x9\x44\x00\x00x1e308\x04\x00\x00x1e308\x46\x00\x00yNaN\x41\x01\x01a1"))
	_, eng, _ := setup(f, fuzzDoc, correlate.Options{MaxGroups: 4, MaxWindow: 3, MaxEvents: 2})
	ids := []string{"f-count", "f-values", "f-temporal", "f-ordered", "f-sum", "f-avg", "f-p", "f-rare", "unknown"}
	f.Fuzz(func(t *testing.T, data []byte) {
		e := eng.Fresh()
		check := func(x finding.Finding) error {
			if x.ID == "" || x.Rule.ID == "" || len(x.Events) == 0 || x.Revision < 1 || x.Summary["en"] == "" || x.Summary["ru"] == "" {
				t.Fatalf("incomplete finding %+v", x)
			}
			return nil
		}
		at := t0
		for len(data) >= 4 {
			op, ref, dt, n := data[0], data[1], data[2], int(data[3]%8)
			data = data[4:]
			text := string(data[:min(n, len(data))])
			data = data[min(n, len(data)):]
			at = at.Add(time.Duration(int8(dt)) * 7 * time.Second) // back and forth
			o := correlate.Observation{
				Rule:   ids[int(op)%len(ids)],
				Ref:    int(ref%4) - 1,
				Time:   at,
				Event:  fmt.Sprintf("e%d", dt%5),
				Group:  []string{text},
				Values: []string{text, fmt.Sprint(int(dt) - 100)},
			}
			if op&0x80 != 0 {
				o.Group = nil
			}
			if op&0x70 == 0x40 { // a restart: the windows go on in a new engine
				b, err := e.Save()
				if err != nil {
					t.Fatal(err)
				}
				e = eng.Fresh()
				if dropped, err := e.Load(b); err != nil || dropped != 0 {
					t.Fatalf("load what was saved: %d dropped, %v", dropped, err)
				}
			}
			if err := e.Feed(o, check); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Flush(check); err != nil {
			t.Fatal(err)
		}
		if st := e.Stats(); st.Windows != 0 {
			t.Fatalf("windows left after flush: %+v", st)
		}
	})
}

// FuzzLoad loads arbitrary bytes as saved windows (a damaged store): an
// error or windows, never a panic, and the engine goes on.
func FuzzLoad(f *testing.F) {
	_, eng, _ := setup(f, fuzzDoc, correlate.Options{MaxGroups: 4, MaxWindow: 3, MaxEvents: 2})
	e := eng.Fresh()
	for i, id := range []string{"f-count", "f-rare", "f-sum"} {
		o := correlate.Observation{Rule: id, Ref: 0, Time: t0.Add(time.Duration(i) * time.Second), Event: fmt.Sprint("e", i),
			Group: []string{"a"}, Values: []string{"5"}}
		if err := e.Feed(o, func(finding.Finding) error { return nil }); err != nil {
			f.Fatal(err)
		}
	}
	b, err := e.Save()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		e := eng.Fresh()
		if _, err := e.Load(data); err != nil {
			return
		}
		o := correlate.Observation{Rule: "f-count", Ref: 0, Time: t0.Add(time.Hour), Event: "late", Group: []string{"a"}}
		if err := e.Feed(o, func(finding.Finding) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := e.Flush(func(finding.Finding) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
}

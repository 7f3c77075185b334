package correlate_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// TestSave_restartAnywhere: a stream saved after any observation and
// loaded into a fresh engine yields, from there on, what the engine that
// never stopped yields — the same finding ids, revisions and contents —
// for every correlation type, sliding and complete windows alike.
func TestSave_restartAnywhere(t *testing.T) {
	const doc = orderDoc + `---
title: Many snapshots
id: c-values
correlation: {type: value_count, rules: [copy, share], group-by: [account], timespan: 15m, condition: {field: resources.id, gte: 4}}
---
title: Rare
id: c-rare
correlation: {type: value_percentile, rules: [share], group-by: [account], timespan: 20m, condition: {field: actor.id, lt: 30}}
`
	det, eng, _ := setup(t, doc, correlate.Options{})
	var obs []correlate.Observation
	for i := range 80 {
		a := []event.Action{event.SnapshotCopy, event.SnapshotShare}[i%2]
		e := ev(fmt.Sprintf("e%02d", i), time.Duration(i)*47*time.Second, a, []string{"alice", "alice", "bob", "alice", "carol"}[i%5], "1", fmt.Sprintf("snap-%d", i%7))
		for _, h := range det.Match(e, nil) {
			obs = eng.Observe(e, h.Rule, obs)
		}
	}
	slices.SortFunc(obs, func(a, b correlate.Observation) int { return correlate.Compare(&a, &b) })

	run := func(cut int) []finding.Finding {
		var out []finding.Finding
		keep := func(x finding.Finding) error { out = append(out, x); return nil }
		f := eng.Fresh()
		for i, o := range obs {
			if i == cut {
				b, err := f.Save()
				if err != nil {
					t.Fatal(err)
				}
				if !f.Changed() && cut > 0 {
					t.Fatal("not changed after observations")
				}
				f.Saved()
				if f.Changed() {
					t.Fatal("changed right after a save")
				}
				f = eng.Fresh()
				if dropped, err := f.Load(b); err != nil || dropped != 0 {
					t.Fatalf("load at %d: %d dropped, %v", cut, dropped, err)
				}
			}
			if err := f.Feed(o, keep); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Flush(keep); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := run(-1)
	kinds := map[string]int{}
	for _, f := range want {
		kinds[f.Rule.ID]++
	}
	if len(kinds) < 5 {
		t.Fatalf("findings of %d correlations only (%v): a weak test", len(kinds), kinds)
	}
	for cut := range len(obs) {
		if got := run(cut); !reflect.DeepEqual(got, want) {
			t.Fatalf("restarted after observation %d: %d findings, want %d\ngot  %v\nwant %v", cut, len(got), len(want), ids(got), ids(want))
		}
	}
}

// TestLoad_rulesChanged: windows of a rule that is gone, or that changed
// shape, are left out and counted; bad input is an error.
func TestLoad_rulesChanged(t *testing.T) {
	const before = `
title: Two copies
id: c-two
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 2}}
---
title: Gone
id: c-gone
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 5}}
`
	const after = `
title: Two copies
id: c-two
correlation: {type: event_count, rules: [copy], group-by: [actor.id, account], timespan: 10m, condition: {gte: 2}}
---
title: Kept
id: c-kept
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 5}}
`
	det, eng, _ := setup(t, before, correlate.Options{})
	s := newStream(det, eng)
	s.feed(t, ev("1", 0, event.SnapshotCopy, "alice", "1"))
	b, err := eng.Save()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := correlate.SavedWindows(b); n != 2 || err != nil {
		t.Errorf("SavedWindows = %d, %v; want 2 (what an engine without correlations drops)", n, err)
	}
	_, eng2, _ := setup(t, after, correlate.Options{})
	if dropped, err := eng2.Load(b); err != nil || dropped != 2 {
		t.Errorf("Load into changed rules: %d dropped, %v; want 2, nil", dropped, err)
	}
	for _, bad := range []string{``, `{`, `[]`, string(b[:len(b)-8]), "!" + string(b)} {
		if _, err := eng.Fresh().Load([]byte(bad)); err == nil {
			t.Errorf("Load(%q): no error", bad)
		}
	}
	if _, err := eng.Load(b); err == nil {
		t.Error("Load into an engine with windows: no error")
	}
}

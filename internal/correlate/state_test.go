package correlate_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

const countDoc = `
title: Three copies
id: c-count
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 3}}
`

// TestState_maxGroups: past MaxGroups, the window closest to expiry goes
// (its open finding gets its last revision first), counted.
func TestState_maxGroups(t *testing.T) {
	det, eng, _ := setup(t, countDoc, correlate.Options{MaxGroups: 2})
	s := newStream(det, eng)
	s.feed(t, burst("a", 4, 0, time.Second, event.SnapshotCopy, "alice")...) // a finding, grown to 4
	s.feed(t, ev("b1", time.Minute, event.SnapshotCopy, "bob", "1"))
	if st := eng.Stats(); st.Windows != 2 || st.Evicted != 0 {
		t.Fatalf("stats %+v", st)
	}
	got := s.feed(t, ev("c1", 2*time.Minute, event.SnapshotCopy, "carol", "1"))
	if len(got) != 1 || len(got[0].Events) != 4 || got[0].Revision != 2 {
		t.Fatalf("alice's finding did not get its last revision: %v", ids(got))
	}
	if st := eng.Stats(); st.Windows != 2 || st.Evicted != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestState_maxWindow: a window keeps at most MaxWindow events (or what
// the threshold needs); the oldest go, counted.
func TestState_maxWindow(t *testing.T) {
	const doc = `
title: Three snapshots
id: c-values
correlation: {type: value_count, rules: [copy], group-by: [actor.id], timespan: 1h, condition: {field: resources.id, gte: 3}}
`
	det, eng, _ := setup(t, doc, correlate.Options{MaxWindow: 2})
	s := newStream(det, eng)
	// Three distinct snapshots, but the window holds what gte 3 needs (4).
	s.feed(t, burst("a", 3, 0, time.Second, event.SnapshotCopy, "alice")...)
	if len(s.got) != 1 {
		t.Fatalf("the threshold did not raise the cap: %v", ids(s.got))
	}
	s.feed(t, burst("b", 10, time.Minute, time.Second, event.SnapshotCopy, "alice")...)
	if st := eng.Stats(); st.Truncated != 13-4 {
		t.Errorf("truncated %d, want 9", st.Truncated)
	}
}

// TestState_invalidAndLate: observations of unknown rules or shapes are
// counted, not errors; late ones are counted and placed when they can be.
func TestState_invalidAndLate(t *testing.T) {
	det, eng, rs := setup(t, countDoc, correlate.Options{})
	base := byID(t, rs, "base-copy")
	obs := eng.Observe(ev("x", 0, event.SnapshotCopy, "alice", "1"), base, nil)
	if len(obs) != 1 {
		t.Fatalf("%d observations", len(obs))
	}
	o := obs[0]
	bad := []correlate.Observation{o, o, o}
	bad[0].Rule = "no-such-correlation"
	bad[1].Ref = 5
	bad[2].Group = nil
	nop := func(finding.Finding) error { return nil }
	for _, b := range bad {
		if err := eng.Feed(b, nop); err != nil {
			t.Fatal(err)
		}
	}
	if st := eng.Stats(); st.Invalid != 3 || st.Observations != 0 {
		t.Errorf("stats %+v", st)
	}
	s := newStream(det, eng)
	s.feed(t, ev("a1", 20*time.Minute, event.SnapshotCopy, "alice", "1"), ev("a2", 21*time.Minute, event.SnapshotCopy, "alice", "1"))
	s.feed(t, ev("a0", 19*time.Minute, event.SnapshotCopy, "alice", "1")) // late but in the window
	s.feed(t, ev("old", 0, event.SnapshotCopy, "alice", "1"))             // late and out of it
	s.flush(t)
	if st := eng.Stats(); st.Late != 2 || st.Dropped != 1 || len(last(s.got)) != 1 || eventIDs(last(s.got)[0]) != "a0,a1,a2" {
		t.Errorf("stats %+v, findings %v", st, ids(last(s.got)))
	}
}

// TestState_yieldError: an error from yield stops Feed and is returned.
func TestState_yieldError(t *testing.T) {
	_, eng, rs := setup(t, countDoc, correlate.Options{})
	stop := errors.New("stop")
	var obs []correlate.Observation
	for _, e := range burst("a", 3, 0, time.Second, event.SnapshotCopy, "alice") {
		obs = eng.Observe(e, byID(t, rs, "base-copy"), obs)
	}
	var err error
	for _, o := range obs {
		if err = eng.Feed(o, func(finding.Finding) error { return stop }); err != nil {
			break
		}
	}
	if !errors.Is(err, stop) {
		t.Errorf("error %v", err)
	}
}

// TestObservation_JSON: observations survive a round trip through JSON
// (they may spill to disk between Observe and Feed).
func TestObservation_JSON(t *testing.T) {
	_, eng, rs := setup(t, countDoc, correlate.Options{})
	e := ev("x", 0, event.SnapshotCopy, "arn:aws:iam::1:role/r", "1", "snap-1", "snap-2")
	e.Actor.Name = "alice"
	obs := eng.Observe(e, byID(t, rs, "base-copy"), nil)
	if len(obs) != 1 {
		t.Fatalf("%d observations", len(obs))
	}
	b, err := json.Marshal(obs[0])
	if err != nil {
		t.Fatal(err)
	}
	var back correlate.Observation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, obs[0]) || back.ActorName != "alice" || len(back.Resources) != 2 || back.Group[0] != "arn:aws:iam::1:role/r" {
		t.Errorf("round trip:\n%+v\n%+v", back, obs[0])
	}
}

// TestObserve_groups: a many-valued group-by field puts an event in each
// of its groups (at most 16); a missing one puts it in none.
func TestObserve_groups(t *testing.T) {
	const doc = `
title: Per snapshot
id: c-snap
correlation: {type: event_count, rules: [copy], group-by: [resources.id, actor.id], timespan: 10m, condition: {gte: 2}}
`
	_, eng, rs := setup(t, doc, correlate.Options{})
	base := byID(t, rs, "base-copy")
	obs := eng.Observe(ev("x", 0, event.SnapshotCopy, "alice", "1", "snap-1", "snap-2", "snap-1"), base, nil)
	var groups []string
	for _, o := range obs {
		groups = append(groups, fmt.Sprint(o.Group))
	}
	if !slices.Equal(groups, []string{"[snap-1 alice]", "[snap-2 alice]"}) {
		t.Errorf("groups %v", groups)
	}
	var many []string
	for i := range 20 {
		many = append(many, fmt.Sprintf("snap-%d", i))
	}
	if obs := eng.Observe(ev("y", 0, event.SnapshotCopy, "alice", "1", many...), base, nil); len(obs) != 16 {
		t.Errorf("%d observations, want 16", len(obs))
	}
	if obs := eng.Observe(ev("z", 0, event.SnapshotCopy, "", "1", "snap-1"), base, nil); len(obs) != 0 {
		t.Errorf("observed without an actor: %+v", obs)
	}
	if obs := eng.Observe(ev("w", 0, event.SnapshotCopy, "alice", "1"), byID(t, rs, "base-share"), nil); len(obs) != 0 {
		t.Errorf("observed for an unreferenced rule: %+v", obs)
	}
	if st := eng.Stats(); st.NoGroup != 1 || st.Combos != 1 {
		t.Errorf("stats %+v", st)
	}
}

// orderDoc is correlations of three kinds over the copy and share rules:
// sliding, complete, and ordered windows.
const orderDoc = `
title: Three copies
id: c-count
correlation: {type: event_count, rules: [copy, share], group-by: [actor.id], timespan: 10m, condition: {gte: 3}}
---
title: Few
id: c-few
correlation: {type: event_count, rules: [copy, share], group-by: [actor.id], timespan: 10m, condition: {lt: 3}}
---
title: Ordered
id: c-ordered
correlation: {type: temporal_ordered, rules: [copy, share], group-by: [actor.id], timespan: 10m}
`

// TestFeed_anyInputOrder: whatever order events arrive in, observations
// sorted with Compare give the same findings.
func TestFeed_anyInputOrder(t *testing.T) {
	det, eng, _ := setup(t, orderDoc, correlate.Options{})
	var evs []*event.Event
	for i := range 60 {
		a := []event.Action{event.SnapshotCopy, event.SnapshotShare}[i%2]
		evs = append(evs, ev(fmt.Sprintf("e%02d", i), time.Duration(i%17)*time.Minute+time.Duration(i/17)*time.Hour, a, []string{"alice", "bob", "carol"}[i%3], "1"))
	}
	run := func(evs []*event.Event) []finding.Finding {
		var obs []correlate.Observation
		for _, e := range evs {
			for _, h := range det.Match(e, nil) {
				obs = eng.Observe(e, h.Rule, obs)
			}
		}
		slices.SortFunc(obs, func(a, b correlate.Observation) int { return correlate.Compare(&a, &b) })
		f := eng.Fresh()
		var out []finding.Finding
		keep := func(x finding.Finding) error { out = append(out, x); return nil }
		for _, o := range obs {
			if err := f.Feed(o, keep); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Flush(keep); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := run(evs)
	if len(want) < 5 {
		t.Fatalf("only %d findings: a weak test", len(want))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		shuffled := slices.Clone(evs)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := run(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled input gave other findings: %d vs %d", len(got), len(want))
		}
	}
}

// TestFeed_groupKeys: group values are kept apart whatever they hold.
func TestFeed_groupKeys(t *testing.T) {
	const doc = `
title: Two copies
id: c-two
correlation: {type: event_count, rules: [copy], group-by: [actor.id, account], timespan: 10m, condition: {gte: 2}}
`
	det, eng, rs := setup(t, doc, correlate.Options{})
	fs, err := eng.Replay(det, byID(t, rs, "c-two"), []*event.Event{
		ev("1", 0, event.SnapshotCopy, "a\x00b", "c"),
		ev("2", time.Second, event.SnapshotCopy, "a", "b\x00c"),
	})
	if err != nil || len(fs) != 0 {
		t.Errorf("groups merged: %v %v", ids(fs), err)
	}
}

// TestObserve_concurrent: workers observe at once (run under -race).
func TestObserve_concurrent(t *testing.T) {
	_, eng, rs := setup(t, countDoc, correlate.Options{})
	base := byID(t, rs, "base-copy")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var obs []correlate.Observation
			for i := range 200 {
				actor := fmt.Sprintf("actor-%d-%d", g, i)
				obs = eng.Observe(ev("e", 0, event.SnapshotCopy, actor, "1"), base, obs[:0])
				if len(obs) != 1 || obs[0].Group[0] != actor {
					t.Errorf("observed %+v for %s", obs, actor)
					return
				}
			}
		})
	}
	wg.Wait()
}

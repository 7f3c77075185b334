package correlate_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

const m = time.Minute

// TestEventCount_window: three copies by one actor within 10 minutes,
// counted at every event over the sliding window; the boundary is
// inclusive.
func TestEventCount_window(t *testing.T) {
	const doc = `
title: Three copies
id: c-count
level: high
correlation: {type: event_count, rules: [copy], group-by: [actor.id, account], timespan: 10m, condition: {gte: 3}}
`
	cases := []struct {
		name   string
		at     []time.Duration
		events string // of the finding; "" for none
	}{
		{"burst", []time.Duration{0, m, 2 * m}, "a1,a2,a3"},
		{"exactly the timespan apart", []time.Duration{0, 5 * m, 10 * m}, "a1,a2,a3"},
		{"a second too far", []time.Duration{0, 5 * m, 10*m + time.Second}, ""},
		{"pairs only", []time.Duration{0, 6 * m, 12 * m, 18 * m}, ""},
		{"late start", []time.Duration{0, 20 * m, 21 * m, 22 * m}, "a2,a3,a4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			det, eng, _ := setup(t, doc, correlate.Options{})
			s := newStream(det, eng)
			for i, at := range c.at {
				s.feed(t, ev("a"+string(rune('1'+i)), at, event.SnapshotCopy, "alice", "111122223333", "snap-"+string(rune('1'+i))))
			}
			s.flush(t)
			fs := last(s.got)
			if c.events == "" {
				if len(fs) > 0 {
					t.Fatalf("findings %v, want none", eventIDs(fs[0]))
				}
				return
			}
			if len(fs) != 1 || eventIDs(fs[0]) != c.events {
				t.Fatalf("findings %d, events %v; want one with %s", len(fs), ids(fs), c.events)
			}
			f := fs[0]
			if f.Rule.Kind != finding.KindCorrelation || f.Severity != finding.High || f.Account != "111122223333" ||
				len(f.Actors) != 1 || f.Actors[0] != "alice" || len(f.Resources) != 3 || f.Attack[0] != "T1578.001" {
				t.Errorf("finding %+v", f)
			}
			if want := finding.ID("c-count", "alice", "111122223333", strings.Split(c.events, ",")[0]); f.ID != want {
				t.Errorf("id %s, want %s", f.ID, want)
			}
			if !strings.Contains(f.Summary["en"], "3 matching events within 10m (actor.id=alice, account=111122223333)") || f.Summary["ru"] == "" {
				t.Errorf("summary %q", f.Summary)
			}
		})
	}
}

func ids(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, eventIDs(f))
	}
	return out
}

// TestEventCount_revisions: a growing burst keeps its finding id; it is
// yielded when it opens, when its event count doubles and when it ends;
// a later burst is another finding.
func TestEventCount_revisions(t *testing.T) {
	const doc = `
title: Three copies
id: c-count
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 3}}
`
	det, eng, _ := setup(t, doc, correlate.Options{})
	s := newStream(det, eng)
	var counts []int
	for _, e := range burst("a", 13, 0, 30*time.Second, event.SnapshotCopy, "alice") {
		for _, f := range s.feed(t, e) {
			counts = append(counts, len(f.Events))
		}
	}
	// Open at 3, doubled at 6 and 12.
	if got := fmt.Sprint(counts); got != "[3 6 12]" {
		t.Fatalf("revisions at %v events, want 3 6 12", counts)
	}
	// A new burst 30 minutes later ends the first finding and opens another.
	got := s.feed(t, burst("b", 3, 30*m, time.Second, event.SnapshotCopy, "alice")...)
	if len(got) != 2 || got[0].ID != s.got[0].ID || len(got[0].Events) != 13 || got[0].Revision != 4 || got[1].ID == got[0].ID || got[1].Revision != 1 {
		t.Fatalf("after the gap: %+v", got)
	}
	if st := eng.Stats(); st.Findings != 5 || st.Observations != 16 || st.Windows != 1 {
		t.Errorf("stats %+v", st)
	}
	if fl := s.flush(t); len(fl) != 0 {
		t.Errorf("flush yielded %d findings; the second burst did not grow", len(fl))
	}
	if st := eng.Stats(); st.Windows != 0 {
		t.Errorf("windows after flush: %d", st.Windows)
	}
}

// TestValueCount: distinct snapshots per actor, not events.
func TestValueCount(t *testing.T) {
	const doc = `
title: Three snapshots
id: c-values
correlation: {type: value_count, rules: [copy, share], group-by: [actor.id], timespan: 1h, condition: {field: resources.id, gte: 3}}
`
	det, eng, _ := setup(t, doc, correlate.Options{})
	s := newStream(det, eng)
	// Five events on two snapshots: no finding; a third snapshot: one.
	s.feed(t,
		ev("e1", 0, event.SnapshotCopy, "alice", "1", "snap-1"),
		ev("e2", m, event.SnapshotShare, "alice", "1", "snap-1"),
		ev("e3", 2*m, event.SnapshotCopy, "alice", "1", "snap-2"),
		ev("e4", 3*m, event.SnapshotCopy, "bob", "1", "snap-3"),
		ev("e5", 4*m, event.SnapshotShare, "alice", "1", "snap-2"),
	)
	if len(s.got) != 0 {
		t.Fatalf("finding on two values: %s", s.got[0].Summary["en"])
	}
	got := s.feed(t, ev("e6", 5*m, event.SnapshotCopy, "alice", "1", "snap-3"))
	if len(got) != 1 || eventIDs(got[0]) != "e1,e2,e3,e5,e6" || !strings.HasPrefix(got[0].Summary["en"], "3 distinct values of resources.id") {
		t.Fatalf("got %v %q", ids(got), summaries(got))
	}
	// Events without the field are not observed.
	s.feed(t, ev("e7", 6*m, event.SnapshotCopy, "alice", "1"))
	if st := eng.Stats(); st.NoValue != 1 {
		t.Errorf("no-value count %d", st.NoValue)
	}
}

func summaries(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Summary["en"])
	}
	return out
}

// TestTemporal: every rule within the window, in any order, by one group;
// with a condition, some of them.
func TestTemporal(t *testing.T) {
	const doc = `
title: Copy, share and restore
id: c-temporal
correlation: {type: temporal, rules: [copy, share, restore], group-by: [actor.id], timespan: 30m}
---
title: Two of three
id: c-two
correlation: {type: temporal, rules: [copy, share, restore], group-by: [actor.id], timespan: 30m, condition: {gte: 2}}
`
	cases := []struct {
		name     string
		evs      []*event.Event
		all, two bool
	}{
		{"in order", []*event.Event{
			ev("1", 0, event.SnapshotCopy, "a", "1"), ev("2", m, event.SnapshotShare, "a", "1"), ev("3", 2*m, event.VolumeRestore, "a", "1")}, true, true},
		{"any order", []*event.Event{
			ev("1", 0, event.VolumeRestore, "a", "1"), ev("2", m, event.SnapshotShare, "a", "1"), ev("3", 2*m, event.SnapshotCopy, "a", "1")}, true, true},
		{"one missing", []*event.Event{
			ev("1", 0, event.SnapshotCopy, "a", "1"), ev("2", m, event.SnapshotCopy, "a", "1"), ev("3", 2*m, event.SnapshotShare, "a", "1")}, false, true},
		{"two actors", []*event.Event{
			ev("1", 0, event.SnapshotCopy, "a", "1"), ev("2", m, event.SnapshotShare, "b", "1"), ev("3", 2*m, event.VolumeRestore, "c", "1")}, false, false},
		{"too far apart", []*event.Event{
			ev("1", 0, event.SnapshotCopy, "a", "1"), ev("2", 20*m, event.SnapshotShare, "a", "1"), ev("3", 40*m, event.VolumeRestore, "a", "1")}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			det, eng, rs := setup(t, doc, correlate.Options{})
			for id, want := range map[string]bool{"c-temporal": c.all, "c-two": c.two} {
				fs, err := eng.Replay(det, byID(t, rs, id), c.evs)
				if err != nil {
					t.Fatal(err)
				}
				if (len(fs) > 0) != want {
					t.Errorf("%s: %d findings %v, want %v", id, len(fs), summaries(fs), want)
				}
			}
		})
	}
}

// TestTemporalOrdered: the rules in their order; events of one second may
// come in either order, but one event is one step.
func TestTemporalOrdered(t *testing.T) {
	const doc = `
title: Copy then share then restore
id: c-ordered
correlation: {type: temporal_ordered, rules: [copy, share, restore], group-by: [actor.id], timespan: 1h}
`
	at := func(id string, d time.Duration, a event.Action) *event.Event { return ev(id, d, a, "a", "1") }
	cases := []struct {
		name string
		evs  []*event.Event
		want string // events of the finding, or ""
	}{
		{"in order", []*event.Event{at("1", 0, event.SnapshotCopy), at("2", m, event.SnapshotShare), at("3", 2*m, event.VolumeRestore)}, "1,2,3"},
		{"restore first", []*event.Event{at("1", 0, event.VolumeRestore), at("2", m, event.SnapshotCopy), at("3", 2*m, event.SnapshotShare)}, ""},
		{"share before copy", []*event.Event{at("1", 0, event.SnapshotShare), at("2", m, event.SnapshotCopy), at("3", 2*m, event.VolumeRestore)}, ""},
		{"order restored later", []*event.Event{
			at("1", 0, event.SnapshotShare), at("2", m, event.SnapshotCopy), at("3", 2*m, event.VolumeRestore),
			at("4", 3*m, event.SnapshotShare), at("5", 4*m, event.VolumeRestore)}, "2,4,5"},
		{"same second, ids against the order", []*event.Event{at("z", 0, event.SnapshotCopy), at("a", 0, event.SnapshotShare), at("m", m, event.VolumeRestore)}, "z,a,m"},
		{"window passed", []*event.Event{at("1", 0, event.SnapshotCopy), at("2", 30*m, event.SnapshotShare), at("3", 61*m, event.VolumeRestore)}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			det, eng, rs := setup(t, doc, correlate.Options{})
			fs, err := eng.Replay(det, byID(t, rs, "c-ordered"), c.evs)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.want == "" && len(fs) > 0:
				t.Errorf("findings %v, want none", ids(fs))
			case c.want != "" && (len(fs) != 1 || eventIDs(fs[0]) != c.want):
				t.Errorf("findings %v, want one with %s", ids(fs), c.want)
			}
		})
	}
}

// sizes are CloudTrail CreateSnapshot events of one principal with the
// given volume sizes, a minute apart, from minute start.
func sizes(p string, start time.Duration, vs ...any) []*event.Event {
	var out []*event.Event
	for i, v := range vs {
		out = append(out, trail(p+itoa(i), start+time.Duration(i)*m, map[string]any{
			"eventName":         "CreateSnapshot",
			"userIdentity":      map[string]any{"arn": "arn:aws:iam::111122223333:user/alice"},
			"requestParameters": map[string]any{"size": v, "volumeId": "vol-" + itoa(i%3)},
		}))
	}
	return out
}

func itoa(i int) string { return fmt.Sprint(i) }

// TestValueAggregates: value_sum (sliding), value_avg and
// value_percentile (complete windows) over a raw numeric field.
func TestValueAggregates(t *testing.T) {
	const doc = `
title: Sum
id: c-sum
correlation: {type: value_sum, rules: [made], group-by: [userIdentity.arn], timespan: 10m, condition: {field: requestParameters.size, gt: 1000}}
---
title: Average
id: c-avg
correlation: {type: value_avg, rules: [made], group-by: [userIdentity.arn], timespan: 10m, condition: {field: requestParameters.size, gte: 300}}
---
title: Median
id: c-p50
correlation: {type: value_percentile, rules: [made], group-by: [userIdentity.arn], timespan: 10m, condition: {field: requestParameters.size, percentile: 50, gte: 250}}
---
title: Small sum
id: c-small
correlation: {type: value_sum, rules: [made], group-by: [userIdentity.arn], timespan: 10m, condition: {field: requestParameters.size, lt: 100}}
`
	cases := []struct {
		name  string
		evs   []*event.Event
		want  map[string]string // rule → value in the summary; absent: no finding
		notes string
	}{
		{"large", sizes("a", 0, 500, 600, 100, "n/a", 200), map[string]string{"c-sum": "sum of requestParameters.size is 1400", "c-avg": "average of requestParameters.size is 350", "c-p50": "percentile 50 of requestParameters.size is 350"}, ""},
		{"strings hold numbers", sizes("b", 0, "400", " 400 ", 401), map[string]string{"c-sum": "is 1201", "c-avg": "is 400.33", "c-p50": "is 400"}, ""},
		{"spread out", sizes("c", 0, 600, 600), map[string]string{"c-sum": "is 1200", "c-avg": "is 600", "c-p50": "is 600"}, ""},
		{"small", sizes("d", 0, 10, 20, 30), map[string]string{"c-small": "is 60"}, ""},
	}
	// Spread the third case: 11 minutes apart, two windows.
	cases[2].evs[1].Time = cases[2].evs[0].Time.Add(11 * m)
	cases[2].want = map[string]string{"c-avg": "is 600", "c-p50": "is 600"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			det, eng, rs := setup(t, doc, correlate.Options{})
			for _, id := range []string{"c-sum", "c-avg", "c-p50", "c-small"} {
				fs, err := eng.Replay(det, byID(t, rs, id), c.evs)
				if err != nil {
					t.Fatal(err)
				}
				want, ok := c.want[id]
				switch {
				case !ok && len(fs) > 0:
					t.Errorf("%s: %v, want none", id, summaries(fs))
				case ok && (len(fs) == 0 || !strings.Contains(fs[0].Summary["en"], want)):
					t.Errorf("%s: %v, want a summary with %q", id, summaries(fs), want)
				}
			}
		})
	}
}

// TestCompleteWindow: a condition that can fall (lt) is tested once its
// window is complete: when a later event passes its end, or at Flush; a
// window starts at its group's first event.
func TestCompleteWindow(t *testing.T) {
	const doc = `
title: Few copies
id: c-few
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {lt: 3}}
`
	det, eng, _ := setup(t, doc, correlate.Options{})
	s := newStream(det, eng)
	if got := s.feed(t, ev("a1", 0, event.SnapshotCopy, "alice", "1"), ev("a2", m, event.SnapshotCopy, "alice", "1")); len(got) != 0 {
		t.Fatalf("tested before the window ended: %v", ids(got))
	}
	// Bob's event at exactly 10m is inside alice's window end: nothing yet.
	if got := s.feed(t, ev("b1", 10*m, event.SnapshotCopy, "bob", "1")); len(got) != 0 {
		t.Fatalf("window closed at its end: %v", ids(got))
	}
	// Past the end: alice's window (2 events) is tested.
	got := s.feed(t, ev("b2", 10*m+time.Second, event.SnapshotCopy, "bob", "1"))
	if len(got) != 1 || eventIDs(got[0]) != "a1,a2" || got[0].Revision != 1 {
		t.Fatalf("got %v", ids(got))
	}
	// Alice again, in a new window with three events: no finding.
	s.feed(t, burst("c", 3, 11*m, time.Second, event.SnapshotCopy, "alice")...)
	got = s.flush(t)
	if len(got) != 1 || eventIDs(got[0]) != "b1,b2" {
		t.Fatalf("flush gave %v, want bob's window only", ids(got))
	}
}

// TestValuePercentile_rarity: without a percentile, value_percentile
// reports the values that make up at most the given share of a group's
// events (the specification's example).
func TestValuePercentile_rarity(t *testing.T) {
	const doc = `
title: Rare operation
id: c-rare
correlation: {type: value_percentile, rules: [copy, share], group-by: [actor.id], timespan: 1h, condition: {field: operation, lte: 10}}
`
	det, eng, rs := setup(t, doc, correlate.Options{})
	evs := burst("a", 9, 0, m, event.SnapshotCopy, "alice")
	evs = append(evs, ev("rare", 30*m, event.SnapshotShare, "alice", "1"))
	fs, err := eng.Replay(det, byID(t, rs, "c-rare"), evs)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || eventIDs(fs[0]) != "rare" || fs[0].Summary["en"] != "operation snapshot.share: 10% of events within 1h (actor.id=alice)" {
		t.Fatalf("got %v %q", ids(fs), summaries(fs))
	}
	// Eight copies and two shares: 20% each share, nothing rare.
	evs = append(evs[:8], ev("s1", 20*m, event.SnapshotShare, "alice", "1"), ev("s2", 21*m, event.SnapshotShare, "alice", "1"))
	if fs, _ := eng.Replay(det, byID(t, rs, "c-rare"), evs); len(fs) != 0 {
		t.Fatalf("got %q", summaries(fs))
	}
}

// TestAliases: one value under a different field in each rule's events
// groups them (the snapshot a CreateSnapshot made, the one a CreateVolume
// read); a snapshot restored that was not made in the window is apart.
func TestAliases(t *testing.T) {
	const doc = `
title: Snapshot restored soon after
id: c-alias
correlation:
    type: temporal_ordered
    rules: [made, restored]
    aliases:
        snapshot:
            made: responseElements.snapshotId
            trail-restored: requestParameters.snapshotId
    group-by: [snapshot]
    timespan: 1h
summary:
    en: "{snapshot} made by {actor} and restored within {timespan}"
    ru: "{snapshot}: создан и восстановлен за {timespan}"
`
	det, eng, rs := setup(t, doc, correlate.Options{})
	made := func(id string, at time.Duration, snap string) *event.Event {
		e := trail(id, at, map[string]any{"eventName": "CreateSnapshot", "responseElements": map[string]any{"snapshotId": snap}})
		e.Actor.ID = "alice"
		return e
	}
	restored := func(id string, at time.Duration, snap string) *event.Event {
		return trail(id, at, map[string]any{"eventName": "CreateVolume", "requestParameters": map[string]any{"snapshotId": snap}})
	}
	fs, err := eng.Replay(det, byID(t, rs, "c-alias"), []*event.Event{
		made("m1", 0, "snap-1"), made("m2", m, "snap-2"),
		restored("r3", 2*m, "snap-3"), restored("r1", 3*m, "snap-1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || eventIDs(fs[0]) != "m1,r1" || fs[0].Summary["en"] != "snap-1 made by alice and restored within 1h" {
		t.Fatalf("got %v %q", ids(fs), summaries(fs))
	}
}

// TestChained: a correlation of a correlation (the specification's
// example): many copies, then a share, by one actor. The inner correlation
// reports only through the outer one (generate false).
func TestChained(t *testing.T) {
	const doc = `
title: Many copies
id: c-many
name: many_copies
correlation: {type: event_count, rules: [copy], group-by: [actor.id], timespan: 10m, condition: {gte: 3}}
---
title: Many copies then a share
id: c-then-share
correlation: {type: temporal_ordered, rules: [many_copies, share], group-by: [actor.id], timespan: 1h}
level: critical
`
	det, eng, rs := setup(t, doc, correlate.Options{})
	s := newStream(det, eng)
	s.feed(t, ev("s0", 0, event.SnapshotShare, "alice", "1"))
	s.feed(t, burst("a", 3, m, m, event.SnapshotCopy, "alice")...)
	s.feed(t, burst("b", 2, m, m, event.SnapshotCopy, "bob")...)
	if len(s.got) != 0 {
		t.Fatalf("findings before the share: %v", ids(s.got))
	}
	got := s.feed(t, ev("s1", 20*m, event.SnapshotShare, "alice", "1"), ev("s2", 21*m, event.SnapshotShare, "bob", "1"))
	if len(got) != 1 || got[0].Rule.ID != "c-then-share" || eventIDs(got[0]) != "a3,s1" || got[0].Severity != finding.Critical {
		t.Fatalf("got %+v", got)
	}
	if ref, gen := eng.Base(byID(t, rs, "c-many")); !ref || gen {
		t.Errorf("inner correlation: referenced %v, generate %v", ref, gen)
	}
	if st := eng.Stats(); st.Derived != 1 {
		t.Errorf("derived %d", st.Derived)
	}
	// Replayed alone, the inner correlation's findings are there.
	fs, _ := eng.Replay(det, byID(t, rs, "c-many"), burst("a", 3, 0, m, event.SnapshotCopy, "alice"))
	if len(fs) != 1 {
		t.Errorf("inner replay: %v", ids(fs))
	}
}

// TestBase_generate: referenced rules report alone only when a
// correlation referencing them says generate: true.
func TestBase_generate(t *testing.T) {
	const doc = `
title: Copies
id: c-quiet
correlation: {type: event_count, rules: [copy, share], timespan: 10m, condition: {gte: 3}}
---
title: Copies, loud
id: c-loud
correlation: {type: temporal, rules: [share, base-restore], timespan: 10m}
generate: true
`
	_, eng, rs := setup(t, doc, correlate.Options{})
	cases := map[string][2]bool{
		"base-copy":    {true, false},
		"base-share":   {true, true}, // one of its correlations generates
		"base-restore": {true, true},
		"trail-made":   {false, true},
		"c-quiet":      {false, true},
	}
	for id, want := range cases {
		ref, gen := eng.Base(byID(t, rs, id))
		if ref != want[0] || gen != want[1] {
			t.Errorf("%s: referenced %v, generate %v; want %v", id, ref, gen, want)
		}
	}
	if n := len(eng.Rules()); n != 2 {
		t.Errorf("%d correlation rules", n)
	}
}

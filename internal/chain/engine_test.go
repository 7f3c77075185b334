package chain_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/rules"
)

func builtinChains(t testing.TB) []*rule.Rule {
	t.Helper()
	rs, errs := rule.LoadFS(rules.FS, ".")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var out []*rule.Rule
	for _, r := range rs {
		if r.Kind == rule.KindChain {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatal("no built-in chain rule")
	}
	return out
}

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func snapshot(i int, at time.Time, actor string) *event.Event {
	return &event.Event{ID: fmt.Sprintf("c%d", i), Time: at, Cloud: event.AWS, Account: "111122223333",
		Operation: "CreateSnapshot", Action: event.SnapshotCreate, Outcome: event.Success, Actor: event.Actor{ID: actor},
		Resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Volume, ID: fmt.Sprintf("vol-%d", i)},
			{Role: event.RoleCreated, Type: event.Snapshot, ID: fmt.Sprintf("snap-%d", i)}}}
}

func restore(i int, at time.Time, actor string) *event.Event {
	return &event.Event{ID: fmt.Sprintf("r%d", i), Time: at, Cloud: event.AWS, Account: "111122223333",
		Operation: "CreateVolume", Action: event.VolumeRestore, Outcome: event.Success, Actor: event.Actor{ID: actor},
		Resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Snapshot, ID: fmt.Sprintf("snap-%d", i)},
			{Role: event.RoleCreated, Type: event.Volume, ID: fmt.Sprintf("vol-r%d", i)}}}
}

func feed(t testing.TB, e *chain.Engine, evs ...*event.Event) []finding.Finding {
	t.Helper()
	var out []finding.Finding
	for _, ev := range evs {
		if err := e.Feed(ev, func(f finding.Finding) error { out = append(out, f); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestCaps: what does not fit is counted, never silently lost, and the
// engine goes on.
func TestCaps(t *testing.T) {
	e, errs := chain.New(builtinChains(t), chain.Options{MaxResources: 10, MaxChains: 3})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i := range 10 {
		feed(t, e, snapshot(i, t0.Add(time.Duration(i)*time.Second), "alice"))
	}
	st := e.Stats()
	if st.Resources > 10 || st.DroppedResource == 0 || st.Open > 3 || st.DroppedChain == 0 {
		t.Errorf("caps not kept or drops not counted: %+v", st)
	}
}

// TestWindowEviction: a chain past its window is closed; a restore after
// it starts nothing, and the state shrinks.
func TestWindowEviction(t *testing.T) {
	e, _ := chain.New(builtinChains(t), chain.Options{Window: time.Hour})
	feed(t, e, snapshot(1, t0, "alice"))
	if fs := feed(t, e, restore(1, t0.Add(2*time.Hour), "bob")); len(fs) != 0 {
		t.Errorf("restore after the window: %+v", fs)
	}
	if st := e.Stats(); st.Open != 0 || st.Evicted == 0 {
		t.Errorf("chain past its window not evicted: %+v", st)
	}
	e2, _ := chain.New(builtinChains(t), chain.Options{Window: time.Hour})
	feed(t, e2, snapshot(1, t0, "alice"))
	if fs := feed(t, e2, restore(1, t0.Add(30*time.Minute), "bob")); len(fs) != 1 || fs[0].Severity != finding.Medium {
		t.Errorf("restore inside the window: %+v", fs)
	}
}

// TestSnapshotRestore: a checkpoint taken mid-chain and loaded into a new
// engine gives the same finding as one engine that saw everything.
func TestSnapshotRestore(t *testing.T) {
	whole, _ := chain.New(builtinChains(t), chain.Options{})
	want := feed(t, whole, snapshot(1, t0, "alice"), restore(1, t0.Add(time.Minute), "bob"))

	first, _ := chain.New(builtinChains(t), chain.Options{})
	feed(t, first, snapshot(1, t0, "alice"))
	snap, err := first.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	second, _ := chain.New(builtinChains(t), chain.Options{})
	if err := second.Restore(snap); err != nil {
		t.Fatal(err)
	}
	got := feed(t, second, restore(1, t0.Add(time.Minute), "bob"))
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) || len(got) != 1 {
		t.Errorf("after a restore:\n got %s\nwant %s", b, a)
	}
	again, err := second.Snapshot()
	if err != nil || len(again.Resources) < len(snap.Resources) || len(again.Chains) != 1 {
		t.Errorf("second checkpoint: %d resources (first %d), %d chains, %v", len(again.Resources), len(snap.Resources), len(again.Chains), err)
	}
}

// TestRank: events of one second sort the way they can only happen.
func TestRank(t *testing.T) {
	order := []event.Action{event.PrincipalCreate, event.SnapshotCreate, event.SnapshotShare, event.VolumeRestore,
		event.InstanceCreate, event.VolumeAttach, event.IngressOpen}
	for i := 1; i < len(order); i++ {
		if chain.Rank(order[i-1]) >= chain.Rank(order[i]) {
			t.Errorf("Rank(%s) ≥ Rank(%s)", order[i-1], order[i])
		}
	}
}

// BenchmarkFeed measures the chain engine on a stream of copies, a tenth
// of them restored by another actor.
func BenchmarkFeed(b *testing.B) {
	e, _ := chain.New(builtinChains(b), chain.Options{})
	i := 0
	for b.Loop() {
		at := t0.Add(time.Duration(i) * time.Second)
		feed(b, e, snapshot(i, at, "alice"))
		if i%10 == 0 {
			feed(b, e, restore(i, at.Add(time.Second), "bob"))
		}
		i++
	}
}

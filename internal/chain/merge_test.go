package chain_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// faultFeed feeds evs to e as serve's Stream does with a lookup: what each
// event refers to and e lacks is loaded from s and merged first. It
// returns the findings and how many lookups were made.
func faultFeed(t testing.TB, e *chain.Engine, s *store.Store, evs ...*event.Event) ([]finding.Finding, int) {
	t.Helper()
	var out []finding.Finding
	lookups := 0
	for _, ev := range evs {
		if ids := e.Unknown(ev); len(ids) > 0 {
			lookups++
			snap, err := s.LoadStateOf(t.Context(), ids)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Merge(snap); err != nil {
				t.Fatal(err)
			}
		}
		e.Seen(ev.Cloud, ev.Actor.ID, ev.Time)
		out = append(out, feed(t, e, ev)...)
	}
	return out, lookups
}

func byAccount(evs []*event.Event, acct string) []*event.Event {
	var out []*event.Event
	for _, ev := range evs {
		if ev.Account == acct {
			out = append(out, ev)
		}
	}
	return out
}

// lastOf returns the last state of each finding, by id.
func lastOf(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		if old, ok := out[f.ID]; !ok || f.Revision >= old.Revision {
			out[f.ID] = f
		}
	}
	return out
}

// crossVariants are chains that cross from A's partition to B's: A's
// snapshot shared with B and restored there (crossAccount); the same made
// public instead (no link names B); and B copying the shared snapshot into
// its own, then restoring the copy.
func crossVariants() map[string][]*event.Event {
	head, tail := crossAccount()
	shared := append(slices.Clone(head), tail...)

	public := cloneEvents(shared)
	for _, ev := range public {
		if ev.ID == "a2" {
			ev.Shares = []event.Share{{Target: event.Public, Kind: "public"}}
		}
	}

	copied := cloneEvents(shared)
	for _, ev := range copied {
		if ev.ID == "b1" {
			ev.Resources[0] = event.Resource{Role: event.RoleSource, Type: event.Snapshot, ID: "snap-b"}
		}
	}
	cp := &event.Event{ID: "b0", Time: t0.Add(9 * time.Minute), Cloud: event.AWS, Account: acctB, Operation: "CopySnapshot",
		Action: event.SnapshotCopy, Outcome: event.Success, Actor: event.Actor{ID: "mallory"},
		Resources: []event.Resource{{Role: event.RoleSource, Type: event.Snapshot, ID: "snap-1", Account: acctA},
			{Role: event.RoleCreated, Type: event.Snapshot, ID: "snap-b"}}}
	copied = append(copied, cp)
	slices.SortStableFunc(copied, func(a, b *event.Event) int { return a.Time.Compare(b.Time) })
	return map[string][]*event.Event{"shared": shared, "public": public, "copied": copied}
}

func cloneEvents(evs []*event.Event) []*event.Event {
	out := make([]*event.Event, len(evs))
	for i, ev := range evs {
		out[i] = ev.Clone()
	}
	return out
}

// TestMerge_CrossPartition: A's engine is fed A's events and checkpoints;
// B's engine, fed only B's events and faulting in what they refer to from
// the store, yields the chain finding one engine fed everything yields —
// same id, severity, revision, events and resources.
func TestMerge_CrossPartition(t *testing.T) {
	rs := builtinChains(t)
	variants := crossVariants()
	for _, name := range slices.Sorted(maps.Keys(variants)) {
		all := variants[name]
		whole, _ := chain.New(rs, chain.Options{})
		for _, ev := range all {
			whole.Seen(ev.Cloud, ev.Actor.ID, ev.Time)
		}
		want := lastOf(feed(t, whole, all...))
		for id, f := range want {
			if f.Account != acctA {
				delete(want, id) // C's own chain
			}
		}
		if len(want) != 1 {
			t.Fatalf("%s: one engine gives %d chains of A's, want 1", name, len(want))
		}
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, b storetest.Backend) {
				s := openStore(t, b)
				a, _ := chain.New(rs, chain.Options{})
				faultFeed(t, a, s, byAccount(all, acctA)...)
				checkpoint(t, a, s, nil)

				part, _ := chain.New(rs, chain.Options{})
				got, lookups := faultFeed(t, part, s, byAccount(all, acctB)...)
				if lookups == 0 {
					t.Fatalf("%s: no lookup", name)
				}
				last := lastOf(got)
				for id, w := range want {
					g, ok := last[id]
					if !ok {
						t.Fatalf("%s: B's engine lacks chain %s (has %v)", name, id, last)
					}
					gj, _ := json.Marshal(g)
					wj, _ := json.Marshal(w)
					if string(gj) != string(wj) {
						t.Errorf("%s: B's engine:\n got %s\nwant %s", name, gj, wj)
					}
				}
				if st := part.Stats(); st.Merged == 0 {
					t.Errorf("%s: nothing merged: %+v", name, st)
				}
				// Without faulting in, B's partition misses the chain: the
				// test would prove nothing otherwise.
				blind, _ := chain.New(rs, chain.Options{})
				if n := len(lastOf(feed(t, blind, byAccount(all, acctB)...))); n == len(want) {
					t.Errorf("%s: B's events alone give the chain", name)
				}
			})
		})
	}
}

// TestEngine_Unknown: what an event refers to and the engine lacks, once
// each; nothing for what it creates, principals, failed events, actions no
// step takes; a known copy's missing ancestor.
func TestEngine_Unknown(t *testing.T) {
	e, _ := chain.New(builtinChains(t), chain.Options{})
	feed(t, e, snapshot(1, t0, "alice"))
	// snap-9 is held, its parent snap-8 (another partition's copy) is not.
	if err := e.Merge(&store.Snapshot{Resources: []store.Resource{
		{Cloud: "aws", ID: "snap-9", Type: "snapshot", Account: acctB, Parent: "snap-8"}}}); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Minute)
	ev := func(a event.Action, outcome event.Outcome, rs ...event.Resource) *event.Event {
		return &event.Event{ID: "x", Time: at, Cloud: event.AWS, Account: acctA, Action: a, Outcome: outcome,
			Actor: event.Actor{ID: "bob"}, Resources: rs}
	}
	src := func(typ event.ResourceType, id string) event.Resource {
		return event.Resource{Role: event.RoleSource, Type: typ, ID: id}
	}
	tgt := func(typ event.ResourceType, id string) event.Resource {
		return event.Resource{Role: event.RoleTarget, Type: typ, ID: id}
	}
	made := func(typ event.ResourceType, id string) event.Resource {
		return event.Resource{Role: event.RoleCreated, Type: typ, ID: id}
	}
	tests := []struct {
		name string
		ev   *event.Event
		want []string
	}{
		{"known source", ev(event.VolumeRestore, event.Success, src(event.Snapshot, "snap-1"), made(event.Volume, "vol-new")), nil},
		{"unknown source", ev(event.VolumeRestore, event.Success, src(event.Snapshot, "snap-x"), made(event.Volume, "vol-new")), []string{"snap-x"}},
		{"unknown source and target, once each", ev(event.VolumeAttach, event.Success, src(event.Volume, "vol-x"), tgt(event.Instance, "i-x"), tgt(event.Instance, "i-x")), []string{"vol-x", "i-x"}},
		{"principal and account", ev(event.SnapshotShare, event.Success, tgt(event.Principal, "p"), tgt(event.AccountType, "acct"), tgt(event.Snapshot, "snap-1")), nil},
		{"failed", ev(event.VolumeRestore, event.Failure, src(event.Snapshot, "snap-x")), nil},
		{"no step takes it", ev(event.SnapshotDelete, event.Success, tgt(event.Snapshot, "snap-x")), nil},
		{"a known copy's missing parent", ev(event.VolumeRestore, event.Success, src(event.Snapshot, "snap-9"), made(event.Volume, "vol-new")), []string{"snap-8"}},
		{"a copy whose parent is a volume held", ev(event.SnapshotCopy, event.Success, src(event.Snapshot, "snap-1"), made(event.Snapshot, "snap-c")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.Unknown(tt.ev); !slices.Equal(got, tt.want) {
				t.Errorf("Unknown = %q, want %q", got, tt.want)
			}
		})
	}
	known := tests[0].ev
	if n := testing.AllocsPerRun(100, func() { e.Unknown(known) }); n != 0 {
		t.Errorf("Unknown of a known event allocates %v times", n)
	}
}

// TestMerge_Rows: Merge adds what the engine lacks and keeps what it has;
// rows added are not written by the next Checkpoint, rows of the engine's
// that Merge changes are, and an event touching an added row writes it.
func TestMerge_Rows(t *testing.T) {
	rs := builtinChains(t)
	src, _ := chain.New(rs, chain.Options{})
	feed(t, src, snapshot(1, t0, "alice"), snapshot(2, t0.Add(time.Second), "alice"))
	stored, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	stored.Principals = append(stored.Principals, store.Principal{Cloud: "aws", ID: "bob", FirstSeen: t0.Add(-time.Hour)})
	// A row the live engine has already, told differently by the store.
	for i := range stored.Resources {
		if stored.Resources[i].ID == "snap-2" {
			stored.Resources[i].Creator = "someone-else"
		}
	}
	stored.Resources = append(stored.Resources, store.Resource{Cloud: "aws", ID: "i-7", Type: "instance", Account: acctA, Links: []string{"vol-7"}})

	e, _ := chain.New(rs, chain.Options{})
	e.Seen(event.AWS, "bob", t0)
	feed(t, e, snapshot(2, t0.Add(time.Second), "alice"), snapshot(7, t0.Add(2*time.Second), "carol"))
	if _, err := e.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if err := e.Merge(stored); err != nil {
		t.Fatal(err)
	}
	snap, _ := e.Snapshot()
	byID := map[string]store.Resource{}
	for _, r := range snap.Resources {
		byID[r.ID] = r
	}
	if r := byID["snap-1"]; r.Parent != "vol-1" || r.Creator != "alice" {
		t.Errorf("snap-1 merged as %+v", r)
	}
	if r := byID["snap-2"]; r.Creator != "alice" {
		t.Errorf("snap-2 held already, overwritten: %+v", r)
	}
	if r := byID["vol-7"]; !slices.Contains(r.Links, "i-7") {
		t.Errorf("vol-7 (the engine's) not linked to the merged i-7: %+v", r)
	}
	var chains []string
	for _, c := range snap.Chains {
		chains = append(chains, c.ID)
	}
	if want := []string{finding.ID(rs0(t), "c1"), finding.ID(rs0(t), "c2"), finding.ID(rs0(t), "c7")}; !slices.Equal(sorted(chains), sorted(want)) {
		t.Errorf("chains %v, want %v", chains, want)
	}
	d, err := e.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	var dres, dprin []string
	for _, r := range d.Resources {
		dres = append(dres, r.ID)
	}
	for _, p := range d.Principals {
		dprin = append(dprin, p.ID)
	}
	// alice and bob were seen earlier elsewhere; carol was not stored.
	if len(d.Chains) != 0 || !slices.Equal(dres, []string{"vol-7"}) || !slices.Equal(dprin, []string{"alice", "bob"}) {
		t.Errorf("delta after Merge: resources %v, principals %v, %d chains; want vol-7 (linked), alice and bob (seen earlier), none", dres, dprin, len(d.Chains))
	}
	// A merged chain advanced by an event is written.
	got := feed(t, e, restore(1, t0.Add(time.Minute), "bob"))
	if len(got) != 1 || got[0].ID != finding.ID(rs0(t), "c1") {
		t.Fatalf("restore of the merged copy: %+v", got)
	}
	d, _ = e.Checkpoint()
	if len(d.Chains) != 1 || d.Chains[0].ID != got[0].ID {
		t.Errorf("delta after the restore: %+v", d.Chains)
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// TestMerge_Skips: chains of unknown rules, closed or past their window
// are not added, one already held is kept, and a damaged one is an error.
func TestMerge_Skips(t *testing.T) {
	rs := builtinChains(t)
	src, _ := chain.New(rs, chain.Options{Window: time.Hour})
	feed(t, src, snapshot(1, t0, "alice"), restore(1, t0.Add(time.Minute), "bob"))
	stored, _ := src.Snapshot()
	if len(stored.Chains) != 1 {
		t.Fatalf("%d chains stored", len(stored.Chains))
	}
	c := stored.Chains[0]
	other, closed := c, c
	other.ID, other.Rule = "other", "no-such-rule"
	closed.ID, closed.Open = "closed", false
	stored.Chains = append(stored.Chains, other, closed)

	late, _ := chain.New(rs, chain.Options{Window: time.Hour})
	feed(t, late, snapshot(5, t0.Add(2*time.Hour), "alice"))
	if err := late.Merge(stored); err != nil {
		t.Fatal(err)
	}
	if st := late.Stats(); st.Open != 1 {
		t.Errorf("past its window: %d chains open, want only the engine's own", st.Open)
	}

	fresh, _ := chain.New(rs, chain.Options{Window: time.Hour})
	if err := fresh.Merge(stored); err != nil {
		t.Fatal(err)
	}
	if st := fresh.Stats(); st.Open != 1 {
		t.Errorf("%d chains open, want 1 (the rule's, open)", st.Open)
	}
	damaged := *stored
	damaged.Chains = []store.Chain{c}
	damaged.Chains[0].ID, damaged.Chains[0].State = "damaged", []byte("{")
	if err := fresh.Merge(&damaged); err == nil {
		t.Error("a damaged chain merged without an error")
	}
	// Held already: kept, revision and all.
	before, _ := fresh.Snapshot()
	mod := *stored
	mod.Chains = []store.Chain{c}
	mod.Chains[0].State = []byte(`{"start":1,"hits":[[{"id":"z"}],[],[],[],[]],"products":[[],[],[],[],[]],"revision":99}`)
	if err := fresh.Merge(&mod); err != nil {
		t.Fatal(err)
	}
	after, _ := fresh.Snapshot()
	if string(before.Chains[0].State) != string(after.Chains[0].State) {
		t.Errorf("a held chain was overwritten:\n%s\n%s", before.Chains[0].State, after.Chains[0].State)
	}
}

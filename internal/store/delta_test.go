package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

var at0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

func res(id, account, parent string, links ...string) store.Resource {
	return store.Resource{Cloud: "aws", ID: id, Type: "volume", Account: account, Parent: parent, Links: links, Seen: at0}
}

func rowIDs(snap *store.Snapshot) (rs, cs []string) {
	for _, r := range snap.Resources {
		rs = append(rs, r.ID)
	}
	for _, c := range snap.Chains {
		cs = append(cs, c.ID)
	}
	return rs, cs
}

func apply(t *testing.T, s *store.Store, d *store.StateDelta, marks map[string]string) {
	t.Helper()
	if err := s.ApplyState(t.Context(), d, marks); err != nil {
		t.Fatalf("ApplyState: %v", err)
	}
}

// TestStore_ApplyState: upserts replace rows whole, deletions remove them,
// rows a delta does not name stay, marks land with the state.
func TestStore_ApplyState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		apply(t, s, &store.StateDelta{HistoryStart: at0, HistoryEnd: at0.Add(time.Hour),
			Principals: []store.Principal{{Cloud: "aws", ID: "alice", FirstSeen: at0}},
			Resources:  []store.Resource{res("vol-1", "A", ""), res("snap-1", "A", "vol-1"), res("vol-2", "A", "")},
			Chains:     []store.Chain{{ID: "c1", Rule: "r", Cloud: "aws", Account: "A", Updated: at0, Open: true, State: []byte(`{"x":1}`)}},
		}, map[string]string{"queue": "10", "kafka/0": "7"})
		apply(t, s, &store.StateDelta{HistoryStart: at0, HistoryEnd: at0.Add(2 * time.Hour),
			Resources:        []store.Resource{res("vol-1", "A", "", "i-1"), res("i-1", "A", "", "vol-1")},
			Chains:           []store.Chain{{ID: "c2", Rule: "r", Cloud: "aws", Account: "A", Open: true}},
			DeletedResources: []store.ResourceKey{{Cloud: "aws", ID: "vol-2"}, {Cloud: "aws", ID: "never-stored"}},
			DeletedChains:    []string{"c1"},
		}, map[string]string{"queue": "12"})
		got, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := &store.Snapshot{HistoryStart: at0, HistoryEnd: at0.Add(2 * time.Hour),
			Principals: []store.Principal{{Cloud: "aws", ID: "alice", FirstSeen: at0}},
			Resources:  []store.Resource{res("i-1", "A", "", "vol-1"), res("snap-1", "A", "vol-1"), res("vol-1", "A", "", "i-1")},
			Chains:     []store.Chain{{ID: "c2", Rule: "r", Cloud: "aws", Account: "A", Open: true}},
		}
		assertSnapshot(t, got, want)
		marks, err := s.StateMarks(t.Context())
		if err != nil || len(marks) != 2 || marks["queue"] != "12" || marks["kafka/0"] != "7" {
			t.Errorf("marks %v, %v", marks, err)
		}
		// A marks-only delta changes no row and keeps the history.
		apply(t, s, &store.StateDelta{}, map[string]string{"queue": "13"})
		got, _ = s.LoadState(t.Context())
		assertSnapshot(t, got, want)
		if m, _ := s.StateMarks(t.Context()); m["queue"] != "13" {
			t.Errorf("marks after a marks-only delta: %v", m)
		}
	})
}

// TestStore_ApplyStateErrors: a key given twice fails whole and names it;
// nothing of the delta or its marks is kept.
func TestStore_ApplyStateErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		for _, tc := range []struct {
			d    *store.StateDelta
			want string
		}{
			{&store.StateDelta{Resources: []store.Resource{res("vol-1", "A", ""), res("vol-1", "A", "")}}, "resource aws/vol-1 given twice"},
			{&store.StateDelta{DeletedChains: []string{"c", "c"}}, "deleted chain c given twice"},
			{&store.StateDelta{Chains: []store.Chain{{Rule: "r"}}}, "empty id"},
			{nil, "nil delta"},
		} {
			err := s.ApplyState(t.Context(), tc.d, map[string]string{"queue": "1"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		}
		if m, _ := s.StateMarks(t.Context()); len(m) != 0 {
			t.Errorf("marks of failed deltas kept: %v", m)
		}
	})
}

// TestStore_LoadStateFor: an account gets its own rows, the resources
// paired with them across accounts and the chains reaching it; pairs go
// with their peer and come back with it.
func TestStore_LoadStateFor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		apply(t, s, &store.StateDelta{
			Principals: []store.Principal{{Cloud: "aws", ID: "alice"}},
			Resources: []store.Resource{
				res("vol-a", "A", ""), res("snap-a", "A", "vol-a"), // A's copy
				res("vol-b", "B", "snap-a"), // restored in B
				res("snap-c", "C", ""), res("vol-c", "C", "snap-c"),
			},
			Chains: []store.Chain{
				{ID: "ca", Rule: "r", Cloud: "aws", Account: "A", Open: true, Accounts: []string{"D"}, Resources: []string{"snap-a", "vol-a"}},
				{ID: "cc", Rule: "r", Cloud: "aws", Account: "C", Open: true, Resources: []string{"snap-c"}},
			},
		}, nil)
		check := func(accounts []string, wantRes, wantChains []string) {
			t.Helper()
			snap, err := s.LoadStateFor(t.Context(), accounts)
			if err != nil {
				t.Fatal(err)
			}
			rs, cs := rowIDs(snap)
			if !slices.Equal(rs, wantRes) || !slices.Equal(cs, wantChains) || len(snap.Principals) != 1 {
				t.Errorf("LoadStateFor(%v): resources %v chains %v (%d principals), want %v %v", accounts, rs, cs, len(snap.Principals), wantRes, wantChains)
			}
		}
		check([]string{"B"}, []string{"snap-a", "vol-b"}, nil)
		check([]string{"A"}, []string{"snap-a", "vol-a", "vol-b"}, []string{"ca"})
		check([]string{"D"}, []string{"snap-a", "vol-a"}, []string{"ca"}) // the share target
		check([]string{"C", "B", "C"}, []string{"snap-a", "snap-c", "vol-b", "vol-c"}, []string{"cc"})
		check(nil, nil, nil)

		// The copy evicted: B no longer needs it, nor A vol-b; seen again
		// (vol-b untouched), the pair is back.
		apply(t, s, &store.StateDelta{DeletedResources: []store.ResourceKey{{Cloud: "aws", ID: "snap-a"}}}, nil)
		check([]string{"A"}, []string{"vol-a"}, []string{"ca"})
		apply(t, s, &store.StateDelta{Resources: []store.Resource{res("snap-a", "A", "vol-a")}}, nil)
		check([]string{"A"}, []string{"snap-a", "vol-a", "vol-b"}, []string{"ca"})
		// A chain that stops reaching D leaves D's loader.
		apply(t, s, &store.StateDelta{Chains: []store.Chain{{ID: "ca", Rule: "r", Cloud: "aws", Account: "A", Open: true}}}, nil)
		check([]string{"D"}, nil, nil)

		// SaveState computes the same links from a whole snapshot.
		whole, _ := openTemp(t, b)
		snap, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if err := whole.SaveState(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		for _, a := range []string{"A", "B", "C", "D"} {
			x, _ := s.LoadStateFor(t.Context(), []string{a})
			y, _ := whole.LoadStateFor(t.Context(), []string{a})
			assertSnapshot(t, x, y)
		}
	})
}

// BenchmarkApplyState: a checkpoint of 1,000 changed resources (and 50
// deleted) into a store holding 200,000, a quarter of them copies of the
// resource before; lineage=same keeps a copy in its source's account,
// lineage=cross puts each in another (every pair a cross-account link: the
// worst case for state_links).
func BenchmarkApplyState(b *testing.B) {
	for _, bc := range []struct {
		backend storetest.Backend
		cross   bool
	}{{storetest.SQLite, false}, {storetest.SQLite, true}, {storetest.Postgres, false}, {storetest.Postgres, true}} {
		backend := bc.backend
		lineage := map[bool]string{false: "same", true: "cross"}[bc.cross]
		b.Run("backend="+backend.Name+"/lineage="+lineage, func(b *testing.B) {
			s, dsn := openTemp(b, backend)
			const held = 200_000
			snap := &store.Snapshot{HistoryStart: at0, HistoryEnd: at0}
			for i := range held {
				acct := fmt.Sprintf("acct-%d", i/4000)
				if bc.cross {
					acct = fmt.Sprintf("acct-%d", i%50)
				}
				r := res(fmt.Sprintf("vol-%07d", i), acct, "")
				if i%4 == 1 {
					r.Type, r.Parent = "snapshot", fmt.Sprintf("vol-%07d", i-1)
				}
				snap.Resources = append(snap.Resources, r)
			}
			if err := s.SaveState(b.Context(), snap); err != nil {
				b.Fatal(err)
			}
			// As autovacuum would after such a load: without statistics
			// PostgreSQL plans the keyed statements as scans.
			if _, err := backend.Raw(b, dsn).ExecContext(b.Context(), "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				d := &store.StateDelta{HistoryStart: at0, HistoryEnd: at0.Add(time.Duration(n) * time.Second)}
				for j := range 1000 {
					r := snap.Resources[(n*1000+j*97)%held]
					r.Seen = d.HistoryEnd
					d.Resources = append(d.Resources, r)
				}
				slices.SortFunc(d.Resources, func(a, b store.Resource) int { return strings.Compare(a.ID, b.ID) })
				d.Resources = slices.CompactFunc(d.Resources, func(a, b store.Resource) bool { return a.ID == b.ID })
				for j := range 50 {
					d.DeletedResources = append(d.DeletedResources, store.ResourceKey{Cloud: "aws", ID: fmt.Sprintf("gone-%d-%d", n, j)})
				}
				if err := s.ApplyState(b.Context(), d, map[string]string{"queue": fmt.Sprint(n)}); err != nil {
					b.Fatal(err)
				}
				n++
			}
		})
	}
}

// TestStateDelta_Then: applying d.Then(next) leaves the store as applying d
// and then next does, over random deltas (rows written, rewritten and
// deleted in either, full ones among them), so that a checkpoint whose
// write failed can go out with the next one.
func TestStateDelta_Then(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for seed := range 40 {
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			base, d, next := randomDelta(rng, true), randomDelta(rng, false), randomDelta(rng, false)
			d.Full = seed%7 == 3
			next.Full = seed%11 == 5
			if d.Full {
				d.DeletedResources, d.DeletedChains = nil, nil
			}
			if next.Full {
				next.DeletedResources, next.DeletedChains = nil, nil
			}
			seq, _ := openTemp(t, b)
			merged, _ := openTemp(t, b)
			apply(t, seq, base, nil)
			apply(t, seq, d, nil)
			apply(t, seq, next, nil)
			apply(t, merged, base, nil)
			apply(t, merged, d.Then(next), nil)
			want, err := seq.LoadState(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got, err := merged.LoadState(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			t.Run(fmt.Sprint(seed), func(t *testing.T) { assertSnapshot(t, got, want) })
		}
	})
}

// randomDelta writes and deletes a few of a small set of keys.
func randomDelta(rng *rand.Rand, initial bool) *store.StateDelta {
	d := &store.StateDelta{HistoryStart: at0, HistoryEnd: at0.Add(time.Duration(rng.IntN(100)) * time.Minute)}
	for i := range 6 {
		id := fmt.Sprint("r", i)
		switch k := rng.IntN(4); {
		case k == 0 || initial && k < 3:
			r := res(id, fmt.Sprint("A", rng.IntN(3)), "")
			if rng.IntN(2) == 0 {
				r.Links = []string{fmt.Sprint("r", (i+1)%6)}
			}
			d.Resources = append(d.Resources, r)
		case k == 1 && !initial:
			d.DeletedResources = append(d.DeletedResources, store.ResourceKey{Cloud: "aws", ID: id})
		}
		cid := fmt.Sprint("c", i)
		switch k := rng.IntN(4); {
		case k == 0 || initial && k < 3:
			d.Chains = append(d.Chains, store.Chain{ID: cid, Rule: "r", Cloud: "aws", Account: fmt.Sprint("A", rng.IntN(3)), Open: true, State: []byte{byte(rng.IntN(256))}})
		case k == 1 && !initial:
			d.DeletedChains = append(d.DeletedChains, cid)
		}
		if rng.IntN(3) == 0 {
			d.Principals = append(d.Principals, store.Principal{Cloud: "aws", ID: fmt.Sprint("p", i), FirstSeen: at0.Add(time.Duration(rng.IntN(9)) * time.Minute)})
		}
	}
	return d
}

package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// Two Stores on one database (two instances of serve, or hunt beside
// serve) save, load and apply at once: every save lands whole and every
// load sees one save, never rows of both.
func TestStore_sharedSaveState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s1, dsn := openTemp(t, b)
		s2 := openAt(t, dsn)
		states := map[string]*store.Snapshot{"a": bulkState("a", 900), "b": bulkState("b", 600)}

		var wg sync.WaitGroup
		for i, s := range []*store.Store{s1, s2} {
			own := []string{"a", "b"}[i]
			wg.Go(func() {
				for round := range 10 {
					if err := s.SaveState(t.Context(), states[own]); err != nil {
						t.Errorf("store %s, save %d: %v", own, round, err)
						return
					}
					snap, err := s.LoadState(t.Context())
					if err != nil {
						t.Errorf("store %s, load %d: %v", own, round, err)
						return
					}
					if err := consistent(snap, states); err != nil {
						t.Errorf("store %s, load %d: %v", own, round, err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

// Observations applied from two Stores at once each see the picture the
// other left: no copy is added twice, and the history of changes, replayed,
// gives the current picture.
func TestStore_sharedApplyInventory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s1, dsn := openTemp(t, b)
		s2 := openAt(t, dsn)
		sc := store.InventoryScope{Cloud: "aws", Account: "111122223333", Region: "eu-west-1", Kind: "snapshot"}
		observe := func(round int, ids ...string) []store.InventoryRecord {
			var recs []store.InventoryRecord
			for _, id := range ids {
				recs = append(recs, store.InventoryRecord{InventoryScope: sc, ID: id, Record: fmt.Appendf(nil, `{"round":%d}`, round%3)})
			}
			return recs
		}
		// One time for all: the history is then in the order applied
		// (InventoryChanges orders by time, then by sequence).
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

		var wg sync.WaitGroup
		for i, s := range []*store.Store{s1, s2} {
			wg.Go(func() {
				for round := range 15 {
					ids := [][]string{{"snap-1", "snap-2"}, {"snap-2", "snap-3"}}[(i+round)%2]
					if _, err := s.ApplyInventory(t.Context(), at, []store.InventoryScope{sc}, observe(round, ids...)); err != nil {
						t.Errorf("store %d, round %d: %v", i+1, round, err)
						return
					}
				}
			})
		}
		wg.Wait()

		changes, err := s1.InventoryChanges(t.Context(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := s1.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		present := map[string]bool{}
		for _, c := range changes {
			switch {
			case c.Change == "added" && !present[c.ID]:
				present[c.ID] = true
			case c.Change == "removed" && present[c.ID]:
				delete(present, c.ID)
			case c.Change == "changed" && present[c.ID]:
			default:
				t.Errorf("%s %s while it was present=%v: a change recorded from a stale picture", c.Change, c.ID, present[c.ID])
			}
		}
		var replayed, stored []string
		for id := range present {
			replayed = append(replayed, id)
		}
		for _, r := range cur {
			stored = append(stored, r.ID)
		}
		slices.Sort(replayed)
		if !slices.Equal(replayed, stored) {
			t.Errorf("history replays to %v, the picture is %v", replayed, stored)
		}
	})
}

// Batches of findings sharing ids, given in opposite orders from two Stores
// at once, all land: none waits on the other for good (a deadlock
// PostgreSQL would end by failing one), and the highest revision of each
// finding is what stays.
func TestStore_sharedPutFindings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s1, dsn := openTemp(t, b)
		s2 := openAt(t, dsn)
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		const n, rounds = 60, 8
		batch := func(revision int, reverse bool) []finding.Finding {
			fs := make([]finding.Finding, n)
			for i := range fs {
				fs[i] = testFinding(fmt.Sprintf("f%03d", i), at)
				fs[i].Revision = revision
			}
			if reverse {
				slices.Reverse(fs)
			}
			return fs
		}

		var wg sync.WaitGroup
		for i, s := range []*store.Store{s1, s2} {
			wg.Go(func() {
				for round := range rounds {
					if err := s.PutFindings(t.Context(), batch(2*round+i, i == 1)); err != nil {
						t.Errorf("store %d, round %d: %v", i+1, round, err)
						return
					}
				}
			})
		}
		wg.Wait()

		fs, err := s2.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != n {
			t.Fatalf("%d findings, want %d", len(fs), n)
		}
		for _, f := range fs {
			if f.Revision != 2*(rounds-1)+1 {
				t.Errorf("%s at revision %d, want %d", f.ID, f.Revision, 2*(rounds-1)+1)
			}
		}
	})
}

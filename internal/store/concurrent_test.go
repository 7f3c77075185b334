package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// Readers load while a writer keeps replacing the state: under WAL no read
// fails or waits for a lock, and none sees a save half done.
func TestStore_readersDuringSave(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		states := map[string]*store.Snapshot{"a": bulkState("a", 1500), "b": bulkState("b", 700)}
		if err := s.SaveState(t.Context(), states["a"]); err != nil {
			t.Fatal(err)
		}

		var (
			done    atomic.Bool
			loads   atomic.Int64
			wg      sync.WaitGroup
			errs    = make(chan error, 16)
			saves   = 0
			started = time.Now()
		)
		for r := range 3 {
			wg.Go(func() {
				for !done.Load() {
					snap, err := s.LoadState(t.Context())
					if err != nil {
						errs <- fmt.Errorf("reader %d: %w", r, err)
						return
					}
					if err := consistent(snap, states); err != nil {
						errs <- fmt.Errorf("reader %d: %w", r, err)
						return
					}
					if _, err := s.Findings(t.Context()); err != nil {
						errs <- fmt.Errorf("reader %d findings: %w", r, err)
						return
					}
					loads.Add(1)
				}
			})
		}
		for i := range 12 {
			key := []string{"b", "a"}[i%2]
			if err := s.SaveState(t.Context(), states[key]); err != nil {
				t.Errorf("save %d: %v", i, err)
				break
			}
			if err := s.PutFindings(t.Context(), []finding.Finding{testFinding(fmt.Sprint("f", i), time.Now())}); err != nil {
				t.Errorf("put findings %d: %v", i, err)
				break
			}
			saves++
		}
		done.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		t.Logf("%d saves and %d loads in %v", saves, loads.Load(), time.Since(started))
		if loads.Load() == 0 {
			t.Error("no load completed while saving")
		}
	})
}

// bulkState is n resources and n/10 principals all in account acct.
func bulkState(acct string, n int) *store.Snapshot {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{HistoryStart: at, HistoryEnd: at.Add(time.Duration(n))}
	for i := range n {
		snap.Resources = append(snap.Resources, store.Resource{
			Cloud: "aws", ID: fmt.Sprintf("vol-%s%07d", acct, i), Type: "volume", Account: acct,
			Created: at.Add(time.Duration(i) * time.Second), Creator: "arn:aws:iam::1:user/u", CreatedBy: fmt.Sprint("ev", i),
			Parent: fmt.Sprintf("snap-%07d", i/2), Critical: i%7 == 0, Links: []string{fmt.Sprintf("i-%07d", i/3), "sg-1"},
			Seen: at.Add(time.Duration(i) * time.Minute),
		})
	}
	for i := range n / 10 {
		snap.Principals = append(snap.Principals, store.Principal{Cloud: "aws", ID: fmt.Sprintf("arn:aws:iam::%s:user/%d", acct, i), FirstSeen: at})
	}
	for i := range n / 100 {
		snap.Chains = append(snap.Chains, store.Chain{ID: fmt.Sprintf("%s-c%d", acct, i), Rule: "r", Cloud: "aws", Account: acct, Updated: at, Open: true, State: []byte(`{"n":1}`)})
	}
	return snap
}

// consistent checks that snap is one of the saved states, whole.
func consistent(snap *store.Snapshot, states map[string]*store.Snapshot) error {
	if len(snap.Resources) == 0 {
		return fmt.Errorf("empty state loaded")
	}
	acct := snap.Resources[0].Account
	want, ok := states[acct]
	if !ok {
		return fmt.Errorf("unknown account %q", acct)
	}
	if len(snap.Resources) != len(want.Resources) || len(snap.Principals) != len(want.Principals) || len(snap.Chains) != len(want.Chains) ||
		!snap.HistoryEnd.Equal(want.HistoryEnd) {
		return fmt.Errorf("state %s: %d resources, %d principals, %d chains, end %v; want %d, %d, %d, %v", acct,
			len(snap.Resources), len(snap.Principals), len(snap.Chains), snap.HistoryEnd,
			len(want.Resources), len(want.Principals), len(want.Chains), want.HistoryEnd)
	}
	for _, r := range snap.Resources {
		if r.Account != acct {
			return fmt.Errorf("state %s holds a resource of %s: a save seen half done", acct, r.Account)
		}
	}
	return nil
}

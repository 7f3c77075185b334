package store_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestEntitlementRuns: the newest run comes back as stored.
func TestEntitlementRuns(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, err := store.Open(t.Context(), b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, _, ok, err := s.LatestEntitlementRun(t.Context()); ok || err != nil {
			t.Fatalf("empty store: ok %v, %v", ok, err)
		}
		t1 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
		for i, body := range []string{`[{"id":"a"}]`, `[{"id":"b"}]`} {
			if err := s.PutEntitlementRun(t.Context(), t1.Add(time.Duration(i)*time.Hour), []byte(body)); err != nil {
				t.Fatal(err)
			}
		}
		at, rep, ok, err := s.LatestEntitlementRun(t.Context())
		if err != nil || !ok || string(rep) != `[{"id":"b"}]` || !at.Equal(t1.Add(time.Hour)) {
			t.Errorf("latest: %v %s %v %v", at, rep, ok, err)
		}
	})
}

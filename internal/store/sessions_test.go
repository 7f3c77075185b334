package store_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// revoked asks whether nonce is revoked and fails the test on an error.
func revoked(t *testing.T, s *store.Store, nonce string) bool {
	t.Helper()
	got, err := s.SessionRevoked(t.Context(), nonce)
	if err != nil {
		t.Fatalf("SessionRevoked(%q): %v", nonce, err)
	}
	return got
}

func TestStore_RevokeSession(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, dsn := openTemp(t, b)
		ctx := t.Context()
		exp := time.Now().Add(12 * time.Hour)

		if revoked(t, s, "aaaa") {
			t.Fatal("a nonce is revoked in an empty store")
		}
		if err := s.RevokeSession(ctx, "aaaa", exp); err != nil {
			t.Fatalf("RevokeSession: %v", err)
		}
		if !revoked(t, s, "aaaa") {
			t.Error("a revoked nonce is not revoked")
		}
		if revoked(t, s, "bbbb") {
			t.Error("another nonce is revoked too")
		}
		if err := s.RevokeSession(ctx, "aaaa", exp); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		if !revoked(t, s, "aaaa") {
			t.Error("a nonce revoked twice is not revoked")
		}

		// Another Store on the same database (a restart, another instance)
		// sees it.
		again := openAt(t, dsn)
		if !revoked(t, again, "aaaa") {
			t.Error("the revocation did not outlive its Store")
		}
	})
}

// A revocation deletes the rows whose cookies have expired anyway.
func TestStore_RevokeSessionPurgesExpired(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		if err := s.RevokeSession(ctx, "old", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if !revoked(t, s, "old") {
			t.Fatal("an expired row is gone before any purge")
		}
		if err := s.RevokeSession(ctx, "new", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if revoked(t, s, "old") {
			t.Error("a later revocation kept the expired row")
		}
		if !revoked(t, s, "new") {
			t.Error("the new row is gone")
		}
	})
}

// A second revocation with an earlier expiry keeps the later one: the row
// must last as long as any cookie it refuses.
func TestStore_RevokeSessionKeepsLaterExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		if err := s.RevokeSession(ctx, "n", time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeSession(ctx, "n", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeSession(ctx, "other", time.Now().Add(time.Hour)); err != nil { // purges
			t.Fatal(err)
		}
		if !revoked(t, s, "n") {
			t.Error("an earlier expiry replaced the later one, and the row was purged")
		}
	})
}

func TestStore_RevokeSessionRejects(t *testing.T) {
	s, _ := openTemp(t, storetest.SQLite)
	ctx := t.Context()
	if err := s.RevokeSession(ctx, "", time.Now().Add(time.Hour)); err == nil {
		t.Error("RevokeSession with an empty nonce = nil, want an error")
	}
	if err := s.RevokeSession(ctx, "n", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("RevokeSession with an expiry past year 9999 = nil, want an error")
	}
	if _, err := s.SessionRevoked(ctx, ""); err == nil {
		t.Error("SessionRevoked with an empty nonce = nil error, want one")
	}
	if revoked(t, s, "n") {
		t.Error("a rejected revocation was stored")
	}
}

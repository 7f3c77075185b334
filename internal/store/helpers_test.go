package store_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// openTemp opens a store in a new, empty database of backend b and closes
// it at the end of the test. It returns the store and its dsn.
func openTemp(tb testing.TB, b storetest.Backend) (*store.Store, string) {
	tb.Helper()
	dsn := b.Fresh(tb)
	return openAt(tb, dsn), dsn
}

func openAt(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	s, err := store.Open(tb.Context(), dsn)
	if err != nil {
		tb.Fatalf("Open: %v", err) // the error names the database; the dsn may hold a password
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

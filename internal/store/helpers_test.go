package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"

	_ "modernc.org/sqlite" // the raw handle tests use to tamper with a file
)

// openTemp opens a store in a new file under t.TempDir and closes it at the
// end of the test. It returns the store and its path.
func openTemp(tb testing.TB) (*store.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "state.db")
	return openAt(tb, path), path
}

func openAt(tb testing.TB, path string) *store.Store {
	tb.Helper()
	s, err := store.Open(tb.Context(), path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens path with the driver alone, to look at or damage what the
// store wrote.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

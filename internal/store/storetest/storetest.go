// Package storetest gives tests a new, empty database for each backend a
// store runs on, so that one test body covers SQLite and PostgreSQL alike.
// SQLite is a file in the test's temporary directory. PostgreSQL is a schema
// of its own, created in the database SNAPWARDEN_POSTGRES_DSN names (a
// postgres:// URL; the user needs CREATE on it) and dropped when the test
// ends; without that variable PostgreSQL tests skip, or fail under
// SNAPWARDEN_REQUIRE_EXTERNAL=1 as CI sets it. It imports no package of
// ours but testenv, so store's own tests can use it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx", the raw handle on PostgreSQL
	_ "modernc.org/sqlite"             // "sqlite", the raw handle on a file

	"github.com/snapwarden/snapwarden/internal/testenv"
)

// PostgresDSN is the variable naming the PostgreSQL database tests use.
const PostgresDSN = "SNAPWARDEN_POSTGRES_DSN"

// Backend is one kind of database a store runs on.
type Backend struct {
	Name   string // "sqlite" or "postgres"
	driver string // database/sql driver for Raw
	fresh  func(tb testing.TB) string
}

var (
	SQLite   = Backend{Name: "sqlite", driver: "sqlite", fresh: freshSQLite}
	Postgres = Backend{Name: "postgres", driver: "pgx", fresh: freshPostgres}
)

// All returns every backend, SQLite first.
func All() []Backend { return []Backend{SQLite, Postgres} }

// Run runs fn as a subtest named for each backend.
func Run(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range All() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b) })
	}
}

// Fresh returns the dsn of a new, empty database for store.Open, removed
// when the test ends. For PostgreSQL without SNAPWARDEN_POSTGRES_DSN the
// test skips, or fails under SNAPWARDEN_REQUIRE_EXTERNAL=1.
func (b Backend) Fresh(tb testing.TB) string {
	tb.Helper()
	return b.fresh(tb)
}

// Raw opens dsn with the driver alone, to look at or damage what a store
// wrote, and closes it when the test ends.
func (b Backend) Raw(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open(b.driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func freshSQLite(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "state.db")
}

func freshPostgres(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresDSN)
	if base == "" {
		if os.Getenv(testenv.RequireExternal) == "1" {
			tb.Fatalf("%s is not set (%s=1 makes this a failure)", PostgresDSN, testenv.RequireExternal)
		}
		tb.Skipf("%s is not set: skipping PostgreSQL", PostgresDSN)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: want a postgres:// URL", PostgresDSN) // not %v: the error quotes the password
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	schema := fmt.Sprintf("snapwarden_test_%d_%s", os.Getpid(), hex.EncodeToString(rnd[:]))

	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		// The test's context has ended by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", base)
		if err != nil {
			tb.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

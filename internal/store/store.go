// Package store keeps snapwarden's durable state in one database: the
// correlation state (principals and when they were first seen, the resource
// lineage graph, open attack chains), so that runs day after day continue
// where the last one stopped, the findings with their review status, and the
// snapshot inventory with its history. SQLite (modernc.org/sqlite, no cgo)
// in WAL mode is the default; PostgreSQL (pgx) serves several instances
// sharing one database. What differs between the two is in sqlite.go,
// postgres.go and migrations/<dialect>/; the rest is written once. The
// package imports finding and nothing else of ours; the engine converts its
// state to the plain records here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Store is an open database. Its methods are safe for concurrent use, and
// on PostgreSQL also with other Stores, in other processes, on the same
// database: each write is one transaction that either lands whole or not at
// all, writers that replace tables take turns, and reads see the last
// committed state, never a half-done save.
type Store struct {
	name string   // the file, or the PostgreSQL URL without its password, for messages
	d    *dialect // what differs between SQLite and PostgreSQL
	w    *sql.DB  // writes (on SQLite its one connection)
	r    *sql.DB  // reads (on PostgreSQL the same pool as w)
}

// Open opens the store at dsn and brings its schema up to date. dsn is a
// SQLite file path or "file:" URI (the file is created if absent), or a
// postgres:// or postgresql:// URL of an existing PostgreSQL database (see
// openPostgres). Other schemes and in-memory SQLite fail with
// ErrNotSupported, and a database migrated by a newer snapwarden with
// ErrSchemaTooNew. Errors name the file or the database, never a password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if isPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	w, r, err := openSQLiteRetrying(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", t.path, err)
	}
	return start(ctx, &Store{name: t.path, d: sqliteDialect, w: w, r: r})
}

// start brings a newly opened store's schema up to date, closing the store
// when that fails.
func start(ctx context.Context, s *Store) (*Store, error) {
	ms, err := loadMigrations(migrationFiles, "migrations/"+s.d.name)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("embedded migrations: %w", err) // a build mistake; a test keeps it out
	}
	if err := migrate(ctx, s.w, s.d, ms); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", s.name, s.d.explain(err))
	}
	return s, nil
}

// Close closes the store's connections; on SQLite the last one to close
// folds the write-ahead log back into the file.
func (s *Store) Close() error {
	if s.r == s.w {
		return s.w.Close()
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

// SchemaVersion returns the last migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// writeTx runs fn in a transaction on the writer and commits when it
// returns nil; otherwise nothing fn did is kept. On PostgreSQL it runs at
// READ COMMITTED: a writer that reads before it writes, or replaces a whole
// table, locks its tables first (Store.lock), so it works on what the last
// writer committed and waits for a concurrent one instead of failing and
// retrying as under SERIALIZABLE.
func (s *Store) writeTx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

// readTx runs fn in one read transaction, so every query in it sees the
// same committed state.
func (s *Store) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, s.d.readTx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// ignoreDone drops the error a rollback gives when the context already
// ended the transaction: the caller's error says more.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// Package store keeps snapwarden's durable state in one database: the
// correlation state (principals and when they were first seen, the resource
// lineage graph, open attack chains), so that runs day after day continue
// where the last one stopped, and the findings with their review status.
// SQLite (modernc.org/sqlite, no cgo) in WAL mode is the default; the SQL
// outside sqlite.go is kept portable for a PostgreSQL dialect. The package
// imports finding and nothing else of ours; the engine converts its state to
// the plain records here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Store is an open database. Its methods are safe for concurrent use:
// writes go through one connection, in turn; reads use a pool and see the
// last committed state, never a half-done save.
type Store struct {
	path string  // the file, for messages
	w    *sql.DB // the one writing connection
	r    *sql.DB // read-only pool
}

// Open opens the store at dsn, creating the file if absent, and brings its
// schema up to date. dsn is a file path or a SQLite "file:" URI; a
// postgres:// dsn fails with ErrNotSupported, and a database migrated by a
// newer snapwarden with ErrSchemaTooNew. Errors name the file.
func Open(ctx context.Context, dsn string) (_ *Store, err error) {
	t, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	ms, err := loadMigrations(migrationFiles, "migrations/sqlite")
	if err != nil {
		return nil, fmt.Errorf("embedded migrations: %w", err) // a build mistake; a test keeps it out
	}
	w, r, err := openSQLite(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", t.path, err)
	}
	s := &Store{path: t.path, w: w, r: r}
	if err := migrate(ctx, w, ms); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", t.path, sqliteError(err))
	}
	return s, nil
}

// Close closes the store's connections; the last one to close folds the
// write-ahead log back into the file.
func (s *Store) Close() error {
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
// returns nil; otherwise nothing fn did is kept.
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
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
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

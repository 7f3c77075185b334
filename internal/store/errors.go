package store

import "errors"

var (
	// ErrNotSupported is returned by Open for a dsn this build cannot
	// serve: a scheme other than file and postgres(ql), an in-memory
	// SQLite database.
	ErrNotSupported = errors.New("store not supported")

	// ErrSchemaTooNew is returned by Open when the database was migrated
	// by a newer snapwarden than this one: its tables may mean something
	// this binary does not know, so it neither reads nor writes them.
	ErrSchemaTooNew = errors.New("store schema is newer than this snapwarden")
)

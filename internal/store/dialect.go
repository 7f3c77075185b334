package store

import (
	"context"
	"database/sql"
	"strings"
)

// dialect is what differs between the databases a Store runs on. The SQL
// elsewhere is written once for both; each dialect's file (sqlite.go,
// postgres.go) fills one of these.
type dialect struct {
	// name is also the folder of its migrations under migrations/.
	name string

	// placeholder is the n-th (from 1) bind parameter of a generated
	// statement. Fixed statements use $N, which both databases read.
	placeholder func(n int) string

	// readTx are the options of a read transaction: every query in it must
	// see one committed state.
	readTx *sql.TxOptions

	// lockTables says whether a writer that replaces tables must lock them
	// first: true where other processes' transactions interleave with ours
	// statement by statement (PostgreSQL under READ COMMITTED); SQLite
	// already lets one writer at a time in.
	lockTables bool

	// bind, when not nil, readies a statement's arguments for the driver,
	// in place: see Store.args.
	bind func(args []any)

	// migrationLock, when not empty, is run first in migrate's transaction
	// so that two processes opening one new database do not both apply a
	// migration.
	migrationLock string

	// explain says in words what a driver's bare error code means.
	explain func(error) error
}

// lock keeps every other writer out of tables until tx ends; readers are not
// held up and go on seeing the last committed state. The tables are locked
// in the order given: callers give the same set in the same order, so two
// writers cannot deadlock.
func (s *Store) lock(ctx context.Context, tx *sql.Tx, tables ...string) error {
	if !s.d.lockTables || len(tables) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN EXCLUSIVE MODE")
	return err
}

// args readies a statement's arguments for the dialect's driver. Every
// statement whose arguments include text from input passes them through it.
func (s *Store) args(a ...any) []any {
	if s.d.bind != nil {
		s.d.bind(a)
	}
	return a
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PutEntitlementRun stores one entitlement run's report (JSON), made at at.
func (s *Store) PutEntitlementRun(ctx context.Context, at time.Time, report []byte) error {
	when, err := formatTime(at)
	if err != nil {
		return err
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO entitlement_runs (at, report) VALUES ($1, $2)`, s.args(when, report)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("put entitlement run: %w", err)
	}
	return nil
}

// LatestEntitlementRun returns the newest stored run (ok false when none).
func (s *Store) LatestEntitlementRun(ctx context.Context) (at time.Time, report []byte, ok bool, err error) {
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		var when sql.NullString
		e := tx.QueryRowContext(ctx, `SELECT at, report FROM entitlement_runs ORDER BY seq DESC LIMIT 1`).Scan(&when, &report)
		switch {
		case errors.Is(e, sql.ErrNoRows):
			return nil
		case e != nil:
			return e
		}
		ok = true
		at, e = parseTime(when)
		return e
	})
	return at, report, ok, err
}

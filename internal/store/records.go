package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventRecord is the audit record (or the records, for a paired
// operation: a JSON array) of one event.
type EventRecord struct {
	EventID string
	Time    time.Time
	Format  string
	Raw     []byte
	// Pinned records are named by a finding: they stay as long as it.
	Pinned bool
}

// PutEventRecords keeps event records; an event already kept keeps its
// record, and is pinned when the new one is.
func (s *Store) PutEventRecords(ctx context.Context, recs []EventRecord) error {
	if len(recs) == 0 {
		return nil
	}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	// One order everywhere: concurrent writers never wait on each other's rows.
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(recs[a].EventID, recs[b].EventID) })
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO event_records (event_id, time, format, raw, pinned) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (event_id) DO UPDATE SET pinned = 1 WHERE excluded.pinned = 1 AND event_records.pinned = 0`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range order {
			r := &recs[i]
			if r.EventID == "" {
				return fmt.Errorf("record %d: empty event id", i)
			}
			at, err := formatTime(r.Time)
			if err != nil {
				return fmt.Errorf("record of %s: %w", r.EventID, err)
			}
			raw := r.Raw
			if raw == nil {
				raw = []byte{}
			}
			pinned := 0
			if r.Pinned {
				pinned = 1
			}
			if _, err := stmt.ExecContext(ctx, s.args(r.EventID, at, r.Format, raw, pinned)...); err != nil {
				return fmt.Errorf("record of %s: %w", r.EventID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put event records: %w", err)
	}
	return nil
}

// EventRecords returns the kept records of the events named, by event id;
// events without one are absent from the map.
func (s *Store) EventRecords(ctx context.Context, ids []string) (map[string]EventRecord, error) {
	out := map[string]EventRecord{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT time, format, raw, pinned FROM event_records WHERE event_id = $1`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			var at sql.NullString
			r := EventRecord{EventID: id}
			var pinned int
			err := stmt.QueryRowContext(ctx, s.args(id)...).Scan(&at, &r.Format, &r.Raw, &pinned)
			r.Pinned = pinned == 1
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			if r.Time, err = parseTime(at); err != nil {
				return err
			}
			out[id] = r
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read event records: %w", err)
	}
	return out, nil
}

// PinEventRecords pins the kept records of the events named (a finding
// names them now).
func (s *Store) PinEventRecords(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE event_records SET pinned = 1 WHERE event_id = $1 AND pinned = 0`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range slices.Compact(ids) {
			if _, err := stmt.ExecContext(ctx, s.args(id)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pin event records: %w", err)
	}
	return nil
}

// PruneEventRecords deletes the unpinned records of events before
// unpinned (no chain can reach them any more) and every record of events
// before pinned (the findings' retention).
func (s *Store) PruneEventRecords(ctx context.Context, unpinned, pinned time.Time) (int64, error) {
	u, err := formatTime(unpinned)
	if err != nil {
		return 0, err
	}
	p, err := formatTime(pinned)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM event_records WHERE (pinned = 0 AND time < $1) OR time < $2`, s.args(u, p)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune event records: %w", err)
	}
	return n, nil
}

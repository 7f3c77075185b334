package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// OutboxEntry is a finding waiting to be forwarded by the sinks.
type OutboxEntry struct {
	Seq     int64
	Finding finding.Finding
}

// PutFindingsOutbox stores fs as PutFindings does and, in the same
// transaction, adds to owner's outbox every finding that was new or
// changed (a higher revision or severity): the sinks forward those, and a
// replay of the same records after a crash adds nothing. It returns the
// changed findings.
func (s *Store) PutFindingsOutbox(ctx context.Context, owner string, fs []finding.Finding, at time.Time) ([]finding.Finding, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	added, err := formatTime(at)
	if err != nil {
		return nil, err
	}
	var changed []finding.Finding
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		changed = changed[:0]
		up, err := tx.PrepareContext(ctx, upsertFinding)
		if err != nil {
			return err
		}
		defer up.Close()
		out, err := tx.PrepareContext(ctx, `INSERT INTO outbox (owner, finding_id, added, body) VALUES ($1, $2, $3, $4)`)
		if err != nil {
			return err
		}
		defer out.Close()
		for _, i := range byID(fs) {
			f := &fs[i]
			args, err := findingArgs(f)
			if err != nil {
				return fmt.Errorf("finding %q: %w", f.ID, err)
			}
			res, err := up.ExecContext(ctx, s.args(args...)...)
			if err != nil {
				return fmt.Errorf("finding %s: %w", f.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue
			}
			body := args[len(args)-1] // findingArgs ends with the JSON body
			if _, err := out.ExecContext(ctx, s.args(owner, f.ID, added, body)...); err != nil {
				return fmt.Errorf("outbox %s: %w", f.ID, err)
			}
			changed = append(changed, *f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("put findings: %w", err)
	}
	return changed, nil
}

// Outbox returns up to limit of owner's outbox entries that sink has not
// yet forwarded, oldest first.
func (s *Store) Outbox(ctx context.Context, owner, sink string, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var after int64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM sink_cursors WHERE sink = $1`, cursorKey(owner, sink)).Scan(&after)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, body FROM outbox WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
			s.args(owner, after, limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e OutboxEntry
			var body []byte
			if err := rows.Scan(&e.Seq, &body); err != nil {
				return err
			}
			if err := json.Unmarshal(body, &e.Finding); err != nil {
				return fmt.Errorf("outbox entry %d: %w", e.Seq, err)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// AdvanceSink records that sink has forwarded owner's outbox through seq.
func (s *Store) AdvanceSink(ctx context.Context, owner, sink string, seq int64) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sink_cursors (sink, seq) VALUES ($1, $2)
			ON CONFLICT (sink) DO UPDATE SET seq = CASE WHEN excluded.seq > sink_cursors.seq THEN excluded.seq ELSE sink_cursors.seq END`,
			cursorKey(owner, sink), seq)
		return err
	})
	if err != nil {
		return fmt.Errorf("advance sink %s: %w", sink, err)
	}
	return nil
}

// PruneOutbox deletes owner's outbox entries every one of sinks has
// forwarded (all of them when there are no sinks).
func (s *Store) PruneOutbox(ctx context.Context, owner string, sinks []string) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		through := int64(1<<63 - 1)
		for _, sink := range sinks {
			var seq int64
			err := tx.QueryRowContext(ctx, `SELECT seq FROM sink_cursors WHERE sink = $1`, cursorKey(owner, sink)).Scan(&seq)
			if err == sql.ErrNoRows {
				return nil // a sink that has forwarded nothing yet
			}
			if err != nil {
				return err
			}
			through = min(through, seq)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE owner = $1 AND seq <= $2`, s.args(owner, through)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return n, nil
}

// cursorKey names a sink's cursor per owner: instances sharing a database
// forward their own findings.
func cursorKey(owner, sink string) string { return fmt.Sprintf("%d:%s:%s", len(owner), owner, sink) }

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TailPosition is how far the file tailer (internal/tail) has delivered one
// file. The tailer calls it Position; store only keeps it.
type TailPosition struct {
	Path     string // the file's current name
	Identity string // device and inode on Unix; "" where the platform has none
	Offset   int64  // bytes delivered (for a gzip file, decompressed bytes)
	Done     bool   // a gzip file delivered whole: never read again
}

// TailPositions reads and writes the tailer's positions, one row per path.
// Its method set is the tail.Positions interface (plus Forget), so a Store
// serves the tailer without store importing tail.
type TailPositions struct {
	s *Store
}

// TailPositions returns the store's tailer positions.
func (s *Store) TailPositions() *TailPositions { return &TailPositions{s: s} }

// Load returns every stored position by path.
func (p *TailPositions) Load(ctx context.Context) (map[string]TailPosition, error) {
	out := map[string]TailPosition{}
	err := p.s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT path, identity, byte_offset, done FROM tail_positions`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tp TailPosition
			var done int
			if err := rows.Scan(&tp.Path, &tp.Identity, &tp.Offset, &done); err != nil {
				return err
			}
			tp.Done = done != 0
			out[tp.Path] = tp
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load tail positions: %w", err)
	}
	return out, nil
}

// Save stores pos, replacing what was stored for its path.
func (p *TailPositions) Save(ctx context.Context, pos TailPosition) error {
	if pos.Path == "" {
		return errors.New("save tail position: empty path")
	}
	if pos.Offset < 0 {
		return fmt.Errorf("save tail position %q: negative offset %d", pos.Path, pos.Offset)
	}
	now, _ := formatTime(time.Now()) // the clock is within 0–9999
	err := p.s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tail_positions (path, identity, byte_offset, done, updated)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (path) DO UPDATE SET identity = excluded.identity, byte_offset = excluded.byte_offset,
				done = excluded.done, updated = excluded.updated`,
			p.s.args(pos.Path, pos.Identity, pos.Offset, boolInt(pos.Done), now)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("save tail position %q: %w", pos.Path, err)
	}
	return nil
}

// Forget removes path's position; a path with none is not an error.
func (p *TailPositions) Forget(ctx context.Context, path string) error {
	err := p.s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM tail_positions WHERE path = $1`, p.s.args(path)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("forget tail position %q: %w", path, err)
	}
	return nil
}

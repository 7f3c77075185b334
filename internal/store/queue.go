package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Batch is a body of audit records serve has accepted: it is durable once
// Enqueue returns, and stays queued until a checkpoint covering its Seq has
// been saved (DeleteQueued), so a crash in between replays it.
type Batch struct {
	Seq      int64 // given by Enqueue, increasing per store
	Owner    string
	Received time.Time
	Source   string // where it came from: "http:<token>", "file:<path>"
	Format   string // a decoder format name, or "auto"
	Body     []byte // as serve stores it (serve compresses it)
}

// Enqueue stores batches in one transaction, on behalf of owner (the
// instance that will process them), and returns their sequence numbers.
// Either all are stored or none.
func (s *Store) Enqueue(ctx context.Context, owner string, bs []Batch) ([]int64, error) {
	seqs := make([]int64, len(bs))
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO ingest_queue (owner, received, source, format, body)
			VALUES ($1, $2, $3, $4, $5) RETURNING seq`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range bs {
			at, err := formatTime(bs[i].Received)
			if err != nil {
				return err
			}
			body := bs[i].Body
			if body == nil {
				body = []byte{}
			}
			if err := stmt.QueryRowContext(ctx, s.args(owner, at, bs[i].Source, bs[i].Format, body)...).Scan(&seqs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	return seqs, nil
}

// Queued returns up to limit of owner's batches after seq, oldest first.
func (s *Store) Queued(ctx context.Context, owner string, after int64, limit int) ([]Batch, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, received, source, format, body FROM ingest_queue
		WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3`, s.args(owner, after, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b := Batch{Owner: owner}
		var at sql.NullString
		var source []byte
		if err := rows.Scan(&b.Seq, &at, &source, &b.Format, &b.Body); err != nil {
			return nil, fmt.Errorf("read queue: %w", err)
		}
		b.Source = string(source)
		if b.Received, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("queued batch %d: %w", b.Seq, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	return out, nil
}

// DeleteQueued removes owner's batches up to and including seq: a
// checkpoint covers them.
func (s *Store) DeleteQueued(ctx context.Context, owner string, through int64) (int64, error) {
	var n int64
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ingest_queue WHERE owner = $1 AND seq <= $2`, s.args(owner, through)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete queued batches: %w", err)
	}
	return n, nil
}

// QueueDepth counts owner's queued batches and their stored bytes.
func (s *Store) QueueDepth(ctx context.Context, owner string) (batches, bytes int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM ingest_queue WHERE owner = $1`,
		s.args(owner)...).Scan(&batches, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("queue depth: %w", err)
	}
	return batches, bytes, nil
}

// DurableCommits makes every later commit reach the disk before it
// returns, so that an accepted batch survives a power loss and not only a
// crash of the process. On SQLite that is synchronous=FULL on the writer;
// PostgreSQL commits durably unless its server is told otherwise.
func (s *Store) DurableCommits(ctx context.Context) error {
	if s.d != sqliteDialect {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return fmt.Errorf("store %s: synchronous commits: %w", s.name, err)
	}
	return nil
}

// APIToken is a stored API token: only its hash is kept.
type APIToken struct {
	Name    string
	Hash    string // hex SHA-256 of the token
	Created time.Time
}

// ErrExists is returned when a named thing is already stored.
var ErrExists = errors.New("already exists")

// AddAPIToken stores a token's hash under a name not used yet.
func (s *Store) AddAPIToken(ctx context.Context, t APIToken) error {
	at, err := formatTime(t.Created)
	if err != nil {
		return err
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (name, hash, created) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO NOTHING`, t.Name, t.Hash, at)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("token %q: %w", t.Name, ErrExists)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("add api token: %w", err)
	}
	return nil
}

// APITokens lists the stored tokens by name.
func (s *Store) APITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, hash, created FROM api_tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var at sql.NullString
		if err := rows.Scan(&t.Name, &t.Hash, &at); err != nil {
			return nil, fmt.Errorf("read api tokens: %w", err)
		}
		if t.Created, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

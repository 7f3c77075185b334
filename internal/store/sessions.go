package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// revokedSlack is how long a revoked session's row outlives the cookie's
// expiry: an instance whose clock runs behind the purging one's still
// takes the cookie for valid that much longer.
const revokedSlack = 5 * time.Minute

// RevokeSession records that the web console session keyed by nonce
// logged out; its cookie would have expired at expires. Every console over
// this database refuses the cookie from then on. Revoking a nonce again is
// not an error (the later expiry is kept). The same transaction deletes the
// rows whose expiry passed (give or take revokedSlack), so the table holds
// only cookies that could still be presented.
func (s *Store) RevokeSession(ctx context.Context, nonce string, expires time.Time) error {
	if nonce == "" {
		return errors.New("revoke session: empty nonce")
	}
	exp, err := formatTime(expires)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	before, _ := formatTime(time.Now().Add(-revokedSlack)) // the clock is within 0–9999
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM revoked_sessions WHERE expires < $1`, s.args(before)...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO revoked_sessions (nonce, expires) VALUES ($1, $2)
			ON CONFLICT (nonce) DO UPDATE SET expires = excluded.expires
			WHERE excluded.expires > revoked_sessions.expires`, s.args(nonce, exp)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke session: %w", err) // the nonce stays out of logs
	}
	return nil
}

// SessionRevoked reports whether the session keyed by nonce logged out.
// A row past its expiry may still answer true until the next revocation
// purges it; the console refuses an expired cookie before asking.
func (s *Store) SessionRevoked(ctx context.Context, nonce string) (bool, error) {
	if nonce == "" {
		return false, errors.New("look up revoked session: empty nonce")
	}
	var n int
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM revoked_sessions WHERE nonce = $1`, s.args(nonce)...).Scan(&n)
	})
	if err != nil {
		return false, fmt.Errorf("look up revoked session: %w", err)
	}
	return n > 0, nil
}

package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// InventoryScope is the part of the inventory one collection or import
// covers in full: a cloud, account, region and kind.
type InventoryScope struct {
	Cloud, Account, Region, Kind string
}

// InventoryRecord is one copy as observed: its key and its record, which
// the inventory package serialises (the store compares the bytes).
type InventoryRecord struct {
	InventoryScope
	ID     string
	Record []byte
	// FirstSeen is when the store first saw it (set by the store).
	FirstSeen time.Time
}

// InventoryChange is one change ApplyInventory recorded.
type InventoryChange struct {
	At        time.Time
	Change    string // "added", "removed" or "changed"
	Scope     InventoryScope
	ID        string
	FirstSeen time.Time
	Old, New  []byte // the record before and after (nil when absent)
}

// ApplyInventory replaces the picture of each scope in scopes with the
// records of recs in it, as observed at at, in one transaction: a copy new
// to its scope is "added", one absent is "removed", one whose record
// differs is "changed". Scopes not named are left as they are. Records
// outside scopes are stored as additions or changes but never cause
// removals (a partial collection). It returns the changes. Observations
// applied by several Stores on one database take turns, each seeing the
// picture the previous one left.
func (s *Store) ApplyInventory(ctx context.Context, at time.Time, scopes []InventoryScope, recs []InventoryRecord) ([]InventoryChange, error) {
	when, err := formatTime(at)
	if err != nil {
		return nil, err
	}
	var changes []InventoryChange
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		// Another instance applying an observation meanwhile would read the
		// same old picture: both would add a copy, or record one change
		// twice.
		if err := s.lock(ctx, tx, "inventory", "inventory_changes"); err != nil {
			return fmt.Errorf("lock inventory: %w", err)
		}
		seen := map[[5]string]bool{}
		for _, r := range recs {
			if r.ID == "" {
				return errors.New("an inventory record with an empty id")
			}
			k := key(r.InventoryScope, r.ID)
			if seen[k] {
				continue // the same copy twice in one observation: the first wins
			}
			seen[k] = true
			var old []byte
			var first sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT record, first_seen FROM inventory WHERE cloud = $1 AND account = $2 AND region = $3 AND kind = $4 AND id = $5`,
				s.args(r.Cloud, r.Account, r.Region, r.Kind, r.ID)...).Scan(&old, &first)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, `INSERT INTO inventory (cloud, account, region, kind, id, first_seen, last_seen, record) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
					s.args(r.Cloud, r.Account, r.Region, r.Kind, r.ID, when, r.Record)...); err != nil {
					return err
				}
				changes = append(changes, InventoryChange{At: at, Change: "added", Scope: r.InventoryScope, ID: r.ID, FirstSeen: at, New: r.Record})
			case err != nil:
				return err
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE inventory SET last_seen = $6, record = $7 WHERE cloud = $1 AND account = $2 AND region = $3 AND kind = $4 AND id = $5`,
					s.args(r.Cloud, r.Account, r.Region, r.Kind, r.ID, when, r.Record)...); err != nil {
					return err
				}
				if !bytes.Equal(old, r.Record) {
					fs, _ := parseTime(first)
					changes = append(changes, InventoryChange{At: at, Change: "changed", Scope: r.InventoryScope, ID: r.ID, FirstSeen: fs, Old: old, New: r.Record})
				}
			}
		}
		for _, sc := range scopes {
			gone, err := s.absent(ctx, tx, sc, seen)
			if err != nil {
				return err
			}
			for _, g := range gone {
				if _, err := tx.ExecContext(ctx, `DELETE FROM inventory WHERE cloud = $1 AND account = $2 AND region = $3 AND kind = $4 AND id = $5`,
					s.args(sc.Cloud, sc.Account, sc.Region, sc.Kind, g.ID)...); err != nil {
					return err
				}
				changes = append(changes, InventoryChange{At: at, Change: "removed", Scope: sc, ID: g.ID, FirstSeen: g.FirstSeen, Old: g.Record})
			}
		}
		for _, c := range changes {
			fs, err := formatTime(c.FirstSeen)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inventory_changes (at, change, cloud, account, region, kind, id, first_seen, old, new) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				s.args(when, c.Change, c.Scope.Cloud, c.Scope.Account, c.Scope.Region, c.Scope.Kind, c.ID, fs, nullBytes(c.Old), nullBytes(c.New))...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply inventory: %w", err)
	}
	return changes, nil
}

func key(sc InventoryScope, id string) [5]string {
	return [5]string{sc.Cloud, sc.Account, sc.Region, sc.Kind, id}
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// absent returns the stored records of scope sc that seen lacks.
func (s *Store) absent(ctx context.Context, tx *sql.Tx, sc InventoryScope, seen map[[5]string]bool) ([]InventoryRecord, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, first_seen, record FROM inventory WHERE cloud = $1 AND account = $2 AND region = $3 AND kind = $4`,
		s.args(sc.Cloud, sc.Account, sc.Region, sc.Kind)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InventoryRecord
	for rows.Next() {
		var r InventoryRecord
		var first sql.NullString
		if err := rows.Scan(&r.ID, &first, &r.Record); err != nil {
			return nil, err
		}
		if seen[key(sc, r.ID)] {
			continue
		}
		r.InventoryScope = sc
		r.FirstSeen, _ = parseTime(first)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Inventory returns the current picture, ordered by scope and id.
func (s *Store) Inventory(ctx context.Context) ([]InventoryRecord, error) {
	var out []InventoryRecord
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT cloud, account, region, kind, id, first_seen, record FROM inventory ORDER BY cloud, account, region, kind, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r InventoryRecord
			var first sql.NullString
			if err := rows.Scan(&r.Cloud, &r.Account, &r.Region, &r.Kind, &r.ID, &first, &r.Record); err != nil {
				return err
			}
			r.FirstSeen, _ = parseTime(first)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// InventoryChanges returns the changes recorded at or after since, oldest
// first.
func (s *Store) InventoryChanges(ctx context.Context, since time.Time) ([]InventoryChange, error) {
	from, err := formatTime(since)
	if err != nil {
		return nil, err
	}
	var out []InventoryChange
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT at, change, cloud, account, region, kind, id, first_seen, old, new FROM inventory_changes WHERE at >= $1 ORDER BY at, seq`, from)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c InventoryChange
			var at, first sql.NullString
			if err := rows.Scan(&at, &c.Change, &c.Scope.Cloud, &c.Scope.Account, &c.Scope.Region, &c.Scope.Kind, &c.ID, &first, &c.Old, &c.New); err != nil {
				return err
			}
			c.At, _ = parseTime(at)
			c.FirstSeen, _ = parseTime(first)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Creators returns, for the resource ids given, the actor and time of the
// event that created each, as the correlation state recorded them (hunt
// --db or serve over the logs): the inventory's answer to "who made this
// copy" where the cloud's API does not say.
func (s *Store) Creators(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT creator FROM resources WHERE id = $1 AND creator <> ''`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			var who string
			switch err := stmt.QueryRowContext(ctx, s.args(id)...).Scan(&who); {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				out[id] = who
			}
		}
		return nil
	})
	return out, err
}

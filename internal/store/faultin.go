package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxLoadIDs bounds LoadStateOf's ids: a live engine asks for the few its
// next events name that it does not hold.
const maxLoadIDs = 10_000

// LoadStateOf returns what a live correlation engine needs to join events
// naming resources it does not hold (another partition's accounts' state,
// faulted in): the resources with those ids in any cloud, the open chains
// holding or naming any of them (their events' sources, targets and
// products), the resources those chains hold, and the principals that
// created any resource returned (the chains' actors, as far as their
// products tell; not every principal). Ids not stored are left out. The
// history span is left zero: an engine's history is its own. Order as
// LoadState; everything is read in one transaction.
func (s *Store) LoadStateOf(ctx context.Context, ids []string) (*Snapshot, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) > 0 && ids[0] == "" {
		ids = ids[1:]
	}
	if len(ids) > maxLoadIDs {
		return nil, fmt.Errorf("load state of ids: %d ids, at most %d at a time", len(ids), maxLoadIDs)
	}
	snap := new(Snapshot)
	if len(ids) == 0 {
		return snap, nil
	}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		byID := func(i int, args []any) []any { return append(args, ids[i]) }
		if err := s.loadResourcesByKey(ctx, tx, snap, []string{"id"}, len(ids), byID); err != nil {
			return fmt.Errorf("resources: %w", err)
		}
		var chainIDs []string
		if err := s.queryBatches(ctx, tx, func(k int) string {
			return `SELECT DISTINCT from_id FROM state_links WHERE ` + s.keysMatch("kind = 'resource' AND from_kind = 'chain' AND ", []string{"id"}, 1, k)
		}, len(ids), byID, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			chainIDs = append(chainIDs, id)
			return nil
		}); err != nil {
			return fmt.Errorf("chains holding them: %w", err)
		}
		chainIDs = slices.Compact(slices.Sorted(slices.Values(chainIDs)))
		if err := s.loadChainsByID(ctx, tx, snap, chainIDs); err != nil {
			return fmt.Errorf("chains: %w", err)
		}
		// The chains' resources not loaded yet.
		have := map[ResourceKey]bool{}
		for _, r := range snap.Resources {
			have[ResourceKey{r.Cloud, r.ID}] = true
		}
		var more []ResourceKey
		for _, c := range snap.Chains {
			for _, id := range c.Resources {
				if k := (ResourceKey{c.Cloud, id}); !have[k] {
					have[k] = true
					more = append(more, k)
				}
			}
		}
		if err := s.loadResourcesByKey(ctx, tx, snap, []string{"cloud", "id"}, len(more), func(i int, args []any) []any {
			return append(args, more[i].Cloud, more[i].ID)
		}); err != nil {
			return fmt.Errorf("chains' resources: %w", err)
		}
		var creators []ResourceKey // (cloud, principal id)
		seen := map[ResourceKey]bool{}
		for _, r := range snap.Resources {
			if k := (ResourceKey{r.Cloud, r.Creator}); r.Creator != "" && !seen[k] {
				seen[k] = true
				creators = append(creators, k)
			}
		}
		if err := s.queryBatches(ctx, tx, func(k int) string {
			return `SELECT cloud, id, first_seen, created, created_by FROM principals WHERE ` + s.keysMatch("", []string{"cloud", "id"}, 1, k)
		}, len(creators), func(i int, args []any) []any {
			return append(args, creators[i].Cloud, creators[i].ID)
		}, func(rows *sql.Rows) error {
			p, err := scanPrincipal(rows)
			snap.Principals = append(snap.Principals, p)
			return err
		}); err != nil {
			return fmt.Errorf("principals: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load state of ids: %w", err)
	}
	slices.SortFunc(snap.Principals, func(a, b Principal) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(snap.Resources, func(a, b Resource) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(snap.Chains, func(a, b Chain) int { return strings.Compare(a.ID, b.ID) })
	return snap, nil
}

// loadResourcesByKey appends the resources matching one of n keys over
// cols.
func (s *Store) loadResourcesByKey(ctx context.Context, tx *sql.Tx, snap *Snapshot, cols []string, n int, key func(i int, args []any) []any) error {
	return s.eachBatch(n, key, func(k int, args []any) error {
		return loadResources(ctx, tx, snap, `SELECT `+resourceSelect+` FROM resources WHERE `+s.keysMatch("", cols, 1, k), args...)
	})
}

// loadChainsByID appends the open chains among ids.
func (s *Store) loadChainsByID(ctx context.Context, tx *sql.Tx, snap *Snapshot, ids []string) error {
	return s.eachBatch(len(ids), func(i int, args []any) []any { return append(args, ids[i]) }, func(k int, args []any) error {
		return loadChains(ctx, tx, snap, `SELECT `+chainSelect+` FROM chains WHERE `+s.keysMatch("is_open = 1 AND ", []string{"id"}, 1, k)+` ORDER BY id`, args...)
	})
}

// queryBatches runs the query sqlFor(k) for n keys, k ≤ rowsPerInsert at a
// time, calling scan on each row.
func (s *Store) queryBatches(ctx context.Context, tx *sql.Tx, sqlFor func(k int) string, n int, key func(i int, args []any) []any, scan func(*sql.Rows) error) error {
	return s.eachBatch(n, key, func(k int, args []any) error {
		rows, err := tx.QueryContext(ctx, sqlFor(k), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		return errors.Join(rows.Err(), rows.Close())
	})
}

// eachBatch calls run with k ≤ rowsPerInsert keys' arguments at a time,
// readied for the driver.
func (s *Store) eachBatch(n int, key func(i int, args []any) []any, run func(k int, args []any) error) error {
	var args []any
	for start := 0; start < n; start += rowsPerInsert {
		k := min(rowsPerInsert, n-start)
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = key(i, args)
		}
		if err := run(k, s.args(args...)); err != nil {
			return err
		}
	}
	return nil
}

// scanPrincipal reads a row of principal columns (principalCols' order).
func scanPrincipal(rows *sql.Rows) (Principal, error) {
	var p Principal
	var first, created sql.NullString
	if err := rows.Scan(&p.Cloud, &p.ID, &first, &created, &p.CreatedBy); err != nil {
		return p, err
	}
	var err1, err2 error
	p.FirstSeen, err1 = parseTime(first)
	p.Created, err2 = parseTime(created)
	if err := errors.Join(err1, err2); err != nil {
		return p, fmt.Errorf("%s/%s: %w", p.Cloud, p.ID, err)
	}
	return p, nil
}

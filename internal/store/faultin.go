package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
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
		if err := s.loadResourcesByID(ctx, tx, snap, ids, nil); err != nil {
			return fmt.Errorf("resources: %w", err)
		}
		// The kinds are checked here, not in SQL: given them, SQLite scans
		// every chain's rows by the primary key instead of searching by id.
		var chainIDs []string
		if err := s.queryIn(ctx, tx, `SELECT from_kind, kind, from_id FROM state_links WHERE id IN `, nil, ids, func(rows *sql.Rows) error {
			var fromKind, kind, id string
			if err := rows.Scan(&fromKind, &kind, &id); err != nil {
				return err
			}
			if fromKind == linkChain && kind == linkResource {
				chainIDs = append(chainIDs, id)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("chains holding them: %w", err)
		}
		chainIDs = slices.Compact(slices.Sorted(slices.Values(chainIDs)))
		if err := s.queryIn(ctx, tx, `SELECT `+chainSelect+` FROM chains WHERE id IN `, nil, chainIDs, func(rows *sql.Rows) error {
			return scanChain(rows, snap)
		}); err != nil {
			return fmt.Errorf("chains: %w", err)
		}
		snap.Chains = slices.DeleteFunc(snap.Chains, func(c Chain) bool { return !c.Open })
		// The chains' resources not loaded yet, each in its chain's cloud.
		want := map[ResourceKey]bool{}
		have := map[ResourceKey]bool{}
		for _, r := range snap.Resources {
			have[ResourceKey{r.Cloud, r.ID}] = true
		}
		var more []string
		for _, c := range snap.Chains {
			for _, id := range c.Resources {
				if k := (ResourceKey{c.Cloud, id}); !have[k] && !want[k] {
					want[k] = true
					more = append(more, id)
				}
			}
		}
		more = slices.Compact(slices.Sorted(slices.Values(more)))
		if err := s.loadResourcesByID(ctx, tx, snap, more, want); err != nil {
			return fmt.Errorf("chains' resources: %w", err)
		}
		// The principals that created them, a cloud at a time (an index
		// search on the key's prefix).
		creators := map[string][]string{}
		seen := map[ResourceKey]bool{}
		for _, r := range snap.Resources {
			if k := (ResourceKey{r.Cloud, r.Creator}); r.Creator != "" && !seen[k] {
				seen[k] = true
				creators[r.Cloud] = append(creators[r.Cloud], r.Creator)
			}
		}
		for _, cloud := range slices.Sorted(maps.Keys(creators)) {
			if err := s.queryIn(ctx, tx, `SELECT cloud, id, first_seen, created, created_by FROM principals WHERE cloud = `+s.d.placeholder(1)+` AND id IN `,
				[]any{cloud}, creators[cloud], func(rows *sql.Rows) error {
					p, err := scanPrincipal(rows)
					snap.Principals = append(snap.Principals, p)
					return err
				}); err != nil {
				return fmt.Errorf("principals: %w", err)
			}
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

// loadResourcesByID appends the resources with the ids given, in any
// cloud, or only those keep holds when it is not nil.
func (s *Store) loadResourcesByID(ctx context.Context, tx *sql.Tx, snap *Snapshot, ids []string, keep map[ResourceKey]bool) error {
	var found Snapshot
	if err := s.queryIn(ctx, tx, `SELECT `+resourceSelect+` FROM resources WHERE id IN `, nil, ids, func(rows *sql.Rows) error {
		return scanResource(rows, &found)
	}); err != nil {
		return err
	}
	for _, r := range found.Resources {
		if keep == nil || keep[ResourceKey{r.Cloud, r.ID}] {
			snap.Resources = append(snap.Resources, r)
		}
	}
	return nil
}

// queryIn runs query, which ends in "IN " and takes fixed arguments
// first, for the values given, rowsPerInsert at a time, calling scan on
// each row. An IN list, not ORed terms: PostgreSQL with fresh statistics
// scans a whole table for the latter.
func (s *Store) queryIn(ctx context.Context, tx *sql.Tx, query string, fixed []any, values []string, scan func(*sql.Rows) error) error {
	for start := 0; start < len(values); start += rowsPerInsert {
		batch := values[start:min(start+rowsPerInsert, len(values))]
		args := slices.Clone(fixed)
		var b strings.Builder
		b.WriteString(query)
		b.WriteByte('(')
		for i, v := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.d.placeholder(len(fixed) + i + 1))
			args = append(args, v)
		}
		b.WriteByte(')')
		if err := s.eachRow(ctx, tx, b.String(), args, scan); err != nil {
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

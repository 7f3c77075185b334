package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// StateDelta is what changed in the correlation state since the previous
// checkpoint: whole rows for what was created or modified (the shapes of
// Snapshot), keys for what was deleted. ApplyState writes it.
type StateDelta struct {
	HistoryStart, HistoryEnd time.Time // as in Snapshot; zero leaves the stored value (a marks-only delta)
	Principals               []Principal
	Resources                []Resource
	Chains                   []Chain
	DeletedResources         []ResourceKey
	DeletedChains            []string // chain ids
	// Full says the delta is the whole state (the engine lost track of its
	// changes): ApplyState then replaces the state as SaveState does.
	Full bool
}

// ResourceKey is the key of a stored resource.
type ResourceKey struct{ Cloud, ID string }

// resourceKey is the package's own name for it.
type resourceKey = ResourceKey

// Empty reports whether applying d would change no row but the history.
func (d *StateDelta) Empty() bool {
	return !d.Full && len(d.Principals)+len(d.Resources)+len(d.Chains)+len(d.DeletedResources)+len(d.DeletedChains) == 0
}

// Then returns one delta that does what applying d and then next does: a
// checkpoint whose write failed is kept and goes out with the next one.
// Neither d nor next is changed.
func (d *StateDelta) Then(next *StateDelta) *StateDelta {
	if next.Full {
		return next
	}
	out := &StateDelta{HistoryStart: d.HistoryStart, HistoryEnd: d.HistoryEnd, Full: d.Full}
	if !next.HistoryStart.IsZero() {
		out.HistoryStart = next.HistoryStart
	}
	if !next.HistoryEnd.IsZero() {
		out.HistoryEnd = next.HistoryEnd
	}
	out.Principals = thenRows(d.Principals, next.Principals, nil, principalKey)
	out.Resources = thenRows(d.Resources, next.Resources, next.DeletedResources, resourceRowKey)
	goneChains := keysOf(next.DeletedChains)
	out.Chains = thenRows(d.Chains, next.Chains, goneChains, chainKey)
	if d.Full {
		return out // the whole state: what is not in it is gone anyway
	}
	out.DeletedResources = thenDeleted(d.DeletedResources, next.DeletedResources, out.Resources, resourceRowKey)
	for _, k := range thenDeleted(keysOf(d.DeletedChains), goneChains, out.Chains, chainKey) {
		out.DeletedChains = append(out.DeletedChains, k.ID)
	}
	return out
}

// thenRows is the rows of a then b: b's row of a key replaces a's, and a
// key b deletes goes.
func thenRows[T any](a, b []T, deleted []ResourceKey, key func(T) ResourceKey) []T {
	gone := make(map[ResourceKey]bool, len(deleted)+len(b))
	for _, k := range deleted {
		gone[k] = true
	}
	for _, x := range b {
		gone[key(x)] = true // replaced
	}
	var out []T
	for _, x := range a {
		if !gone[key(x)] {
			out = append(out, x)
		}
	}
	return append(out, b...)
}

// thenDeleted is the keys deleted by a then b, less those written again
// (rows, the merged ones).
func thenDeleted[T any](a, b []ResourceKey, rows []T, key func(T) ResourceKey) []ResourceKey {
	live := make(map[ResourceKey]bool, len(rows))
	for _, x := range rows {
		live[key(x)] = true
	}
	seen := map[ResourceKey]bool{}
	var out []ResourceKey
	for _, k := range slices.Concat(a, b) {
		if !live[k] && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// The keys rows are stored under; a chain's has its id alone.
func principalKey(p Principal) ResourceKey  { return ResourceKey{p.Cloud, p.ID} }
func resourceRowKey(r Resource) ResourceKey { return ResourceKey{r.Cloud, r.ID} }
func chainKey(c Chain) ResourceKey          { return ResourceKey{ID: c.ID} }

// keysOf gives chain ids as keys.
func keysOf(ids []string) []ResourceKey {
	out := make([]ResourceKey, len(ids))
	for i, id := range ids {
		out[i] = ResourceKey{ID: id}
	}
	return out
}

// ApplyState writes a checkpoint in one transaction: the deletions, then
// the upserts of d, the cross-account links of what changed, and marks
// (opaque key → value: what the checkpoint covers, e.g. an ingest-queue
// sequence), so that state and marks are never out of step. Rows d does not
// name are left alone: instances owning different accounts may apply their
// deltas to one database. A key given twice, or an empty id, is an error;
// a Full delta replaces the whole state (marks are kept and updated).
func (s *Store) ApplyState(ctx context.Context, d *StateDelta, marks map[string]string) error {
	if d == nil {
		return errors.New("apply state: nil delta")
	}
	if dup := d.duplicate(); dup != "" {
		return fmt.Errorf("apply state: %s given twice", dup)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		if d.Full {
			snap := &Snapshot{HistoryStart: d.HistoryStart, HistoryEnd: d.HistoryEnd,
				Principals: d.Principals, Resources: d.Resources, Chains: d.Chains}
			if err := s.replaceState(ctx, tx, snap); err != nil {
				return err
			}
		} else if err := s.applyDelta(ctx, tx, d); err != nil {
			return err
		}
		return s.putMarks(ctx, tx, marks)
	})
	if err != nil {
		return fmt.Errorf("apply state: %w", err)
	}
	return nil
}

func (s *Store) applyDelta(ctx context.Context, tx *sql.Tx, d *StateDelta) error {
	if err := s.putMeta(ctx, tx, d); err != nil {
		return err
	}
	// One order everywhere: two instances writing overlapping rows wait
	// for each other instead of deadlocking.
	ps := slices.Clone(d.Principals)
	slices.SortFunc(ps, func(a, b Principal) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	rs := slices.Clone(d.Resources)
	slices.SortFunc(rs, func(a, b Resource) int { return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID)) })
	cs := slices.Clone(d.Chains)
	slices.SortFunc(cs, func(a, b Chain) int { return strings.Compare(a.ID, b.ID) })
	gone := slices.Clone(d.DeletedResources)
	slices.SortFunc(gone, compareKeys)
	goneChains := slices.Sorted(slices.Values(d.DeletedChains))

	if err := s.deleteWhere(ctx, tx, "resources", "", []string{"cloud", "id"}, len(gone), func(i int, args []any) []any {
		return append(args, gone[i].Cloud, gone[i].ID)
	}); err != nil {
		return fmt.Errorf("delete resources: %w", err)
	}
	if err := s.deleteWhere(ctx, tx, "chains", "", []string{"id"}, len(goneChains), func(i int, args []any) []any {
		return append(args, goneChains[i])
	}); err != nil {
		return fmt.Errorf("delete chains: %w", err)
	}
	if err := s.upsertRows(ctx, tx, "principals", principalCols, 2, len(ps), func(i int, args []any) ([]any, error) {
		return principalArgs(&ps[i], args)
	}); err != nil {
		return fmt.Errorf("principals: %w", err)
	}
	if err := s.upsertRows(ctx, tx, "resources", resourceCols, 2, len(rs), func(i int, args []any) ([]any, error) {
		return resourceArgs(&rs[i], args)
	}); err != nil {
		return fmt.Errorf("resources: %w", err)
	}
	if err := s.upsertRows(ctx, tx, "chains", chainCols, 1, len(cs), func(i int, args []any) ([]any, error) {
		return chainArgs(&cs[i], args)
	}); err != nil {
		return fmt.Errorf("chains: %w", err)
	}
	if err := s.updateLinks(ctx, tx, rs, cs, gone, goneChains); err != nil {
		return fmt.Errorf("links: %w", err)
	}
	return nil
}

// putMeta writes the history span; a zero time leaves the stored one (an
// engine's history only widens once it has one).
func (s *Store) putMeta(ctx context.Context, tx *sql.Tx, d *StateDelta) error {
	for _, kv := range []struct {
		key string
		t   time.Time
	}{{metaHistoryStart, d.HistoryStart}, {metaHistoryEnd, d.HistoryEnd}} {
		if kv.t.IsZero() {
			continue
		}
		v, err := formatTime(kv.t)
		if err != nil {
			return fmt.Errorf("%s: %w", kv.key, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO state_meta (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, kv.key, v); err != nil {
			return fmt.Errorf("%s: %w", kv.key, err)
		}
	}
	return nil
}

// putMarks upserts marks, in key order.
func (s *Store) putMarks(ctx context.Context, tx *sql.Tx, marks map[string]string) error {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range marks {
			if !yield(k) {
				return
			}
		}
	})
	return s.upsertRows(ctx, tx, "state_marks", []string{"key", "value"}, 1, len(keys), func(i int, args []any) ([]any, error) {
		return append(args, keys[i], marks[keys[i]]), nil
	})
}

// StateMarks returns the marks the last ApplyState stored (an empty map
// when none).
func (s *Store) StateMarks(ctx context.Context) (map[string]string, error) {
	marks := map[string]string{}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT key, value FROM state_marks`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return err
			}
			marks[k] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("state marks: %w", err)
	}
	return marks, nil
}

// upsertRows inserts n rows into table, replacing the non-key columns of
// rows whose first keyCols columns exist; rowsPerInsert rows a statement.
func (s *Store) upsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, keyCols, n int, fill func(i int, args []any) ([]any, error)) error {
	var set []string
	for _, c := range cols[keyCols:] {
		set = append(set, c+" = excluded."+c)
	}
	suffix := " ON CONFLICT (" + strings.Join(cols[:keyCols], ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
	return s.execBatches(ctx, tx, len(cols), n, func(k int) string {
		return insertSQL(s.d.placeholder, table, cols, k) + suffix
	}, fill)
}

// keysMatch is (cond c1 = p AND c2 = p) OR … for k keys, numbering
// placeholders from first; cond is empty or ends in AND. It is repeated in
// each term so that SQLite searches an index for each (a MULTI-INDEX OR)
// instead of scanning what cond alone selects.
func (s *Store) keysMatch(cond string, cols []string, first, k int) string {
	var b strings.Builder
	b.WriteByte('(')
	p := first
	for r := range k {
		if r > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('(')
		b.WriteString(cond)
		for i, c := range cols {
			if i > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(c + " = " + s.d.placeholder(p))
			p++
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

// execBatches runs the statement sqlFor(k) over n rows, k ≤ rowsPerInsert
// at a time; fill appends row i's perRow values.
func (s *Store) execBatches(ctx context.Context, tx *sql.Tx, perRow, n int, sqlFor func(k int) string, fill func(i int, args []any) ([]any, error)) error {
	var (
		stmt     *sql.Stmt
		stmtRows int
		args     = make([]any, 0, min(n, rowsPerInsert)*perRow)
	)
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for start := 0; start < n; start += rowsPerInsert {
		k := min(rowsPerInsert, n-start)
		if k != stmtRows {
			if stmt != nil {
				stmt.Close()
			}
			var err error
			if stmt, err = tx.PrepareContext(ctx, sqlFor(k)); err != nil {
				stmt = nil
				return err
			}
			stmtRows = k
		}
		args = args[:0]
		for i := start; i < start+k; i++ {
			var err error
			if args, err = fill(i, args); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx, s.args(args...)...); err != nil {
			return err
		}
	}
	return nil
}

func compareKeys(a, b ResourceKey) int {
	return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
}

// duplicate names the first key d gives twice, or returns "".
func (d *StateDelta) duplicate() string {
	snap := &Snapshot{Principals: d.Principals, Resources: d.Resources, Chains: d.Chains}
	if dup := snap.duplicate(); dup != "" {
		return dup
	}
	seen := make(map[ResourceKey]bool, len(d.DeletedResources))
	for _, k := range d.DeletedResources {
		if seen[k] {
			return fmt.Sprintf("deleted resource %s/%s", k.Cloud, k.ID)
		}
		seen[k] = true
	}
	clear(seen)
	for _, id := range d.DeletedChains {
		k := ResourceKey{ID: id}
		if seen[k] {
			return "deleted chain " + id
		}
		seen[k] = true
	}
	return ""
}

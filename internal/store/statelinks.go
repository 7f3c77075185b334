package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// Cross-account links let one account's share of the correlation state be
// loaded alone (LoadStateFor): a copy shared with account X, and the chain
// that shared it, must reach X's loader although they are the source
// account's. state_links holds, for each such need, which row (from) made
// it: a resource whose parent or link (peer) is in another account gives a
// pair — each account needs the other's resource —, a chain that reaches
// other accounts gives them the chain and its resources, and every chain
// gives its own account its resources (by which LoadStateOf finds it).

const (
	linkResource = "resource"
	linkChain    = "chain"
)

// linkRow is a row of state_links.
type linkRow struct {
	account, kind, cloud, id, fromKind, fromCloud, fromID, peer string
}

var linkCols = []string{"account", "kind", "cloud", "id", "from_kind", "from_cloud", "from_id", "peer"}

// linkSet collects link rows once each.
type linkSet struct {
	rows []linkRow
	seen map[linkRow]bool
}

func newLinkSet() *linkSet { return &linkSet{seen: map[linkRow]bool{}} }

func (l *linkSet) add(r linkRow) {
	if !l.seen[r] {
		l.seen[r] = true
		l.rows = append(l.rows, r)
	}
}

// pair records that resource r and its parent or link peer (in account
// peerAccount) are in different accounts: each account needs the other's.
func (l *linkSet) pair(r *Resource, peer, peerAccount string) {
	if peerAccount == r.Account {
		return
	}
	l.add(linkRow{r.Account, linkResource, r.Cloud, peer, linkResource, r.Cloud, r.ID, peer})
	l.add(linkRow{peerAccount, linkResource, r.Cloud, r.ID, linkResource, r.Cloud, r.ID, peer})
}

// resource adds r's pairs; accountOf gives a resource's account, false
// when it is not stored (then nothing needs it).
func (l *linkSet) resource(r *Resource, accountOf func(ResourceKey) (string, bool)) {
	for _, peer := range peers(r) {
		if a, ok := accountOf(ResourceKey{r.Cloud, peer}); ok {
			l.pair(r, peer, a)
		}
	}
}

// peers are the resources r refers to: its parent and its links.
func peers(r *Resource) []string {
	var out []string
	for _, id := range append([]string{r.Parent}, r.Links...) {
		if id != "" && id != r.ID && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// chain gives every other account c reaches the chain, and each account
// involved (its own too) the chain's resources. Its own account's rows are
// written even when it reaches no other: through them LoadStateOf finds
// the chain by a resource it holds (a copy made public, then copied by an
// account the chain does not name yet).
func (l *linkSet) chain(c *Chain) {
	for _, a := range c.Accounts {
		if a != c.Account {
			l.add(linkRow{a, linkChain, "", c.ID, linkChain, "", c.ID, ""})
		}
	}
	for _, a := range append([]string{c.Account}, c.Accounts...) {
		for _, id := range c.Resources {
			l.add(linkRow{a, linkResource, c.Cloud, id, linkChain, "", c.ID, ""})
		}
	}
}

// insertLinks stores links' rows; a row already there stays.
func (s *Store) insertLinks(ctx context.Context, tx *sql.Tx, links *linkSet) error {
	rows := links.rows
	slices.SortFunc(rows, func(a, b linkRow) int {
		for _, c := range [][2]string{{a.fromKind, b.fromKind}, {a.fromCloud, b.fromCloud}, {a.fromID, b.fromID}, {a.peer, b.peer},
			{a.account, b.account}, {a.kind, b.kind}, {a.cloud, b.cloud}, {a.id, b.id}} {
			if c[0] != c[1] {
				if c[0] < c[1] {
					return -1
				}
				return 1
			}
		}
		return 0
	})
	return s.execBatches(ctx, tx, len(linkCols), len(rows), func(k int) string {
		return insertSQL(s.d.placeholder, "state_links", linkCols, k) + " ON CONFLICT DO NOTHING"
	}, func(i int, args []any) ([]any, error) {
		r := &rows[i]
		return append(args, r.account, r.kind, r.cloud, r.id, r.fromKind, r.fromCloud, r.fromID, r.peer), nil
	})
}

// updateLinks brings state_links in step with a delta already written:
// the rows made by what changed or went are dropped, with the pairs whose
// peer went, and those of the changed rows computed again, along with the
// pairs of stored resources whose parent is among the changed ones (a copy
// evicted and seen again).
func (s *Store) updateLinks(ctx context.Context, tx *sql.Tx, rs []Resource, cs []Chain, gone []ResourceKey, goneChains []string) error {
	from := make([]ResourceKey, 0, len(rs)+len(gone))
	for _, r := range rs {
		from = append(from, ResourceKey{r.Cloud, r.ID})
	}
	from = append(from, gone...)
	if err := s.deleteWhere(ctx, tx, "state_links", "from_kind = 'resource' AND ", []string{"from_cloud", "from_id"}, len(from), func(i int, args []any) []any {
		return append(args, from[i].Cloud, from[i].ID)
	}); err != nil {
		return err
	}
	// Only a resource's rows have a peer (a chain's is empty), so the peer
	// index alone finds them.
	if err := s.deleteWhere(ctx, tx, "state_links", "", []string{"from_cloud", "peer"}, len(gone), func(i int, args []any) []any {
		return append(args, gone[i].Cloud, gone[i].ID)
	}); err != nil {
		return err
	}
	chains := make([]string, 0, len(cs)+len(goneChains))
	for _, c := range cs {
		chains = append(chains, c.ID)
	}
	chains = append(chains, goneChains...)
	if err := s.deleteWhere(ctx, tx, "state_links", "from_kind = 'chain' AND from_cloud = '' AND ", []string{"from_id"}, len(chains), func(i int, args []any) []any {
		return append(args, chains[i])
	}); err != nil {
		return err
	}

	accounts := make(map[ResourceKey]string, len(rs))
	for _, r := range rs {
		accounts[ResourceKey{r.Cloud, r.ID}] = r.Account
	}
	var missing []ResourceKey
	for i := range rs {
		for _, p := range peers(&rs[i]) {
			k := ResourceKey{rs[i].Cloud, p}
			if _, ok := accounts[k]; !ok && !slices.Contains(missing, k) {
				missing = append(missing, k)
			}
		}
	}
	if err := s.queryKeys(ctx, tx, "SELECT cloud, id, account FROM resources WHERE ", []string{"cloud", "id"}, len(missing), func(i int, args []any) []any {
		return append(args, missing[i].Cloud, missing[i].ID)
	}, func(rows *sql.Rows) error {
		var k ResourceKey
		var a string
		if err := rows.Scan(&k.Cloud, &k.ID, &a); err != nil {
			return err
		}
		accounts[k] = a
		return nil
	}); err != nil {
		return fmt.Errorf("peers' accounts: %w", err)
	}
	links := newLinkSet()
	for i := range rs {
		links.resource(&rs[i], func(k ResourceKey) (string, bool) { a, ok := accounts[k]; return a, ok })
	}
	if err := s.queryKeys(ctx, tx, "SELECT cloud, id, account, parent FROM resources WHERE ", []string{"cloud", "parent"}, len(rs), func(i int, args []any) []any {
		return append(args, rs[i].Cloud, rs[i].ID)
	}, func(rows *sql.Rows) error {
		var child Resource
		if err := rows.Scan(&child.Cloud, &child.ID, &child.Account, &child.Parent); err != nil {
			return err
		}
		if a, ok := accounts[ResourceKey{child.Cloud, child.Parent}]; ok {
			links.pair(&child, child.Parent, a)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("children: %w", err)
	}
	for i := range cs {
		links.chain(&cs[i])
	}
	return s.insertLinks(ctx, tx, links)
}

// deleteWhere deletes the rows of table matching cond (empty, or ending in AND)
// and one of n keys over cols.
func (s *Store) deleteWhere(ctx context.Context, tx *sql.Tx, table, cond string, cols []string, n int, key func(i int, args []any) []any) error {
	return s.execBatches(ctx, tx, len(cols), n, func(k int) string {
		return "DELETE FROM " + table + " WHERE " + s.keysMatch(cond, cols, 1, k)
	}, func(i int, args []any) ([]any, error) { return key(i, args), nil })
}

// queryKeys runs query (ending in WHERE) for n keys over cols, a batch at a
// time, calling scan on each row.
func (s *Store) queryKeys(ctx context.Context, tx *sql.Tx, query string, cols []string, n int, key func(i int, args []any) []any, scan func(*sql.Rows) error) error {
	var args []any
	for start := 0; start < n; start += rowsPerInsert {
		k := min(rowsPerInsert, n-start)
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = key(i, args)
		}
		if err := s.eachRow(ctx, tx, query+s.keysMatch("", cols, 1, k), args, scan); err != nil {
			return err
		}
	}
	return nil
}

// eachRow runs query with args and calls scan on each row it returns.
func (s *Store) eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, s.args(args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}

// maxLoadAccounts bounds LoadStateFor's accounts (two placeholders each).
const maxLoadAccounts = 10_000

// LoadStateFor returns the part of the stored state a correlation engine
// owning accounts needs: the history span, every principal (they are few
// and an actor acts across accounts), the resources and chains of those
// accounts, and the other accounts' resources and chains linked to them
// (a parent, a link or a chain across accounts; one hop: a linked
// resource's own parent in its account is not loaded). Order as LoadState.
func (s *Store) LoadStateFor(ctx context.Context, accounts []string) (*Snapshot, error) {
	accts := slices.Compact(slices.Sorted(slices.Values(accounts)))
	if len(accts) > maxLoadAccounts {
		return nil, fmt.Errorf("load state: %d accounts, at most %d at a time", len(accts), maxLoadAccounts)
	}
	snap := new(Snapshot)
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := loadMeta(ctx, tx, snap); err != nil {
			return err
		}
		if err := loadPrincipals(ctx, tx, snap); err != nil {
			return fmt.Errorf("principals: %w", err)
		}
		if len(accts) == 0 {
			return nil
		}
		own, linked, args := s.inAccounts(accts)
		if err := loadResources(ctx, tx, snap, `SELECT `+resourceSelect+` FROM resources WHERE account IN `+own+
			` UNION SELECT `+resourceSelect+` FROM resources WHERE (cloud, id) IN
				(SELECT cloud, id FROM state_links WHERE kind = 'resource' AND account IN `+linked+`)
			ORDER BY cloud, id`, args...); err != nil {
			return fmt.Errorf("resources: %w", err)
		}
		if err := loadChains(ctx, tx, snap, `SELECT `+chainSelect+` FROM chains WHERE account IN `+own+
			` UNION SELECT `+chainSelect+` FROM chains WHERE id IN
				(SELECT id FROM state_links WHERE kind = 'chain' AND account IN `+linked+`)
			ORDER BY id`, args...); err != nil {
			return fmt.Errorf("chains: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load state: %w", err)
	}
	return snap, nil
}

// inAccounts gives two (…) lists of placeholders for accts and the
// arguments of both, in order.
func (s *Store) inAccounts(accts []string) (own, linked string, args []any) {
	list := func(first int) string {
		b := []byte{'('}
		for i := range accts {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, s.d.placeholder(first+i)...)
		}
		return string(append(b, ')'))
	}
	for range 2 {
		for _, a := range accts {
			args = append(args, a)
		}
	}
	return list(1), list(len(accts) + 1), s.args(args...)
}

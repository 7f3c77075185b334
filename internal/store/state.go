package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Principal is an actor the engine has seen.
type Principal struct {
	Cloud, ID string
	FirstSeen time.Time // earliest event time this principal acted
	Created   time.Time // zero: creation not seen
	CreatedBy string    // id of the event that created it or gave it credentials
}

// Resource is a node of the resource lineage graph.
type Resource struct {
	Cloud, ID, Type, Account string
	Created                  time.Time // time of the creating event
	Creator                  string    // actor id of the creating event
	CreatedBy                string    // id of the creating event
	Parent                   string    // id of the resource it was copied or restored from ("" none)
	Critical                 bool
	Links                    []string  // ids it is attached to or associated with (instance, SGs, tags…)
	Seen                     time.Time // last time an event touched it (for TTL)
	Open                     []byte    // a network object's opening to inbound traffic (the engine's JSON); nil none
}

// Chain is the engine's state for one open or closed chain finding.
type Chain struct {
	ID, Rule, Cloud, Account string
	Updated                  time.Time
	Open                     bool
	State                    []byte   // the engine's own JSON, stored as given
	Accounts                 []string // other accounts it reaches (share targets, its events' and resources' accounts)
	Resources                []string // ids (in its Cloud) of the resources it holds: their loaders need them
}

// Snapshot is the whole correlation state. Times load in UTC with their
// nanoseconds; empty lists (Links, State, the slices) load as nil.
type Snapshot struct {
	HistoryStart time.Time // earliest event time ever observed (first-seen means something only after it)
	HistoryEnd   time.Time // latest event time observed
	Principals   []Principal
	Resources    []Resource
	Chains       []Chain
}

// state_meta keys.
const (
	metaHistoryStart = "history_start"
	metaHistoryEnd   = "history_end"
)

var (
	stateTables   = []string{"state_meta", "principals", "resources", "chains", "state_links"}
	principalCols = []string{"cloud", "id", "first_seen", "created", "created_by"}
	resourceCols  = []string{"cloud", "id", "type", "account", "created", "creator", "created_by", "parent", "critical", "links", "seen", "open"}
	chainCols     = []string{"id", "rule", "cloud", "account", "updated", "is_open", "state", "accounts", "resources"}
)

// SaveState replaces the whole correlation state with snap in one
// transaction: rows absent from snap are deleted, and a failure or a crash
// part way leaves the previous state as it was. Saves from several Stores
// on one database take turns; the last one committed is the state. Each
// principal and resource is keyed by (Cloud, ID) and each chain by ID; a key
// given twice, or an empty ID, is an error.
func (s *Store) SaveState(ctx context.Context, snap *Snapshot) error {
	if snap == nil {
		return errors.New("save state: nil snapshot")
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error { return s.replaceState(ctx, tx, snap) })
	if err != nil {
		// A primary key violation says only which table; find the key.
		if dup := snap.duplicate(); dup != "" {
			return fmt.Errorf("save state: %s given twice", dup)
		}
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// replaceState is SaveState's transaction: every state table emptied and
// filled from snap, the cross-account links recomputed from it.
func (s *Store) replaceState(ctx context.Context, tx *sql.Tx, snap *Snapshot) error {
	// Another instance's save waits for this one (or this for it): two
	// saves interleaved would leave rows of both.
	if err := s.lock(ctx, tx, stateTables...); err != nil {
		return fmt.Errorf("lock state: %w", err)
	}
	for _, table := range stateTables {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	if err := saveMeta(ctx, tx, snap); err != nil {
		return err
	}
	if err := s.insertRows(ctx, tx, "principals", principalCols, len(snap.Principals), func(i int, args []any) ([]any, error) {
		return principalArgs(&snap.Principals[i], args)
	}); err != nil {
		return fmt.Errorf("principals: %w", err)
	}
	if err := s.insertRows(ctx, tx, "resources", resourceCols, len(snap.Resources), func(i int, args []any) ([]any, error) {
		return resourceArgs(&snap.Resources[i], args)
	}); err != nil {
		return fmt.Errorf("resources: %w", err)
	}
	if err := s.insertRows(ctx, tx, "chains", chainCols, len(snap.Chains), func(i int, args []any) ([]any, error) {
		return chainArgs(&snap.Chains[i], args)
	}); err != nil {
		return fmt.Errorf("chains: %w", err)
	}
	accounts := make(map[resourceKey]string, len(snap.Resources))
	for _, r := range snap.Resources {
		accounts[resourceKey{r.Cloud, r.ID}] = r.Account
	}
	links := newLinkSet()
	for i := range snap.Resources {
		links.resource(&snap.Resources[i], func(k resourceKey) (string, bool) { a, ok := accounts[k]; return a, ok })
	}
	for i := range snap.Chains {
		links.chain(&snap.Chains[i])
	}
	if err := s.insertLinks(ctx, tx, links); err != nil {
		return fmt.Errorf("links: %w", err)
	}
	return nil
}

func saveMeta(ctx context.Context, tx *sql.Tx, snap *Snapshot) error {
	for _, kv := range []struct {
		key string
		t   time.Time
	}{{metaHistoryStart, snap.HistoryStart}, {metaHistoryEnd, snap.HistoryEnd}} {
		if kv.t.IsZero() {
			continue
		}
		v, err := formatTime(kv.t)
		if err != nil {
			return fmt.Errorf("%s: %w", kv.key, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO state_meta (key, value) VALUES ($1, $2)`, kv.key, v); err != nil {
			return fmt.Errorf("%s: %w", kv.key, err)
		}
	}
	return nil
}

func principalArgs(p *Principal, args []any) ([]any, error) {
	if p.ID == "" {
		return nil, fmt.Errorf("principal with an empty id (cloud %q)", p.Cloud)
	}
	first, err1 := nullTime(p.FirstSeen)
	created, err2 := nullTime(p.Created)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("principal %s/%s: %w", p.Cloud, p.ID, err)
	}
	return append(args, p.Cloud, p.ID, first, created, p.CreatedBy), nil
}

func resourceArgs(r *Resource, args []any) ([]any, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("resource with an empty id (cloud %q)", r.Cloud)
	}
	created, err1 := nullTime(r.Created)
	seen, err2 := nullTime(r.Seen)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("resource %s/%s: %w", r.Cloud, r.ID, err)
	}
	var open any
	if len(r.Open) > 0 {
		open = r.Open
	}
	return append(args, r.Cloud, r.ID, r.Type, r.Account, created, r.Creator, r.CreatedBy, r.Parent, boolInt(r.Critical), joinLinks(r.Links), seen, open), nil
}

func chainArgs(c *Chain, args []any) ([]any, error) {
	if c.ID == "" {
		return nil, fmt.Errorf("chain with an empty id (rule %q)", c.Rule)
	}
	updated, err := nullTime(c.Updated)
	if err != nil {
		return nil, fmt.Errorf("chain %s: %w", c.ID, err)
	}
	var state any
	if len(c.State) > 0 {
		state = c.State
	}
	return append(args, c.ID, c.Rule, c.Cloud, c.Account, updated, boolInt(c.Open), state, joinLinks(c.Accounts), joinLinks(c.Resources)), nil
}

// duplicate names the first key snap gives twice, or returns "".
func (snap *Snapshot) duplicate() string {
	type key struct{ cloud, id string }
	seen := make(map[key]bool, len(snap.Principals))
	for _, p := range snap.Principals {
		k := key{p.Cloud, p.ID}
		if seen[k] {
			return fmt.Sprintf("principal %s/%s", p.Cloud, p.ID)
		}
		seen[k] = true
	}
	clear(seen)
	for _, r := range snap.Resources {
		k := key{r.Cloud, r.ID}
		if seen[k] {
			return fmt.Sprintf("resource %s/%s", r.Cloud, r.ID)
		}
		seen[k] = true
	}
	clear(seen)
	for _, c := range snap.Chains {
		k := key{id: c.ID}
		if seen[k] {
			return fmt.Sprintf("chain %s", c.ID)
		}
		seen[k] = true
	}
	return ""
}

// LoadState returns the state the last SaveState committed (an empty
// Snapshot when there was none), principals and resources ordered by
// (Cloud, ID), chains by ID. A save running meanwhile is not seen half done.
func (s *Store) LoadState(ctx context.Context) (*Snapshot, error) {
	snap := new(Snapshot)
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := loadMeta(ctx, tx, snap); err != nil {
			return err
		}
		if err := loadPrincipals(ctx, tx, snap); err != nil {
			return fmt.Errorf("principals: %w", err)
		}
		if err := loadResources(ctx, tx, snap, `SELECT `+resourceSelect+` FROM resources ORDER BY cloud, id`); err != nil {
			return fmt.Errorf("resources: %w", err)
		}
		if err := loadChains(ctx, tx, snap, `SELECT `+chainSelect+` FROM chains ORDER BY id`); err != nil {
			return fmt.Errorf("chains: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load state: %w", err)
	}
	return snap, nil
}

func loadMeta(ctx context.Context, tx *sql.Tx, snap *Snapshot) error {
	rows, err := tx.QueryContext(ctx, `SELECT key, value FROM state_meta`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var v sql.NullString
		if err := rows.Scan(&key, &v); err != nil {
			return err
		}
		t, err := parseTime(v)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		switch key {
		case metaHistoryStart:
			snap.HistoryStart = t
		case metaHistoryEnd:
			snap.HistoryEnd = t
		}
	}
	return rows.Err()
}

func loadPrincipals(ctx context.Context, tx *sql.Tx, snap *Snapshot) error {
	rows, err := tx.QueryContext(ctx, `SELECT cloud, id, first_seen, created, created_by FROM principals ORDER BY cloud, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPrincipal(rows)
		if err != nil {
			return err
		}
		snap.Principals = append(snap.Principals, p)
	}
	return rows.Err()
}

// resourceSelect and chainSelect are the columns loadResources and
// loadChains scan, in their order.
const (
	resourceSelect = `cloud, id, type, account, created, creator, created_by, parent, critical, links, seen, open`
	chainSelect    = `id, rule, cloud, account, updated, is_open, state, accounts, resources`
)

// loadResources appends the rows query (selecting resourceSelect) gives.
func loadResources(ctx context.Context, tx *sql.Tx, snap *Snapshot, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scanResource(rows, snap); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanResource appends the resource in a row selecting resourceSelect.
func scanResource(rows *sql.Rows, snap *Snapshot) error {
	var r Resource
	var created, links, seen sql.NullString
	var critical int
	if err := rows.Scan(&r.Cloud, &r.ID, &r.Type, &r.Account, &created, &r.Creator, &r.CreatedBy, &r.Parent, &critical, &links, &seen, &r.Open); err != nil {
		return err
	}
	r.Critical = critical != 0
	if links.Valid {
		r.Links = splitLinks(links.String)
	}
	var err1, err2 error
	r.Created, err1 = parseTime(created)
	r.Seen, err2 = parseTime(seen)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%s/%s: %w", r.Cloud, r.ID, err)
	}
	snap.Resources = append(snap.Resources, r)
	return nil
}

// loadChains appends the rows query (selecting chainSelect) gives.
func loadChains(ctx context.Context, tx *sql.Tx, snap *Snapshot, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scanChain(rows, snap); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanChain appends the chain in a row selecting chainSelect.
func scanChain(rows *sql.Rows, snap *Snapshot) error {
	var c Chain
	var updated, accounts, resources sql.NullString
	var open int
	if err := rows.Scan(&c.ID, &c.Rule, &c.Cloud, &c.Account, &updated, &open, &c.State, &accounts, &resources); err != nil {
		return err
	}
	if accounts.Valid {
		c.Accounts = splitLinks(accounts.String)
	}
	if resources.Valid {
		c.Resources = splitLinks(resources.String)
	}
	c.Open = open != 0
	if len(c.State) == 0 {
		c.State = nil
	}
	var err error
	if c.Updated, err = parseTime(updated); err != nil {
		return fmt.Errorf("%s: %w", c.ID, err)
	}
	snap.Chains = append(snap.Chains, c)
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

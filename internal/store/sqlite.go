package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Everything that knows it talks to SQLite lives in this file: the DSN, the
// pragmas, the two pools and the driver's error codes. The SQL elsewhere is
// portable (ON CONFLICT upserts, $N placeholders, CASE instead of MAX(a,b));
// postgres.go is the other dialect.

const (
	sqliteDriver = "sqlite"

	// busyTimeoutMS is how long a statement waits for another process's
	// write lock (hunt and serve on one file) before failing.
	busyTimeoutMS = 5000

	// readers bounds the read pool: each connection has its own page cache.
	readers = 4
)

// sqliteDialect is SQLite's part of a Store.
var sqliteDialect = &dialect{
	name: "sqlite",
	// Generated multi-row INSERTs use SQLite's anonymous ? because binding a
	// named one ($N is a name to SQLite) scans a list of every name in the
	// statement, which made a 2816-parameter INSERT quadratic: 100 µs a row
	// instead of a few.
	placeholder: func(int) string { return "?" },
	// One connection writes and the file is in WAL mode, so a read
	// transaction sees one committed state at the default level (the driver
	// takes no other).
	readTx:  &sql.TxOptions{ReadOnly: true},
	explain: sqliteError,
}

// sqliteTarget is a parsed SQLite dsn.
type sqliteTarget struct {
	path   string     // the file as the user named it, for messages
	base   string     // "file:" URI of the file, without a query
	params url.Values // SQLite URI parameters the user gave (mode, vfs…)
}

// parseDSN accepts a file path or a "file:" URI and refuses other schemes
// (Open has taken postgres:// ones already).
func parseDSN(dsn string) (sqliteTarget, error) {
	if strings.TrimSpace(dsn) == "" {
		return sqliteTarget{}, errors.New("empty store dsn: give a file path or a postgres:// URL")
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && isScheme(scheme) && !strings.EqualFold(scheme, "file") {
		return sqliteTarget{}, fmt.Errorf("%w: store scheme %q (want a file path, a file: URI or a postgres:// URL)", ErrNotSupported, scheme)
	}

	var t sqliteTarget
	if rest, ok := cutPrefixFold(dsn, "file:"); ok {
		p, query, _ := strings.Cut(rest, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return sqliteTarget{}, fmt.Errorf("store dsn query: %w", err)
		}
		t = sqliteTarget{path: uriPath(p), base: "file:" + p, params: params}
	} else {
		t = sqliteTarget{path: dsn, base: fileURI(dsn), params: url.Values{}}
	}
	if t.path == "" || t.path == ":memory:" || strings.EqualFold(t.params.Get("mode"), "memory") {
		return sqliteTarget{}, fmt.Errorf("%w: an in-memory store (state would vanish with the process); give a file path", ErrNotSupported)
	}
	return t, nil
}

// writerDSN is the one connection that writes: WAL so readers never wait
// for it, synchronous=NORMAL (durable at checkpoints, never corrupt in WAL),
// and BEGIN IMMEDIATE so a transaction takes the write lock up front instead
// of failing on upgrade.
func (t sqliteTarget) writerDSN() string {
	return t.dsn(map[string]string{
		"_journal_mode": "WAL",
		"_synchronous":  "NORMAL",
		"_txlock":       "immediate",
	})
}

// readerDSN is for the read pool; query_only keeps a mistake from writing
// around the writer's lock.
func (t sqliteTarget) readerDSN() string {
	return t.dsn(map[string]string{"_query_only": "1"})
}

func (t sqliteTarget) dsn(own map[string]string) string {
	q := url.Values{}
	for k, v := range t.params {
		q[k] = v
	}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_foreign_keys", "1")
	for k, v := range own {
		q.Set(k, v)
	}
	return t.base + "?" + q.Encode()
}

// openSQLiteRetrying is openSQLite, tried again while another process
// holds the lock: turning a new file to WAL takes an exclusive lock, and
// SQLite answers a connection that holds a shared lock and waits for it
// with SQLITE_BUSY at once rather than through the busy timeout (the
// two would deadlock), so several processes started together on a new
// store would otherwise fail at random.
func openSQLiteRetrying(ctx context.Context, t sqliteTarget) (w, r *sql.DB, err error) {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		w, r, err = openSQLite(ctx, t)
		if !isBusy(err) || time.Now().After(deadline) {
			return w, r, err
		}
		select {
		case <-ctx.Done():
			return nil, nil, errors.Join(err, ctx.Err())
		case <-time.After(pause):
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// openSQLite opens the writer and reader pools on t and checks WAL took.
func openSQLite(ctx context.Context, t sqliteTarget) (w, r *sql.DB, err error) {
	defer func() {
		if err != nil {
			for _, db := range []*sql.DB{w, r} {
				if db != nil {
					db.Close()
				}
			}
			w, r = nil, nil
		}
	}()

	if w, err = sql.Open(sqliteDriver, t.writerDSN()); err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	if err = w.PingContext(ctx); err != nil {
		return w, nil, sqliteError(err)
	}
	var mode string
	if err = w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return w, nil, sqliteError(err)
	}
	if !strings.EqualFold(mode, "wal") {
		return w, nil, fmt.Errorf("journal mode is %q, want wal", mode)
	}

	if r, err = sql.Open(sqliteDriver, t.readerDSN()); err != nil {
		return w, nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	if err = r.PingContext(ctx); err != nil {
		return w, r, sqliteError(err)
	}
	return w, r, nil
}

// sqliteError says in words what a bare SQLite code means to a user.
func sqliteError(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("not a SQLite database (or encrypted): %w", err)
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("database file is corrupt: %w", err)
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("cannot open the file (does its directory exist?): %w", err)
		}
	}
	return err
}

// fileURI turns a path into a SQLite "file:" URI: %, ? and # are escaped
// (SQLite would read them as an escape, the query and a fragment), and an
// absolute path gets an empty authority so "//x" stays a path.
func fileURI(path string) string {
	var b strings.Builder
	b.WriteString("file:")
	if strings.HasPrefix(path, "/") {
		b.WriteString("//")
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '%', '?', '#':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// uriPath is the file a "file:" URI's path part names, for messages.
func uriPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "//"); ok {
		// An authority (empty or localhost) precedes the path.
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			p = rest[i:]
		} else {
			p = ""
		}
	}
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}

func isScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Everything that knows it talks to PostgreSQL lives in this file and in
// migrations/postgres/: the dsn, the pool, the locks, how text from the logs
// is kept, and the server's error codes.
//
// Text from logs and cloud APIs (ids, accounts, regions, links…) can hold
// NUL and invalid UTF-8, which a PostgreSQL text column refuses. Rather than
// fail a whole save on one hostile record, or change the id, such columns
// are bytea there: every byte is kept, and bytea orders byte by byte, as
// SQLite's text and Go's strings do. Columns only snapwarden writes (times
// in their fixed form, JSON it marshalled, statuses) stay text, COLLATE "C"
// where they are ordered. The SQL is the same as SQLite's; the arguments of
// a statement go through bindPostgres, which hands pgx strings as bytes.

const (
	// pgConns bounds the pool: one process's readers and writers. Writers
	// that replace tables take turns on table locks anyway.
	pgConns = 5

	// pgConnectTimeout applies when the dsn sets no connect_timeout: a host
	// that drops packets would otherwise hold a run for the TCP timeout.
	pgConnectTimeout = 10 * time.Second

	// pgMigrationLock keys the advisory lock migrate takes (with the
	// schema's name as the second key, so stores in other schemas of the
	// database do not wait for it). "snap" in ASCII.
	pgMigrationLock = 0x736e6170
)

// postgresDialect is PostgreSQL's part of a Store.
var postgresDialect = &dialect{
	name:        "postgres",
	placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	// READ COMMITTED would give each query of LoadState its own snapshot,
	// so a save committed between two of them would show half.
	readTx:     &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	lockTables: true,
	bind:       bindPostgres,
	migrationLock: fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d, hashtext(COALESCE(current_schema(), '')))`,
		pgMigrationLock),
	explain: postgresError,
}

// isPostgresDSN tells a postgres:// or postgresql:// URL.
func isPostgresDSN(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// openPostgres opens the PostgreSQL database dsn names. The database must
// exist; the tables are created in the first schema of the search_path
// (e.g. ?search_path=snapwarden in the URL; the schema must exist too). The
// usual libpq settings apply: the password may come from PGPASSWORD or
// ~/.pgpass rather than the URL, and sslmode from the URL or PGSSLMODE.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, dsnError(dsn)
	}
	if u, err := url.Parse(dsn); err == nil {
		// pgx ends the password at the first @, a URL at the last: with an
		// unescaped @ in it, part of the password would become the host
		// and show in messages.
		if pw, _ := u.User.Password(); pw != "" && pw != cfg.Password {
			return nil, errors.New("PostgreSQL store dsn: the password holds an unescaped @, / or : (it is not shown); percent-encode it (%40 for @)")
		}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = pgConnectTimeout
	}
	name := postgresName(cfg)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgConns)
	db.SetMaxIdleConns(pgConns)
	db.SetConnMaxIdleTime(5 * time.Minute) // a daemon between checkpoints holds no server backend
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", name, postgresError(err))
	}
	return start(ctx, &Store{name: name, d: postgresDialect, w: db, r: db})
}

// dsnError says that dsn does not parse without quoting pgx's error, which
// may quote the password: the reason shown is pgx's for the dsn with its
// password taken out, when that is still wrong the same way.
func dsnError(dsn string) error {
	const msg = "PostgreSQL store dsn does not parse (it is not shown: it may hold a password); want postgres://user@host:port/database?param=value"
	u, err := url.Parse(dsn)
	if err != nil {
		return errors.New(msg)
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	if _, err := pgx.ParseConfig(u.String()); err != nil {
		return fmt.Errorf("PostgreSQL store dsn: %w", err)
	}
	return errors.New(msg)
}

// postgresName is the database for messages: user, host, port, database and
// schema, never the password or other parameters.
func postgresName(cfg *pgx.ConnConfig) string {
	u := url.URL{Scheme: "postgres", User: url.User(cfg.User), Path: "/" + cfg.Database}
	q := url.Values{}
	if strings.HasPrefix(cfg.Host, "/") { // a Unix socket's directory
		q.Set("host", cfg.Host)
	} else {
		u.Host = net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	}
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		q.Set("search_path", sp)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// postgresError puts pgx's error on one line and adds what to do to the
// server's errors a user can fix.
func postgresError(err error) error {
	if err == nil {
		return nil
	}
	err = oneLine(err)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "3D000": // invalid_catalog_name
		return fmt.Errorf("%w; create the database first (createdb)", err)
	case "3F000": // invalid_schema_name, also "no schema has been selected to create in"
		return fmt.Errorf("%w; the search_path must name a schema that exists (CREATE SCHEMA)", err)
	case "42501": // insufficient_privilege
		return fmt.Errorf("%w; the user needs CREATE on the schema, or a schema of its own in the search_path", err)
	case "28P01", "28000": // invalid_password, invalid_authorization_specification
		return fmt.Errorf("%w; check the user and password (PGPASSWORD or ~/.pgpass keep it out of the dsn)", err)
	}
	return err
}

// bindPostgres turns the strings among args into []byte in place. pgx sends
// a Go string in text form whatever the column, and PostgreSQL reads text
// that must be valid UTF-8 without NUL, and bytea text through its escape
// syntax (`\x41` would become "A"); []byte reaches a bytea column byte for
// byte, and a text column as the same text.
func bindPostgres(args []any) {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = []byte(s)
		}
	}
}

// oneLine puts a multi-line error on one line (pgx gives "what:" and then a
// line per address tried, with sslmode=prefer the same address twice),
// dropping repeats. It still unwraps to err.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "\n") {
		return err
	}
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(parts, l) {
			parts = append(parts, l)
		}
	}
	msg = parts[0]
	if len(parts) > 1 {
		msg += " " + strings.Join(parts[1:], "; ")
	}
	return &lineError{msg: msg, err: err}
}

type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

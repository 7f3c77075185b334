package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// The review of findings: filtered, paged reads for the API, and the ack,
// suppress and reopen actions with their audit trail. A suppression that
// has expired reads back as open (without its suppression), whatever the
// row says: the status is computed on read, against the wall clock, so no
// sweeper has to run.

var (
	// ErrNotFound is returned for a finding the store does not hold.
	ErrNotFound = errors.New("not found")

	// ErrBadCursor is returned by QueryFindings for a cursor it did not
	// give out (or that was cut or altered).
	ErrBadCursor = errors.New("malformed cursor")
)

// Page sizes of QueryFindings.
const (
	DefaultFindingLimit = 100
	MaxFindingLimit     = 1000
)

// FindingFilter selects findings; its zero value selects all. Fields set
// together must all match.
type FindingFilter struct {
	MinSeverity finding.Severity   // at or above; 0 for any
	Severities  []finding.Severity // exactly one of these; empty for any
	Cloud       string
	Account     string
	Rule        string // rule id
	Actor       string // one of the finding's actors
	Status      finding.Status
	Since       time.Time // finding time at or after; zero for no bound
	Until       time.Time // finding time before; zero for no bound
	Limit       int       // 0 for DefaultFindingLimit; above MaxFindingLimit counts as that
	Cursor      string    // FindingPage.Next of the previous page; "" for the first
}

// FindingPage is one page of findings, newest first (by time, then id).
type FindingPage struct {
	Findings []finding.Finding
	Next     string // cursor of the next page; "" when this is the last
}

// ReviewAction is what a reviewer does to a finding.
type ReviewAction string

const (
	ActionAck      ReviewAction = "ack"      // status acknowledged
	ActionSuppress ReviewAction = "suppress" // status suppressed, with a reason
	ActionReopen   ReviewAction = "reopen"   // status open
)

// Review is one reviewer's action on a finding.
type Review struct {
	Action  ReviewAction
	Reason  string    // required to suppress
	By      string    // who
	Expires time.Time // suppress only: when the suppression ends; zero for never
	At      time.Time // when; zero for now
}

// AuditEntry is one recorded review of a finding.
type AuditEntry struct {
	FindingID string
	Action    ReviewAction
	Reason    string
	By        string
	At        time.Time
	Expires   time.Time // zero when the action set none
}

// findingColumns are what scanFinding reads, in its order.
const findingColumns = `id, severity, status, revision, suppression, suppressed_until, region, actor_names, time, body`

// QueryFindings returns the page of findings f selects, newest first. Pages
// are keyset-paged on (time, id), so findings stored while a client pages
// through never make a page repeat or skip one that was there: newer ones
// appear only on a fresh first page, older ones in their place. (A finding
// whose time changes on update moves in that order.) A cursor this store
// did not give out is an error wrapping ErrBadCursor.
func (s *Store) QueryFindings(ctx context.Context, f FindingFilter) (FindingPage, error) {
	now, err := formatTime(time.Now())
	if err != nil {
		return FindingPage{}, err
	}
	q, args, limit, err := s.findingQuery(f, now)
	if err != nil {
		return FindingPage{}, fmt.Errorf("query findings: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return FindingPage{}, fmt.Errorf("query findings: %w", err)
	}
	defer rows.Close()
	var page FindingPage
	var last struct{ at, id string }
	for rows.Next() {
		if len(page.Findings) == limit {
			page.Next = encodeCursor(last.at, last.id)
			break
		}
		fd, at, err := scanFinding(rows, now)
		if err != nil {
			return FindingPage{}, fmt.Errorf("query findings: %w", err)
		}
		page.Findings = append(page.Findings, fd)
		last.at, last.id = at, fd.ID
	}
	if err := rows.Err(); err != nil {
		return FindingPage{}, fmt.Errorf("query findings: %w", err)
	}
	return page, nil
}

// findingQuery builds the SELECT for f, fetching one row past the page to
// tell whether another follows.
func (s *Store) findingQuery(f FindingFilter, now string) (q string, args []any, limit int, err error) {
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return s.d.placeholder(len(args))
	}
	if f.MinSeverity != 0 {
		if !f.MinSeverity.Valid() {
			return "", nil, 0, fmt.Errorf("minimum severity %d is not a severity", int(f.MinSeverity))
		}
		where = append(where, "severity >= "+arg(int(f.MinSeverity)))
	}
	if len(f.Severities) > 0 {
		in := make([]string, len(f.Severities))
		for i, v := range f.Severities {
			if !v.Valid() {
				return "", nil, 0, fmt.Errorf("severity %d is not a severity", int(v))
			}
			in[i] = arg(int(v))
		}
		where = append(where, "severity IN ("+strings.Join(in, ", ")+")")
	}
	for _, c := range []struct{ col, v string }{{"cloud", f.Cloud}, {"account", f.Account}, {"rule_id", f.Rule}} {
		if c.v != "" {
			where = append(where, c.col+" = "+arg(c.v))
		}
	}
	if f.Actor != "" {
		where = append(where, "actors LIKE "+arg("%,"+hex.EncodeToString([]byte(f.Actor))+",%"))
	}
	switch f.Status {
	case "":
	case finding.StatusOpen:
		// Most findings are open: walking the time index and skipping the
		// few others beats fetching every open one by the status index and
		// sorting them, which SQLite picks for a plain status = 'open'
		// (130 ms instead of 2 for a page of 50,000 findings). "|| ''"
		// keeps the index out on both databases.
		where = append(where, "(status || '' = 'open' OR (status = 'suppressed' AND suppressed_until <= "+arg(now)+"))")
	case finding.StatusSuppressed:
		where = append(where, "status = 'suppressed' AND (suppressed_until IS NULL OR suppressed_until > "+arg(now)+")")
	case finding.StatusAcknowledged:
		where = append(where, "status = 'acknowledged'")
	default:
		return "", nil, 0, fmt.Errorf("unknown status %q (want open, acknowledged or suppressed)", f.Status)
	}
	for _, b := range []struct {
		op string
		t  time.Time
	}{{">=", f.Since}, {"<", f.Until}} {
		if b.t.IsZero() {
			continue
		}
		v, err := formatTime(b.t)
		if err != nil {
			return "", nil, 0, err
		}
		where = append(where, "time "+b.op+" "+arg(v))
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		where = append(where, "(time, id) < ("+arg(at)+", "+arg(id)+")")
	}
	switch {
	case f.Limit < 0:
		return "", nil, 0, fmt.Errorf("limit %d is negative", f.Limit)
	case f.Limit == 0:
		limit = DefaultFindingLimit
	default:
		limit = min(f.Limit, MaxFindingLimit)
	}
	q = "SELECT " + findingColumns + " FROM findings"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY time DESC, id DESC LIMIT " + arg(limit+1)
	return q, s.args(args...), limit, nil
}

// FindingByID returns the stored finding with that id, and false when there
// is none.
func (s *Store) FindingByID(ctx context.Context, id string) (finding.Finding, bool, error) {
	now, err := formatTime(time.Now())
	if err != nil {
		return finding.Finding{}, false, err
	}
	f, err := findingByID(ctx, s.r, s, id, now)
	if errors.Is(err, ErrNotFound) {
		return finding.Finding{}, false, nil
	}
	if err != nil {
		return finding.Finding{}, false, fmt.Errorf("read finding: %w", err)
	}
	return f, true, nil
}

// queryer is what findingByID needs of a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func findingByID(ctx context.Context, q queryer, s *Store, id, now string) (finding.Finding, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+findingColumns+" FROM findings WHERE id = $1", s.args(id)...)
	if err != nil {
		return finding.Finding{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return finding.Finding{}, err
		}
		return finding.Finding{}, fmt.Errorf("finding %q: %w", id, ErrNotFound)
	}
	f, _, err := scanFinding(rows, now)
	return f, err
}

// scanFinding reads a row of findingColumns, and also returns its time as
// stored. A suppression whose end is not after now reads as open.
func scanFinding(rows *sql.Rows, now string) (finding.Finding, string, error) {
	var (
		id, status, region, at, body string
		severity, revision           int
		suppression, until, names    sql.NullString
	)
	if err := rows.Scan(&id, &severity, &status, &revision, &suppression, &until, &region, &names, &at, &body); err != nil {
		return finding.Finding{}, "", err
	}
	var f finding.Finding
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		return finding.Finding{}, "", fmt.Errorf("finding %s: %w", id, err)
	}
	f.ID = id // the column keeps bytes that JSON would have replaced
	f.Severity, f.Status, f.Revision, f.Region = finding.Severity(severity), finding.Status(status), revision, region
	f.Suppression = nil
	if f.Status == finding.StatusSuppressed && until.Valid && until.String <= now {
		f.Status = finding.StatusOpen
	} else if suppression.Valid {
		f.Suppression = new(finding.Suppression)
		if err := json.Unmarshal([]byte(suppression.String), f.Suppression); err != nil {
			return finding.Finding{}, "", fmt.Errorf("finding %s suppression: %w", id, err)
		}
	}
	f.ActorNames = nil
	if names.Valid {
		if err := json.Unmarshal([]byte(names.String), &f.ActorNames); err != nil {
			return finding.Finding{}, "", fmt.Errorf("finding %s actor names: %w", id, err)
		}
	}
	return f, at, nil
}

// Review applies r to the finding id and records it in the finding's audit,
// in one transaction, and returns the finding as it now reads. Ack and
// reopen drop any suppression; suppress needs a reason. An unknown id is an
// error wrapping ErrNotFound. Later PutFindings of the same finding keep
// what Review set.
func (s *Store) Review(ctx context.Context, id string, r Review) (finding.Finding, error) {
	at := r.At
	if at.IsZero() {
		at = time.Now()
	}
	status, supp, err := r.outcome()
	if err != nil {
		return finding.Finding{}, fmt.Errorf("review finding %q: %w", id, err)
	}
	atText, err := formatTime(at)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("review finding %q: %w", id, err)
	}
	expires, err := nullTime(r.Expires)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("review finding %q: expires: %w", id, err)
	}
	var suppText any
	if supp != nil {
		b, err := json.Marshal(supp)
		if err != nil {
			return finding.Finding{}, fmt.Errorf("review finding %q: %w", id, err)
		}
		suppText = string(b)
	}
	var out finding.Finding
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE findings SET status = $1, suppression = $2, suppressed_until = $3 WHERE id = $4`,
			s.args(string(status), suppText, expires, id)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_audit (finding_id, action, reason, reviewer, at, expires)
			VALUES ($1, $2, $3, $4, $5, $6)`, s.args(id, string(r.Action), r.Reason, r.By, atText, expires)...); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		now, err := formatTime(time.Now())
		if err != nil {
			return err
		}
		out, err = findingByID(ctx, tx, s, id, now)
		return err
	})
	if err != nil {
		return finding.Finding{}, fmt.Errorf("review finding %q: %w", id, err)
	}
	return out, nil
}

// outcome is the status and suppression r leaves a finding with.
func (r Review) outcome() (finding.Status, *finding.Suppression, error) {
	if r.Action != ActionSuppress && !r.Expires.IsZero() {
		return "", nil, fmt.Errorf("%s: only suppress takes an expiry", r.Action)
	}
	switch r.Action {
	case ActionAck:
		return finding.StatusAcknowledged, nil, nil
	case ActionReopen:
		return finding.StatusOpen, nil, nil
	case ActionSuppress:
		if strings.TrimSpace(r.Reason) == "" {
			return "", nil, errors.New("suppress needs a reason")
		}
		supp := &finding.Suppression{Reason: r.Reason, By: r.By}
		if !r.Expires.IsZero() {
			supp.Expires = r.Expires.UTC().Format(time.RFC3339Nano)
		}
		return finding.StatusSuppressed, supp, nil
	}
	return "", nil, fmt.Errorf("unknown action %q (want ack, suppress or reopen)", r.Action)
}

// FindingAudit returns the reviews of finding id, oldest first. An unknown
// id is an error wrapping ErrNotFound.
func (s *Store) FindingAudit(ctx context.Context, id string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM findings WHERE id = $1`, s.args(id)...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT action, reason, reviewer, at, expires FROM finding_audit
			WHERE finding_id = $1 ORDER BY seq`, s.args(id)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := AuditEntry{FindingID: id}
			var action, reason, by string
			var at, expires sql.NullString
			if err := rows.Scan(&action, &reason, &by, &at, &expires); err != nil {
				return err
			}
			e.Action, e.Reason, e.By = ReviewAction(action), reason, by
			if e.At, err = parseTime(at); err != nil {
				return err
			}
			if e.Expires, err = parseTime(expires); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read audit of finding %q: %w", id, err)
	}
	return out, nil
}

// PruneFindings deletes the findings whose time is before before, whatever
// their status, with their audit, and returns how many findings went.
// Retention bounds what the store keeps of the past; a finding still worth
// keeping is one a rule will report again, and then it comes back, open.
func (s *Store) PruneFindings(ctx context.Context, before time.Time) (int64, error) {
	cut, err := formatTime(before)
	if err != nil {
		return 0, fmt.Errorf("prune findings: %w", err)
	}
	var n int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE time < $1`, s.args(cut)...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		// After the findings: a review racing this one either committed its
		// audit row first (deleted here) or finds no finding to review.
		_, err = tx.ExecContext(ctx, `DELETE FROM finding_audit
			WHERE NOT EXISTS (SELECT 1 FROM findings WHERE findings.id = finding_audit.finding_id)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune findings: %w", err)
	}
	return n, nil
}

// suppressedUntil is the suppressed_until column of a finding stored with
// status and supp: when the suppression ends, or nil when it never does or
// the finding is not suppressed. An expiry is RFC 3339 (Review writes it)
// or a date, which holds through its whole day (the config's allow list);
// other text never expires.
func suppressedUntil(status finding.Status, supp *finding.Suppression) any {
	if status != finding.StatusSuppressed || supp == nil || supp.Expires == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, supp.Expires)
	if err != nil {
		d, derr := time.Parse(time.DateOnly, supp.Expires)
		if derr != nil {
			return nil
		}
		t = d.AddDate(0, 0, 1)
	}
	v, err := formatTime(t)
	if err != nil {
		return nil
	}
	return v
}

// actorList is the actors column: each id hex-encoded between commas, so
// that LIKE '%,<hex>,%' matches one whole id exactly (hex holds neither
// commas nor LIKE wildcards, and a lower-case needle matches the same on
// SQLite's case-blind LIKE). nil when there are none.
func actorList(actors []string) any {
	var b strings.Builder
	for _, a := range actors {
		if a == "" {
			continue
		}
		b.WriteByte(',')
		b.WriteString(hex.EncodeToString([]byte(a)))
	}
	if b.Len() == 0 {
		return nil
	}
	b.WriteByte(',')
	return b.String()
}

// A cursor is the last row's stored time and id, behind a version byte, in
// URL-safe base64: opaque to clients, and safe in a query string.
const cursorVersion = '1'

func encodeCursor(at, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(cursorVersion) + at + id))
}

func decodeCursor(c string) (at, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 1+len(timeLayout) || b[0] != cursorVersion {
		return "", "", fmt.Errorf("cursor %.40q: %w", c, ErrBadCursor)
	}
	at, id = string(b[1:1+len(timeLayout)]), string(b[1+len(timeLayout):])
	if _, err := time.Parse(timeLayout, at); err != nil {
		return "", "", fmt.Errorf("cursor %.40q: %w", c, ErrBadCursor)
	}
	return at, id, nil
}

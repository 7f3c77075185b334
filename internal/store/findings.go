package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// upsertFinding inserts a finding or, for a known id, replaces it when the
// new one has a higher revision or a higher severity (a chain that grew).
// Severity and revision never fall; status and suppression are the
// reviewer's and are never overwritten.
const upsertFinding = `INSERT INTO findings
    (id, rule_id, severity, cloud, account, time, status, revision, suppression, region, actor_names,
     suppressed_until, actors, body)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (id) DO UPDATE SET
    rule_id = excluded.rule_id,
    severity = CASE WHEN excluded.severity > findings.severity THEN excluded.severity ELSE findings.severity END,
    cloud = excluded.cloud,
    account = excluded.account,
    time = excluded.time,
    revision = CASE WHEN excluded.revision > findings.revision THEN excluded.revision ELSE findings.revision END,
    region = excluded.region,
    actor_names = excluded.actor_names,
    actors = excluded.actors,
    body = excluded.body
WHERE excluded.revision > findings.revision OR excluded.severity > findings.severity`

// PutFindings stores fs in one transaction. A finding new to the store is
// kept as given, its status open when it has none. A stored one is replaced
// only when the new revision is higher or the severity rose; even then its
// status and suppression stay as stored, and its severity and revision never
// go down. Region and ActorNames are kept too, for the renderers. Batches
// from several Stores on one database may overlap.
func (s *Store) PutFindings(ctx context.Context, fs []finding.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, upsertFinding)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range byID(fs) {
			args, err := findingArgs(&fs[i])
			if err != nil {
				return fmt.Errorf("finding %q: %w", fs[i].ID, err)
			}
			if _, err := stmt.ExecContext(ctx, s.args(args...)...); err != nil {
				return fmt.Errorf("finding %s: %w", fs[i].ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put findings: %w", err)
	}
	return nil
}

// byID returns the indexes of fs in id order, a finding given twice in its
// order in fs. Upserting in one order everywhere keeps two batches that
// share ids from each waiting for a row the other holds (a deadlock that
// PostgreSQL would end by failing one).
func byID(fs []finding.Finding) []int {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(fs[a].ID, fs[b].ID) })
	return order
}

func findingArgs(f *finding.Finding) ([]any, error) {
	if f.ID == "" {
		return nil, errors.New("empty id")
	}
	status := cmp.Or(f.Status, finding.StatusOpen)
	switch status {
	case finding.StatusOpen, finding.StatusAcknowledged, finding.StatusSuppressed:
	default:
		return nil, fmt.Errorf("unknown status %q (want open, acknowledged or suppressed)", f.Status)
	}
	at, err := formatTime(f.Time)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(f) // also refuses an invalid severity
	if err != nil {
		return nil, err
	}
	var suppression, names any
	if f.Suppression != nil {
		b, err := json.Marshal(f.Suppression)
		if err != nil {
			return nil, err
		}
		suppression = string(b)
	}
	if len(f.ActorNames) > 0 {
		b, err := json.Marshal(f.ActorNames)
		if err != nil {
			return nil, err
		}
		names = string(b)
	}
	return []any{f.ID, f.Rule.ID, int(f.Severity), string(f.Cloud), f.Account, at, string(status), f.Revision,
		suppression, f.Region, names, suppressedUntil(status, f.Suppression), actorList(f.Actors), string(body)}, nil
}

// Findings returns every stored finding ordered by time, then id, with the
// stored status, suppression, severity and revision.
func (s *Store) Findings(ctx context.Context) ([]finding.Finding, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, severity, status, revision, suppression, region, actor_names, body
		FROM findings ORDER BY time, id`)
	if err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	defer rows.Close()
	var out []finding.Finding
	for rows.Next() {
		var (
			id, status, region, body string
			severity, revision       int
			suppression, names       sql.NullString
		)
		if err := rows.Scan(&id, &severity, &status, &revision, &suppression, &region, &names, &body); err != nil {
			return nil, fmt.Errorf("read findings: %w", err)
		}
		var f finding.Finding
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			return nil, fmt.Errorf("read finding %s: %w", id, err)
		}
		f.Severity, f.Status, f.Revision, f.Region = finding.Severity(severity), finding.Status(status), revision, region
		f.Suppression = nil
		if suppression.Valid {
			f.Suppression = new(finding.Suppression)
			if err := json.Unmarshal([]byte(suppression.String), f.Suppression); err != nil {
				return nil, fmt.Errorf("read finding %s suppression: %w", id, err)
			}
		}
		if names.Valid {
			if err := json.Unmarshal([]byte(names.String), &f.ActorNames); err != nil {
				return nil, fmt.Errorf("read finding %s actor names: %w", id, err)
			}
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read findings: %w", err)
	}
	return out, nil
}

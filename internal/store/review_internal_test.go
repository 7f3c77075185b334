package store

import (
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// Migration 6 fills the actors and suppressed_until of findings stored
// before it, so that the review filters see them.
func TestMigration6_backfill(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := t.Context()
		dsn := b.Fresh(t)
		raw := b.Raw(t, dsn)
		d := map[string]*dialect{"sqlite": sqliteDialect, "postgres": postgresDialect}[b.Name]
		ms, err := loadMigrations(migrationFiles, "migrations/"+d.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, raw, d, ms[:5]); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		rows := []struct {
			id, status, supp, body string
		}{
			{"plain", "open", "", `{"id":"plain","actors":["alice","bob"]}`},
			{"no-actors", "open", "", `{"id":"no-actors","actors":null}`},
			{"nul", "open", "", `{"id":"nul","actors":["a\u0000b"]}`}, // skipped on PostgreSQL, kept on SQLite
			{"allow-past", "suppressed", `{"reason":"r","by":"config allow","expires":"2020-01-01"}`, `{"id":"allow-past","actors":[]}`},
			{"allow-today", "suppressed", `{"reason":"r","by":"config allow","expires":"` + now.Format(time.DateOnly) + `"}`, `{"id":"allow-today"}`},
			{"allow-bad-date", "suppressed", `{"reason":"r","by":"config allow","expires":"2020-02-30"}`, `{"id":"allow-bad-date"}`},
			{"allow-nul", "suppressed", `{"reason":"a\u0000","by":"config allow","expires":"2020-01-01"}`, `{"id":"allow-nul"}`},
		}
		for i, r := range rows {
			var supp any
			if r.supp != "" {
				supp = r.supp
			}
			at, _ := formatTime(now.Add(-time.Duration(i) * time.Hour))
			args := []any{r.id, "rule", int(finding.High), "aws", "1", at, r.status, 1, supp, "", nil, r.body}
			if d.bind != nil {
				d.bind(args)
			}
			if _, err := raw.ExecContext(ctx, `INSERT INTO findings
				(id, rule_id, severity, cloud, account, time, status, revision, suppression, region, actor_names, body)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, args...); err != nil {
				t.Fatalf("%s: %v", r.id, err)
			}
		}
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		query := func(f FindingFilter) []string {
			t.Helper()
			page, err := s.QueryFindings(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range page.Findings {
				ids = append(ids, f.ID)
			}
			slices.Sort(ids)
			return ids
		}
		if got := query(FindingFilter{Actor: "bob"}); !slices.Equal(got, []string{"plain"}) {
			t.Errorf("actor bob: %q", got)
		}
		// A date holds through its day, an impossible one too (it is
		// compared, never cast). PostgreSQL skips a suppression holding
		// \u0000, which then never expires.
		wantOpen := []string{"allow-bad-date", "allow-nul", "allow-past", "no-actors", "nul", "plain"}
		wantSuppressed := []string{"allow-today"}
		if b.Name == "postgres" {
			wantOpen = slices.DeleteFunc(wantOpen, func(id string) bool { return id == "allow-nul" })
			wantSuppressed = []string{"allow-nul", "allow-today"}
		}
		if got := query(FindingFilter{Status: finding.StatusOpen}); !slices.Equal(got, wantOpen) {
			t.Errorf("open after the migration: %q, want %q", got, wantOpen)
		}
		if got := query(FindingFilter{Status: finding.StatusSuppressed}); !slices.Equal(got, wantSuppressed) {
			t.Errorf("suppressed after the migration: %q, want %q", got, wantSuppressed)
		}
	})
}

package store_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestOpen_migrationsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, dsn := openTemp(t, b)
		v1, err := s.SchemaVersion(t.Context())
		if err != nil || v1 < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v1, err)
		}
		s.Close()

		for range 2 {
			s := openAt(t, dsn)
			v, err := s.SchemaVersion(t.Context())
			if err != nil || v != v1 {
				t.Errorf("after reopening: version %d, %v; want %d", v, err, v1)
			}
			s.Close()
		}
		assertMigrationsOnce(t, b, dsn, v1)
	})
}

// Several processes starting at once on a new database: each opens it, and
// each migration is applied once.
func TestOpen_concurrentFirstOpen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := b.Fresh(t)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			versions []int
		)
		for range 4 {
			wg.Go(func() {
				s, err := store.Open(t.Context(), dsn)
				if err != nil {
					t.Errorf("Open: %v", err)
					return
				}
				defer s.Close()
				v, err := s.SchemaVersion(t.Context())
				if err != nil {
					t.Errorf("SchemaVersion: %v", err)
				}
				mu.Lock()
				versions = append(versions, v)
				mu.Unlock()
			})
		}
		wg.Wait()
		for _, v := range versions {
			if v != versions[0] || v < 1 {
				t.Fatalf("versions seen %v", versions)
			}
		}
		if len(versions) > 0 {
			assertMigrationsOnce(t, b, dsn, versions[0])
		}
	})
}

func assertMigrationsOnce(t *testing.T, b storetest.Backend, dsn string, want int) {
	t.Helper()
	var rows, distinct int
	if err := b.Raw(t, dsn).QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != want || distinct != want {
		t.Errorf("schema_migrations holds %d rows (%d versions), want %d: a migration ran twice", rows, distinct, want)
	}
}

func TestOpen_schemaTooNew(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, dsn := openTemp(t, b)
		known, err := s.SchemaVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if known >= 999 {
			t.Fatalf("test needs a version above %d", known)
		}

		db := b.Raw(t, dsn)
		if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', '2030-01-01T00:00:00.000000000Z')`); err != nil {
			t.Fatal(err)
		}

		_, err = store.Open(t.Context(), dsn)
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Open error %v, want ErrSchemaTooNew", err)
		}
		for _, want := range []string{"open store ", "999", "upgrade snapwarden"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		// The file, or the database and schema.
		if where := map[string]string{"sqlite": dsn, "postgres": "search_path=snapwarden_test_"}[b.Name]; !strings.Contains(err.Error(), where) {
			t.Errorf("error %q does not say where (%s)", err, where)
		}
		var max int
		if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&max); err != nil || max != 999 {
			t.Errorf("the refused database changed: max version %d, %v", max, err)
		}
	})
}

// Both dialects' migrations give the same tables with the same columns, in
// the same order.
func TestMigrations_sameSchema(t *testing.T) {
	columns := map[string]string{
		"sqlite": `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`,
		"postgres": `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name COLLATE "C", ordinal_position`,
	}
	schemas := map[string][]string{}
	for _, b := range storetest.All() {
		t.Run(b.Name, func(t *testing.T) {
			_, dsn := openTemp(t, b)
			rows, err := b.Raw(t, dsn).QueryContext(t.Context(), columns[b.Name])
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var cols []string
			for rows.Next() {
				var table, col string
				if err := rows.Scan(&table, &col); err != nil {
					t.Fatal(err)
				}
				cols = append(cols, table+"."+col)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			schemas[b.Name] = cols
		})
	}
	sq, pg := schemas["sqlite"], schemas["postgres"]
	if len(sq) == 0 {
		t.Fatal("no SQLite columns read")
	}
	if pg != nil && !slices.Equal(sq, pg) {
		t.Errorf("schemas differ:\n sqlite   %q\n postgres %q", sq, pg)
	}
}

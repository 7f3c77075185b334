package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"
)

func TestOpen_migrationsIdempotent(t *testing.T) {
	s, path := openTemp(t)
	v1, err := s.SchemaVersion(t.Context())
	if err != nil || v1 < 1 {
		t.Fatalf("SchemaVersion = %d, %v", v1, err)
	}
	s.Close()

	for range 2 {
		s := openAt(t, path)
		v, err := s.SchemaVersion(t.Context())
		if err != nil || v != v1 {
			t.Errorf("after reopening: version %d, %v; want %d", v, err, v1)
		}
		s.Close()
	}
	var rows, distinct int
	if err := rawDB(t, path).QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != v1 || distinct != v1 {
		t.Errorf("schema_migrations holds %d rows (%d versions), want %d: a migration ran twice", rows, distinct, v1)
	}
}

func TestOpen_schemaTooNew(t *testing.T) {
	s, path := openTemp(t)
	known, err := s.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', '2030-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = store.Open(t.Context(), path)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open error %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{path, "999", "upgrade snapwarden"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	var max int
	if err := rawDB(t, path).QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&max); err != nil || max != 999 {
		t.Errorf("the refused file changed: max version %d, %v", max, err)
	}
	if known >= 999 {
		t.Fatalf("test needs a version above %d", known)
	}
}

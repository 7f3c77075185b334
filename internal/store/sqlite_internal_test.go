package store

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn, path, base string
		params          string
	}{
		{"state.db", "state.db", "file:state.db", ""},
		{"/var/lib/snapwarden/state.db", "/var/lib/snapwarden/state.db", "file:///var/lib/snapwarden/state.db", ""},
		{"//srv/share/state.db", "//srv/share/state.db", "file:////srv/share/state.db", ""},
		{"a?b#c%d.db", "a?b#c%d.db", "file:a%3Fb%23c%25d.db", ""},
		{"file:state.db?mode=rwc", "state.db", "file:state.db", "mode=rwc"},
		{"FILE:///tmp/x%20y.db", "/tmp/x y.db", "file:///tmp/x%20y.db", ""},
		{"file://localhost/tmp/x.db", "/tmp/x.db", "file://localhost/tmp/x.db", ""},
		{"C:\\data\\state.db", "C:\\data\\state.db", "file:C:\\data\\state.db", ""},
	}
	for _, tt := range tests {
		got, err := parseDSN(tt.dsn)
		if err != nil {
			t.Errorf("parseDSN(%q): %v", tt.dsn, err)
			continue
		}
		if got.path != tt.path || got.base != tt.base || got.params.Encode() != tt.params {
			t.Errorf("parseDSN(%q) = path %q base %q params %q; want %q %q %q", tt.dsn, got.path, got.base, got.params.Encode(), tt.path, tt.base, tt.params)
		}
	}
}

// Every connection of both pools runs with the settings Open promises.
func TestOpen_pragmas(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(name string, db *sql.DB, want map[string]string) {
		t.Helper()
		for pragma, v := range want {
			var got string
			if err := db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", name, pragma, err)
			}
			if !strings.EqualFold(got, v) {
				t.Errorf("%s: %s = %s, want %s", name, pragma, got, v)
			}
		}
	}
	check("writer", s.w, map[string]string{"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "synchronous": "1", "query_only": "0"})
	check("reader", s.r, map[string]string{"journal_mode": "wal", "busy_timeout": "5000", "foreign_keys": "1", "query_only": "1"})

	if _, err := s.r.ExecContext(t.Context(), `DELETE FROM findings`); err == nil {
		t.Error("the read pool can write")
	}
	if st := s.w.Stats(); st.MaxOpenConnections != 1 {
		t.Errorf("writer pool allows %d connections, want 1", st.MaxOpenConnections)
	}
}

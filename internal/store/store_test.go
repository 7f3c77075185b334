package store_test

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestOpen_createsFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		dsn  string
		file string // what must exist afterwards
	}{
		{"plain path", filepath.Join(dir, "a.db"), filepath.Join(dir, "a.db")},
		{"file URI", "file:" + filepath.Join(dir, "b.db"), filepath.Join(dir, "b.db")},
		{"file URI with authority", "file://" + filepath.Join(dir, "c.db"), filepath.Join(dir, "c.db")},
		{"file URI with escapes and parameters", "file:" + filepath.Join(dir, "d%20e.db") + "?cache=private", filepath.Join(dir, "d e.db")},
		// A plain path is a name, not a URI: these characters are not a query, fragment or escape.
		{"path with URI characters", filepath.Join(dir, "f?g#h%20.db"), filepath.Join(dir, "f?g#h%20.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.dsn)
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.dsn, err)
			}
			defer s.Close()
			if v, err := s.SchemaVersion(t.Context()); err != nil || v < 1 {
				t.Errorf("SchemaVersion = %d, %v; want ≥ 1", v, err)
			}
			if _, err := os.Stat(tt.file); err != nil {
				t.Errorf("store file: %v", err)
			}
		})
	}
}

func TestOpen_refused(t *testing.T) {
	tests := []struct {
		dsn      string
		wantText string
	}{
		{"mysql://root:hunter2@localhost/x", `"mysql"`},
		{":memory:", "in-memory"},
		{"file::memory:", "in-memory"},
		{"file:x.db?mode=memory&cache=shared", "in-memory"},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, store.ErrNotSupported) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q: want ErrNotSupported mentioning %s", err, tt.wantText)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
	if _, err := store.Open(t.Context(), "  "); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty dsn: %v", err)
	}
}

// A PostgreSQL dsn that is wrong, or names a server that is not there,
// fails with an error that says what and where but never the password.
// None of these needs a server: port 1 on the loopback refuses at once.
func TestOpen_postgresErrors(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		want []string // in the error
	}{
		{"no server", "postgres://snap:hunter2@127.0.0.1:1/snapwarden?sslmode=disable&connect_timeout=5",
			[]string{"open store postgres://snap@127.0.0.1:1/snapwarden", "connect"}},
		{"no server, TLS tried first", "postgres://snap:hunter2@127.0.0.1:1/snapwarden?connect_timeout=5",
			[]string{"open store postgres://snap@127.0.0.1:1/snapwarden", "connection refused"}},
		{"no server, password in the query", "postgresql://snap@127.0.0.1:1/snapwarden?password=hunter2&sslmode=disable&search_path=sw",
			[]string{"open store postgres://snap@127.0.0.1:1/snapwarden?search_path=sw"}},
		{"bad port", "postgres://snap:hunter2@db.example:99999999/snapwarden", []string{"dsn", "invalid port"}},
		{"bad parameter", "postgres://snap:hunter2@db.example/snapwarden?sslmode=sometimes", []string{"dsn", "sslmode"}},
		{"not a URL", "postgres://snap:hunter2@db.example:x%zz/snapwarden", []string{"dsn does not parse", "not shown"}},
		{"unescaped @ in the password", "postgres://snap:hunt@hunter2@127.0.0.1:1/snapwarden", []string{"unescaped @", "%40"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "hunt@") {
				t.Errorf("error %q shows the password", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestOpen_notADatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "findings.jsonl")
	content := bytes.Repeat([]byte(`{"id":"x","rule":{"id":"r"}}`+"\n"), 200)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(t.Context(), path)
	if err == nil {
		t.Fatal("Open accepted a JSONL file")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Errorf("error %q: want the path and %q", err, "not a SQLite database")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Error("Open changed the file it refused")
	}

	missing := filepath.Join(dir, "no", "such", "dir", "state.db")
	if _, err := store.Open(t.Context(), missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing directory: error %v, want one naming %s", err, missing)
	}
}

func TestStore_reopenKeepsData(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, dsn := openTemp(t, b)
		at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
		snap := &store.Snapshot{
			HistoryStart: at.Add(-time.Hour), HistoryEnd: at,
			Principals: []store.Principal{{Cloud: "aws", ID: "arn:aws:iam::1:user/a", FirstSeen: at}},
			Resources:  []store.Resource{{Cloud: "aws", ID: "vol-1", Type: "volume", Account: "1", Seen: at}},
			Chains:     []store.Chain{{ID: "c1", Rule: "r", Cloud: "aws", Account: "1", Updated: at, Open: true, State: []byte(`{}`)}},
		}
		if err := s.SaveState(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		f := testFinding("f1", at)
		if err := s.PutFindings(t.Context(), []finding.Finding{f}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s2 := openAt(t, dsn)
		got, err := s2.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, got, snap)
		fs, err := s2.Findings(t.Context())
		if err != nil || len(fs) != 1 || fs[0].ID != "f1" {
			t.Errorf("findings after reopen: %+v, %v", fs, err)
		}
	})
}

// The server's refusals a user can fix come with what to do.
func TestOpen_postgresHints(t *testing.T) {
	dsn := storetest.Postgres.Fresh(t)
	tests := []struct {
		name  string
		param string // query parameter changed
		value string
		want  string
	}{
		{"no such schema", "search_path", "no_such_schema", "CREATE SCHEMA"},
		{"no such database", "", "/no_such_database", "createdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(dsn)
			if err != nil {
				t.Fatal(err)
			}
			if tt.param == "" {
				u.Path = tt.value
			} else {
				q := u.Query()
				q.Set(tt.param, tt.value)
				u.RawQuery = q.Encode()
			}
			s, err := store.Open(t.Context(), u.String())
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line mentioning %q", err, tt.want)
			}
		})
	}
}

package importer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

// file reads testdata/name as an import file.
func file(tb testing.TB, name string) importer.File {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return importer.File{Name: name, Data: data}
}

// importOK imports the testdata files together and fails on an error.
func importOK(tb testing.TB, opts importer.Options, names ...string) *inventory.Result {
	tb.Helper()
	files := make([]importer.File, len(names))
	for i, n := range names {
		files[i] = file(tb, n)
	}
	res, err := importer.ImportFiles(files, opts)
	if err != nil {
		tb.Fatalf("import %v: %v", names, err)
	}
	return res
}

// at parses an RFC 3339 time for an expected record.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UTC()
}

// sameRecords compares records field by field through their JSON, which
// shows a readable difference.
func sameRecords(tb testing.TB, got, want []inventory.Record) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("got %d records, want %d:\n%s", len(got), len(want), js(got))
		return
	}
	for i := range want {
		if g, w := js(got[i]), js(want[i]); g != w {
			tb.Errorf("record %d:\ngot  %s\nwant %s", i, g, w)
		}
	}
}

func sameScopes(tb testing.TB, got, want []inventory.Scope) {
	tb.Helper()
	if g, w := js(got), js(want); g != w {
		tb.Errorf("complete scopes:\ngot  %s\nwant %s", g, w)
	}
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// wantError fails unless err's text holds want.
func wantError(tb testing.TB, err error, want string) {
	tb.Helper()
	if err == nil {
		tb.Errorf("no error, want %q", want)
		return
	}
	if !strings.Contains(err.Error(), want) {
		tb.Errorf("error %q, want it to hold %q", err, want)
	}
}

func failedScopes(fs []inventory.Failure) []inventory.Scope {
	out := make([]inventory.Scope, len(fs))
	for i, f := range fs {
		out[i] = f.Scope
	}
	return out
}

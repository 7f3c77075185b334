package decodetest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Golden compares events, as JSONL, with testdata/<name>.golden.jsonl, and
// rewrites that file under -update.
func Golden(tb testing.TB, name string, events []*event.Event) {
	tb.Helper()
	var buf bytes.Buffer
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			tb.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	path := filepath.Join("testdata", name+".golden.jsonl")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		tb.Errorf("%s differs from the decoded events (run with -update and review the diff):\ngot:\n%s\nwant:\n%s", path, buf.Bytes(), want)
	}
}

// Fixture is one hand-written input under testdata.
type Fixture struct {
	// Name is the file's name up to its first dot: the test case, and the
	// name of its golden file.
	Name  string
	Path  string
	Input []byte // the file's bytes, as ReadFile returns them
}

// Fixtures returns the files matching any of globs ("testdata/*.json", say)
// in path order, leaving out golden files and folders. It fails the test
// when there is none.
func Fixtures(tb testing.TB, globs ...string) []Fixture {
	tb.Helper()
	var paths []string
	for _, g := range globs {
		m, err := filepath.Glob(g)
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, m...)
	}
	slices.Sort(paths)
	var out []Fixture
	for _, p := range slices.Compact(paths) {
		base := filepath.Base(p)
		if strings.HasSuffix(base, ".golden.jsonl") {
			continue
		}
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		name, _, _ := strings.Cut(base, ".")
		out = append(out, Fixture{Name: name, Path: p, Input: ReadFile(tb, p)})
	}
	if len(out) == 0 {
		tb.Fatalf("no fixtures match %q", globs)
	}
	return out
}

// GoldenFiles runs a subtest for each fixture, named by its Name, that
// compares the events decodeFixture makes of it with
// testdata/<Name>.golden.jsonl (see Golden).
func GoldenFiles(t *testing.T, fixtures []Fixture, decodeFixture func(t *testing.T, f Fixture) []*event.Event) {
	t.Helper()
	for _, f := range fixtures {
		t.Run(f.Name, func(t *testing.T) {
			Golden(t, f.Name, decodeFixture(t, f))
		})
	}
}

// ReadFile returns a file's bytes, gunzipped when its name ends in .gz (as
// CloudTrail delivers to S3).
func ReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if b, err = io.ReadAll(zr); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return b
}

// Package decodetest holds what every decoder's tests share: running a
// format over bytes, golden files, the shared sample folder and fuzzing.
package decodetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Result is what decoding one input produced.
type Result struct {
	Events []*event.Event
	Errors []*decode.RecordError
	Stats  decode.Stats
	Err    error // an error that ended the input early
}

// Decode runs format f (auto-detection among fs when f is nil) over input,
// pairing records and flushing unpaired halves at the end.
func Decode(tb testing.TB, f decode.Format, fs []decode.Format, name string, input []byte) Result {
	tb.Helper()
	var res Result
	p := decode.NewPairer()
	if fs == nil {
		fs = []decode.Format{f}
	}
	d := decode.NewDecoder(decode.Options{Format: f, Formats: fs, Pairer: p})
	emit := func(e *event.Event) error { res.Events = append(res.Events, e); return nil }
	res.Stats, res.Err = d.Decode(context.Background(), bytes.NewReader(input), name, emit,
		func(e *decode.RecordError) error { res.Errors = append(res.Errors, e); return nil })
	if err := p.Flush(emit); err != nil {
		res.Errors = append(res.Errors, &decode.RecordError{File: name, Err: err})
	}
	return res
}

// MustDecode is Decode that fails the test on any bad record or early end.
func MustDecode(tb testing.TB, f decode.Format, name string, input []byte) []*event.Event {
	tb.Helper()
	res := Decode(tb, f, nil, name, input)
	for _, e := range res.Errors {
		tb.Errorf("bad record: %v", e)
	}
	if res.Err != nil {
		tb.Errorf("input ended early: %v", res.Err)
	}
	return res.Events
}

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

// SamplesDir returns the shared sample folder (../shared/samples beside the
// repository, or $SNAPWARDEN_SHARED/samples), skipping the test when absent.
func SamplesDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("SNAPWARDEN_SHARED"); d != "" {
		return filepath.Join(d, "samples")
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			s := filepath.Join(dir, "..", "shared", "samples")
			if _, err := os.Stat(s); err != nil {
				tb.Skipf("shared samples not found at %s: skipping", s)
			}
			return s
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("repository root not found: skipping sample tests")
		}
		dir = parent
	}
}

// Fuzz decodes arbitrary bytes with f: it must never panic (a recovered
// panic surfaces as an "internal error" record error, which fails here), and
// every event must name its cloud, operation and id.
func Fuzz(t *testing.T, f decode.Format, data []byte) {
	res := Decode(t, f, nil, "fuzz", data)
	for _, e := range res.Errors {
		if strings.Contains(e.Error(), "internal error") {
			t.Fatalf("decoder panicked: %v", e)
		}
	}
	if res.Err != nil && errors.Is(res.Err, context.Canceled) {
		t.Fatal(res.Err)
	}
	for _, e := range res.Events {
		if e.Cloud == "" || e.Operation == "" || e.ID == "" {
			t.Fatalf("event lacks cloud, operation or id: %+v", e)
		}
	}
}

// Seeds returns the files matching glob as fuzz seeds.
func Seeds(tb testing.TB, glob string) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

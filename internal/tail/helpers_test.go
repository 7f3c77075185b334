package tail_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/tail"
)

// Fast timings for tests: a scan every 10 ms; an unterminated tail or a
// gzip file is read after 150 ms unchanged.
const (
	testPoll   = 10 * time.Millisecond
	testSettle = 150 * time.Millisecond
)

// sink records what a tailer delivers; fail, when set, decides whether a
// delivery fails (it sees the chunk and how many deliveries came before).
type sink struct {
	mu     sync.Mutex
	chunks []tail.Chunk
	calls  int
	fail   func(c tail.Chunk, calls int) bool
}

func (s *sink) deliver(_ context.Context, c tail.Chunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil && s.fail(c, s.calls-1) {
		return errTest
	}
	s.chunks = append(s.chunks, c)
	return nil
}

type testError struct{}

func (testError) Error() string { return "sink unavailable" }

var errTest = testError{}

// got returns a copy of the chunks delivered so far.
func (s *sink) got() []tail.Chunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.chunks)
}

// text joins what was delivered for path, checking that its chunks follow
// each other from offset 0 without gap or overlap.
func (s *sink) text(tb testing.TB, path string) string {
	tb.Helper()
	return s.textFrom(tb, path, 0)
}

// textFrom is text for a file whose first chunk starts at from.
func (s *sink) textFrom(tb testing.TB, path string, from int64) string {
	tb.Helper()
	var b strings.Builder
	end := from
	for _, c := range s.got() {
		if c.Path != path {
			continue
		}
		if c.Offset != end || c.End != c.Offset+int64(len(c.Data)) {
			tb.Fatalf("%s: chunk [%d,%d) with %d bytes after end %d", path, c.Offset, c.End, len(c.Data), end)
		}
		end = c.End
		b.Write(c.Data)
	}
	return b.String()
}

// lines returns every line delivered, across files, in delivery order.
func (s *sink) lines() []string {
	var out []string
	for _, c := range s.got() {
		out = append(out, strings.Split(strings.TrimSuffix(string(c.Data), "\n"), "\n")...)
	}
	return out
}

// start runs a tailer over opts until the test ends (or stop is called).
func start(tb testing.TB, opts tail.Options, s *sink) (tr *tail.Tailer, stop func()) {
	tb.Helper()
	if opts.Poll == 0 {
		opts.Poll = testPoll
	}
	if opts.Settle == 0 {
		opts.Settle = testSettle
	}
	tr, err := tail.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, s.deliver) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("Run: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return tr, stop
}

// eventually waits up to 5 s for cond.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// quiet waits long enough for any pending delivery (several polls past
// Settle), so a test can check that nothing more came.
func quiet() { time.Sleep(testSettle + 10*testPoll) }

func write(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func appendTo(tb testing.TB, path, data string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func gz(tb testing.TB, data string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(data)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// numbered returns n distinct lines "p-0001\n"…, from from.
func numbered(p string, from, n int) string {
	var b strings.Builder
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "%s-%04d\n", p, i)
	}
	return b.String()
}

package tail_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/tail"
)

// BenchmarkTailer reads a 32 MiB file of 200-byte lines (plain, then
// gzipped) from the start, as after a first start on a full directory.
func BenchmarkTailer(b *testing.B) {
	line := strings.Repeat("x", 199) + "\n"
	content := strings.Repeat(line, 32<<20/len(line))
	for _, kind := range []string{"plain", "gzip"} {
		b.Run("file="+kind, func(b *testing.B) {
			dir := b.TempDir()
			data := []byte(content)
			if kind == "gzip" {
				data = gz(b, content)
			}
			if err := os.WriteFile(filepath.Join(dir, "events.log"), data, 0o644); err != nil {
				b.Fatal(err)
			}
			// Let the file settle before the clock starts.
			time.Sleep(20 * time.Millisecond)
			b.SetBytes(int64(len(content)))
			b.ReportAllocs()
			for b.Loop() {
				var got atomic.Int64
				tr, err := tail.New(tail.Options{Dirs: []string{dir}, Poll: time.Millisecond, Settle: time.Nanosecond})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() {
					done <- tr.Run(ctx, func(_ context.Context, c tail.Chunk) error {
						if got.Add(int64(len(c.Data))) == int64(len(content)) {
							cancel()
						}
						return nil
					})
				}()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				cancel()
				if n := got.Load(); n != int64(len(content)) {
					b.Fatalf("delivered %d of %d bytes", n, len(content))
				}
			}
		})
	}
}

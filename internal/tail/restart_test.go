package tail_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/tail"
)

// A tailer stopped and started again over positions in the store delivers
// every line once: what was read before, what came while it was stopped
// (appends, the end of a line it left unfinished, a rotated file and its
// successor, a new file), and not the gzip file it finished.
func TestTailer_RestartFromStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := b.Fresh(t)
		dir := t.TempDir()
		a, bl, c := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "c.json.gz")
		write(t, a, numbered("a", 0, 5))
		write(t, bl, numbered("b", 0, 3))
		write(t, c, string(gz(t, numbered("c", 0, 4))))
		opts := tail.Options{Dirs: []string{dir}, Settle: 2 * testSettle}

		var first sink
		_, stop := start(t, withStore(t, opts, dsn), &first)
		eventually(t, "every file", func() bool { return len(first.lines()) == 12 })
		appendTo(t, a, "a-0005\na-00") // a line, and half of the next
		eventually(t, "the appended line", func() bool { return len(first.lines()) == 13 })
		stop()

		appendTo(t, a, "06\n"+numbered("a", 7, 1))
		if err := os.Rename(bl, bl+".1"); err != nil {
			t.Fatal(err)
		}
		appendTo(t, bl+".1", numbered("b", 3, 1))
		write(t, bl, numbered("nb", 0, 2))
		write(t, filepath.Join(dir, "d.log"), numbered("d", 0, 1))

		var second sink
		start(t, withStore(t, opts, dsn), &second)
		eventually(t, "the lines since", func() bool { return len(second.lines()) >= 6 })
		quiet()

		got := append(first.lines(), second.lines()...)
		var want []string
		for _, s := range []string{numbered("a", 0, 8), numbered("b", 0, 4), numbered("c", 0, 4), numbered("nb", 0, 2), numbered("d", 0, 1)} {
			want = append(want, strings.Fields(s)...)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("delivered across the restart:\n%s\nwant each line once:\n%s", strings.Join(got, " "), strings.Join(want, " "))
		}
		for _, ch := range second.got() {
			if ch.Path == c {
				t.Errorf("the finished gzip file was delivered again")
			}
			if ch.Path == a && ch.Offset != int64(len(numbered("a", 0, 6))) {
				t.Errorf("a.log resumed at %d, want after the last whole line", ch.Offset)
			}
		}
	})
}

// withStore opens the store at dsn (closed when the test ends) and sets it
// as opts' positions.
func withStore(tb testing.TB, opts tail.Options, dsn string) tail.Options {
	tb.Helper()
	s, err := store.Open(tb.Context(), dsn)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	opts.Positions = s.TailPositions()
	return opts
}

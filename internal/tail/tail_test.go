package tail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/tail"
)

func TestNew_Rejects(t *testing.T) {
	for name, opts := range map[string]tail.Options{
		"no dirs":        {},
		"negative poll":  {Dirs: []string{"."}, Poll: -1},
		"negative chunk": {Dirs: []string{"."}, MaxChunk: -1},
	} {
		if _, err := tail.New(opts); err == nil {
			t.Errorf("%s: New = nil error", name)
		}
	}
}

func TestTailer_AppendsInSteps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	write(t, path, "{\"a\":1}\n")
	var s sink
	// A long Settle: the partial line must wait for its end, not be taken
	// for a finished document.
	tr, _ := start(t, tail.Options{Dirs: []string{dir}, Settle: 10 * testSettle}, &s)

	eventually(t, "the first line", func() bool { return len(s.got()) == 1 })
	appendTo(t, path, "{\"b\"")
	quiet()
	if got := s.text(t, path); got != "{\"a\":1}\n" {
		t.Fatalf("after a line and a partial one: %q", got)
	}
	appendTo(t, path, ":2}\n")
	eventually(t, "the completed line", func() bool { return len(s.got()) == 2 })
	appendTo(t, path, "{\"c\":3}\n{\"d\":4}\n")
	eventually(t, "two more lines", func() bool { return len(s.got()) == 3 })
	quiet()

	want := "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}\n"
	if got := s.text(t, path); got != want {
		t.Errorf("delivered %q, want %q", got, want)
	}
	for _, c := range s.got() {
		if !strings.HasSuffix(string(c.Data), "\n") || c.Gzip {
			t.Errorf("chunk %+v: want whole plain lines", c)
		}
	}
	st := tr.Stats()
	if st.FilesWatched != 1 || st.ChunksDelivered != 3 || st.BytesRead != int64(len(want)) || st.Errors != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestTailer_NewFilesAndSkips(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "README.md"), "# docs\n")
	write(t, filepath.Join(dir, ".hidden.log"), "hidden\n")
	write(t, filepath.Join(dir, ".git", "x.log"), "in a hidden dir\n")
	write(t, filepath.Join(dir, "LICENSE"), "licence\n")
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}}, &s)

	deep := filepath.Join(dir, "aws", "2026", "01", "events.jsonl")
	write(t, deep, "one\ntwo\n")
	eventually(t, "the new file", func() bool { return s.text(t, deep) == "one\ntwo\n" })
	quiet()
	if got := s.lines(); strings.Join(got, ",") != "one,two" {
		t.Errorf("delivered %q; hidden entries and documentation must be skipped", got)
	}
	if n := tr.Stats().FilesWatched; n != 1 {
		t.Errorf("FilesWatched = %d, want 1", n)
	}
}

func TestTailer_UnterminatedDocumentAfterSettle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cloudtrail.json")
	doc := `{"Records":[{"eventName":"CreateSnapshot"}]}`
	var s sink
	start(t, tail.Options{Dirs: []string{dir}}, &s)
	write(t, path, doc[:10])
	appendTo(t, path, doc[10:])
	eventually(t, "the document", func() bool { return len(s.got()) > 0 })
	quiet()
	if got := s.got(); len(got) != 1 || string(got[0].Data) != doc || got[0].Offset != 0 || got[0].End != int64(len(doc)) {
		t.Errorf("delivered %+v, want the whole document once", got)
	}
}

func TestTailer_PrettyDocumentInOneChunk(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "activity.json")
	doc := "[\n  {\n    \"operationName\": \"Microsoft.Compute/snapshots/write\"\n  }\n]"
	var s sink
	start(t, tail.Options{Dirs: []string{dir}}, &s)
	write(t, path, doc[:20])
	time.Sleep(3 * testPoll) // seen half written, sooner than Settle
	appendTo(t, path, doc[20:])
	eventually(t, "the document", func() bool { return len(s.got()) > 0 })
	quiet()
	if got := s.got(); len(got) != 1 || string(got[0].Data) != doc {
		t.Errorf("delivered %d chunks (%+v), want the document in one", len(got), got)
	}
}

func TestTailer_BigFileInChunks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.log")
	long := strings.Repeat("L", 100) + "\n"  // longer than MaxChunk: whole, alone
	huge := strings.Repeat("H", 1000) + "\n" // longer than 8×MaxChunk: cut
	content := numbered("a", 0, 40) + long + numbered("b", 0, 10) + huge + numbered("c", 0, 5)
	write(t, path, content)
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}, MaxChunk: 64}, &s)
	eventually(t, "the whole file", func() bool { return len(s.text(t, path)) == len(content) })
	if got := s.text(t, path); got != content {
		t.Fatalf("delivered text differs from the file")
	}
	var sawLong bool
	for _, c := range s.got() {
		d := string(c.Data)
		switch {
		case d == long:
			sawLong = true
		case len(d) > 64 && !strings.HasPrefix(d, "H"):
			t.Errorf("chunk of %d bytes over MaxChunk: %q", len(d), d)
		case !strings.HasPrefix(d, "H") && !strings.HasSuffix(d, "\n"):
			t.Errorf("chunk not cut at a line end: %q", d)
		}
	}
	if !sawLong {
		t.Error("the 101-byte line was not delivered whole and alone")
	}
	if n := tr.Stats().LinesCut; n != 1 {
		t.Errorf("LinesCut = %d, want 1", n)
	}
}

func TestTailer_Truncation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	write(t, path, "first\nsecond\nthird\n")
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}}, &s)
	eventually(t, "three lines", func() bool { return len(s.lines()) == 3 })

	if err := os.Truncate(path, 0); err != nil { // copytruncate
		t.Fatal(err)
	}
	appendTo(t, path, "fourth\n")
	eventually(t, "the line after truncation", func() bool { return len(s.lines()) == 4 })
	quiet()
	if got := strings.Join(s.lines(), ","); got != "first,second,third,fourth" {
		t.Errorf("delivered %s", got)
	}
	last := s.got()[len(s.got())-1]
	if last.Offset != 0 || string(last.Data) != "fourth\n" {
		t.Errorf("after truncation got %+v, want from offset 0", last)
	}
	if n := tr.Stats().Truncations; n != 1 {
		t.Errorf("Truncations = %d, want 1", n)
	}
}

func TestTailer_RenameAndNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	write(t, path, numbered("old", 0, 3))
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}}, &s)
	eventually(t, "the first lines", func() bool { return len(s.lines()) == 3 })

	// logrotate's "create": the file is renamed, the writer's last lines
	// land in it through its open descriptor, a new file takes the name.
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	appendTo(t, rotated, numbered("old", 3, 2))
	write(t, path, numbered("new", 0, 2))
	eventually(t, "every line", func() bool { return len(s.lines()) >= 7 })
	quiet()

	if got, want := strings.Join(s.lines(), ","), "old-0000,old-0001,old-0002,old-0003,old-0004,new-0000,new-0001"; !sameLines(got, want) {
		t.Errorf("delivered %s, want %s (each once)", got, want)
	}
	// app.log.1 continues where app.log stopped; the new app.log starts at 0.
	if got := s.textFrom(t, rotated, int64(len(numbered("old", 0, 3)))); got != numbered("old", 3, 2) {
		t.Errorf("app.log.1: %q", got)
	}
	var newEnd int64
	for _, c := range s.got() {
		if c.Path == path && strings.HasPrefix(string(c.Data), "new") {
			if c.Offset != newEnd {
				t.Errorf("new app.log: chunk at %d, want %d", c.Offset, newEnd)
			}
			newEnd = c.End
		}
	}
	if newEnd != int64(len(numbered("new", 0, 2))) {
		t.Errorf("new app.log delivered up to %d", newEnd)
	}
	st := tr.Stats()
	if st.Renames != 1 || st.FilesWatched != 2 {
		t.Errorf("Stats = %+v, want 1 rename and 2 files", st)
	}
}

// sameLines compares comma-joined line lists as multisets.
func sameLines(got, want string) bool {
	g, w := strings.Split(got, ","), strings.Split(want, ",")
	if len(g) != len(w) {
		return false
	}
	count := map[string]int{}
	for _, l := range g {
		count[l]++
	}
	for _, l := range w {
		count[l]--
		if count[l] < 0 {
			return false
		}
	}
	return true
}

func TestTailer_DeliverFailsThenSucceeds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	content := numbered("l", 0, 30)
	write(t, path, content)
	s := sink{fail: func(_ tail.Chunk, calls int) bool { return calls < 3 }}
	tr, _ := start(t, tail.Options{Dirs: []string{dir}, MaxChunk: 100}, &s)
	eventually(t, "the whole file", func() bool { return len(s.text(t, path)) == len(content) })
	quiet()
	if got := s.text(t, path); got != content {
		t.Errorf("delivered text differs from the file")
	}
	if first := s.got()[0]; first.Offset != 0 {
		t.Errorf("first accepted chunk at %d: the failed one was skipped", first.Offset)
	}
	if n := tr.Stats().Errors; n != 3 {
		t.Errorf("Errors = %d, want 3 failed deliveries", n)
	}
}

func TestTailer_ForgetsDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	write(t, path, "line\n")
	pos := newMemPositions()
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}, Positions: pos, Forget: 50 * testPoll / 10}, &s)
	eventually(t, "the position saved", func() bool { _, ok := pos.get(path); return ok })
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the position forgotten", func() bool { _, ok := pos.get(path); return !ok })
	if n := tr.Stats().FilesWatched; n != 0 {
		t.Errorf("FilesWatched = %d after the file went", n)
	}
}

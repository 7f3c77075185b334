package tail_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/tail"
)

func TestTailer_GzipWrittenSlowly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.json.gz")
	content := numbered("gz", 0, 50)
	blob := gz(t, content)
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}}, &s)

	// Pieces a few polls apart, each sooner than Settle.
	write(t, path, string(blob[:10]))
	for i := 10; i < len(blob); i += 40 {
		time.Sleep(3 * testPoll)
		appendTo(t, path, string(blob[i:min(i+40, len(blob))]))
	}
	eventually(t, "the gzip file", func() bool { return len(s.got()) > 0 })
	quiet()
	got := s.got()
	if len(got) != 1 || !got[0].Gzip || string(got[0].Data) != content || got[0].Offset != 0 || got[0].End != int64(len(content)) {
		t.Fatalf("delivered %d chunks (%+v), want the decompressed file once", len(got), got)
	}
	if st := tr.Stats(); st.GzipIncomplete != 0 || st.Errors != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestTailer_GzipByContentNotName(t *testing.T) {
	dir := t.TempDir()
	blob := filepath.Join(dir, "blob")
	fake := filepath.Join(dir, "fake.gz")
	write(t, blob, string(gz(t, "zipped\n")))
	write(t, fake, "plain\n")
	var s sink
	start(t, tail.Options{Dirs: []string{dir}}, &s)
	eventually(t, "both files", func() bool { return len(s.got()) == 2 })
	for _, c := range s.got() {
		want := c.Path == blob
		if c.Gzip != want || (want && string(c.Data) != "zipped\n") || (!want && string(c.Data) != "plain\n") {
			t.Errorf("chunk %+v", c)
		}
	}
}

func TestTailer_GzipTruncatedIsReported(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cut.json.gz")
	content := numbered("cut", 0, 40)
	blob := gz(t, content)
	write(t, path, string(blob[:len(blob)/2]))
	var s sink
	tr, _ := start(t, tail.Options{Dirs: []string{dir}}, &s)
	eventually(t, "the report", func() bool { return tr.Stats().GzipIncomplete > 0 })
	quiet()
	if n := tr.Stats().GzipIncomplete; n != 1 {
		t.Errorf("GzipIncomplete = %d, want one report while the file stays as it is", n)
	}
	if got := s.got(); len(got) != 0 {
		t.Fatalf("a truncated gzip file delivered %d chunks", len(got))
	}

	appendTo(t, path, string(blob[len(blob)/2:]))
	eventually(t, "the completed file", func() bool { return len(s.got()) > 0 })
	quiet()
	if got := s.text(t, path); got != content {
		t.Errorf("delivered %d bytes, want the %d of the whole file", len(got), len(content))
	}
}

func TestTailer_GzipResumesAfterFailedChunk(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.gz")
	content := numbered("big", 0, 60) // decompressed larger than MaxChunk: delivered in pieces
	write(t, path, string(gz(t, content)))
	s := sink{fail: func(c tail.Chunk, calls int) bool { return calls == 2 }}
	tr, _ := start(t, tail.Options{Dirs: []string{dir}, MaxChunk: 64}, &s)
	eventually(t, "the whole file", func() bool { return len(s.text(t, path)) == len(content) })
	quiet()
	if got := s.text(t, path); got != content {
		t.Errorf("delivered text differs from the file")
	}
	for _, c := range s.got() {
		if len(c.Data) > 64 || !c.Gzip {
			t.Errorf("chunk %+v: want gzip pieces of at most 64 bytes", c)
		}
	}
	if st := tr.Stats(); st.Errors != 1 || st.ChunksDelivered != int64(len(s.got())) {
		t.Errorf("Stats = %+v", st)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

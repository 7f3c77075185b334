package source_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/source"
)

// A mapped file's pages count as the process's memory once read; Release
// gives back those before an offset, and the bytes read the same after.
func TestReleaseLeavesResidentSet(t *testing.T) {
	const size = 40 << 20
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(source.Input{Name: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mapped := r.Bytes()
	if mapped == nil {
		t.Fatal("not mapped")
	}
	sum := func() (n int) {
		for i := 0; i < len(mapped); i += 4096 {
			n += int(mapped[i])
		}
		return n
	}
	want := sum()
	before := rssFile(t)
	r.Release(int64(len(mapped)))
	after := rssFile(t)
	if before-after < 24<<20 {
		t.Errorf("file pages resident: %d MiB before Release, %d MiB after; want 32 MiB fewer", before>>20, after>>20)
	}
	if got := sum(); got != want {
		t.Errorf("the bytes read %d after Release, %d before", got, want)
	}
}

// rssFile is the process's resident file-backed memory in bytes.
func rssFile(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(line, err)
			}
			return kb << 10
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// Read, too, reports a mapped file that another process cut short, rather
// than crash on the next page.
func TestReadOfMappedFileThatShrinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	if err := os.WriteFile(path, bytes.Repeat([]byte("{}\n"), 1<<18), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(source.Input{Name: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Bytes() == nil {
		t.Fatal("not mapped")
	}
	buf := make([]byte, 4096)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, source.ErrFileChanged) {
		t.Errorf("read after the file shrank: %v, want ErrFileChanged", err)
	}
}

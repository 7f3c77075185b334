package source_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/source"
)

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gz(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a", "1.json"), []byte("{}"))
	write(t, filepath.Join(dir, "a", "b", "2.json.gz"), gz(t, []byte("{}")))
	write(t, filepath.Join(dir, "a", ".hidden", "3.json"), []byte("{}"))
	write(t, filepath.Join(dir, "a", "README.md"), []byte("doc"))
	write(t, filepath.Join(dir, "c.log"), []byte("{}"))

	ins, skipped, err := source.Expand([]string{filepath.Join(dir, "a"), filepath.Join(dir, "*.log"), "-"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range ins {
		names = append(names, strings.TrimPrefix(in.Name, dir+"/"))
	}
	want := "a/1.json a/b/2.json.gz c.log -"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("inputs = %q, want %q", got, want)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped = %v, want the hidden dir and README.md", skipped)
	}
	if _, _, err := source.Expand([]string{filepath.Join(dir, "missing"), filepath.Join(dir, "*.none")}); err == nil {
		t.Error("Expand of missing paths: no error")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	payload := []byte(strings.Repeat(`{"eventName":"X"}`+"\n", 1000))
	plain := filepath.Join(dir, "plain.json")
	packed := filepath.Join(dir, "packed.bin") // gzip without a .gz name
	cut := filepath.Join(dir, "cut.json.gz")
	write(t, plain, payload)
	write(t, packed, gz(t, payload))
	full := gz(t, payload)
	write(t, cut, full[:len(full)/2])

	for _, p := range []string{plain, packed} {
		r, err := source.Open(source.Input{Name: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, payload) {
			t.Errorf("%s: read %d bytes, err %v", p, len(got), err)
		}
	}
	r, err := source.Open(source.Input{Name: cut}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if !errors.Is(err, source.ErrTruncatedGzip) {
		t.Errorf("truncated gzip: err = %v, want ErrTruncatedGzip", err)
	}
	if len(got) == 0 {
		t.Error("truncated gzip: nothing read before the cut")
	}
	in := strings.NewReader("stdin data")
	sr, err := source.Open(source.Input{Name: source.Stdin}, in)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(sr); string(b) != "stdin data" {
		t.Errorf("stdin = %q", b)
	}
}

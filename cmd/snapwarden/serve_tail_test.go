package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestServe_tail: serve follows a directory across a crash, a rotation
// while stopped, a graceful restart and a .gz file: every record is read
// once, and the findings are hunt's over the same records.
func TestServe_tail(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary three times a backend")
	}
	recs := exampleRecords(t)
	// Cut between the chains' steps, so that each part adds findings: the
	// share (16) is the line written in two goes; the attach, ingress and
	// the second chain's copy (20) grow the rotated file; its share (24)
	// starts the new one, its restore (27) is in the .gz.
	cut := []int{0, 16, 20, 24, 27, len(recs)}
	part := func(i int) []logRecord { return recs[cut[i]:cut[i+1]] }
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db, dir := b.Fresh(t), t.TempDir()
		cfg := serveConfig(t, dir)
		log := filepath.Join(dir, "trail.log")

		// 1. Half a file: whole lines, then part of a line, which must wait
		// for its end. (A file that starts without a newline is held until
		// it settles, as a JSON document would be: the cut comes later.)
		d := startServe(t, daemonOptions{db: db, config: cfg})
		whole, next := ndjson(part(0)), ndjson(part(1))
		cutAt := bytes.IndexByte(next, '\n') / 2 // inside the first line
		writeFile(t, log, whole)
		waitFor(t, "the whole lines to be read", func() (bool, string) {
			n := d.metric("snapwarden_tail_bytes_total")
			return n == float64(len(whole)), fmt.Sprintf("%v bytes read, want %d", n, len(whole))
		})
		appendFile(t, log, next[:cutAt])
		// One poll (1s) sees the cut line; its end comes before the file
		// has settled (2s), as from a writer between two writes.
		time.Sleep(1100 * time.Millisecond)
		if n := d.metric("snapwarden_tail_bytes_total"); n != float64(len(whole)) {
			t.Fatalf("%v bytes read, want %d: the cut line was read before its end", n, len(whole))
		}
		appendFile(t, log, next[cutAt:])
		d.waitFindings("the findings of the first file", huntFindings(t, recs[:cut[2]]))
		d.kill()

		// 2. While stopped: the file grows, is rotated, and a new one
		// starts.
		appendFile(t, log, ndjson(part(2)))
		if err := os.Rename(log, log+".1"); err != nil {
			t.Fatal(err)
		}
		writeFile(t, log, ndjson(part(3)))
		d = startServe(t, daemonOptions{db: db, config: cfg})
		d.waitFindings("the findings after the rotation", huntFindings(t, recs[:cut[4]]))
		if err, _ := d.terminate(); err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}

		// 3. A gzip file while stopped; after the restart only it is read.
		writeFile(t, filepath.Join(dir, "late.json.gz"), gzipped(t, trailDoc(part(4))))
		d = startServe(t, daemonOptions{db: db, config: cfg})
		d.waitFindings("every finding", huntFindings(t, recs))
		waitFor(t, "the records of the .gz", func() (bool, string) {
			n := d.metric("snapwarden_records_total")
			return n >= float64(len(part(4))), fmt.Sprintf("%v records", n)
		})
		if n := d.metric("snapwarden_records_total"); n != float64(len(part(4))) {
			t.Errorf("after the graceful restart %v records were read, want the %d of the new file", n, len(part(4)))
		}
	})
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

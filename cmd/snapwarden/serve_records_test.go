package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// awsExamples is the example CloudTrail of one chain (copy, share,
// restore, attach, ingress) and a cross-account one, with some noise.
var awsExamples = filepath.Join("..", "..", "examples", "aws")

// logRecord is one provider record and its event time.
type logRecord struct {
	time time.Time
	raw  json.RawMessage
}

// exampleRecords reads every record of examples/aws, in event time order.
func exampleRecords(t *testing.T) []logRecord {
	t.Helper()
	var out []logRecord
	err := filepath.WalkDir(awsExamples, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(path, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				return err
			}
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.NewDecoder(r).Decode(&doc); err != nil {
			return err
		}
		for _, raw := range doc.Records {
			var head struct {
				EventTime time.Time `json:"eventTime"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				return err
			}
			out = append(out, logRecord{time: head.EventTime, raw: raw})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("only %d records in %s", len(out), awsExamples)
	}
	slices.SortStableFunc(out, func(a, b logRecord) int { return a.time.Compare(b.time) })
	return out
}

// splitAt cuts records before the first one with the given operation.
func splitAt(t *testing.T, recs []logRecord, eventName string) (before, after []logRecord) {
	t.Helper()
	for i, r := range recs {
		var head struct {
			EventName string `json:"eventName"`
		}
		json.Unmarshal(r.raw, &head)
		if head.EventName == eventName {
			return recs[:i], recs[i:]
		}
	}
	t.Fatalf("no %s record", eventName)
	return nil, nil
}

// trailDoc renders records as one CloudTrail log file.
func trailDoc(recs []logRecord) []byte {
	raws := make([]json.RawMessage, len(recs))
	for i, r := range recs {
		raws[i] = r.raw
	}
	b, _ := json.Marshal(struct {
		Records []json.RawMessage `json:"Records"`
	}{raws})
	return b
}

// ndjson renders records one a line.
func ndjson(recs []logRecord) []byte {
	var b bytes.Buffer
	for _, r := range recs {
		json.Compact(&b, r.raw)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// huntFindings runs hunt in-process over records (at its default minimum
// severity, low, which is serve's too) and returns its findings as id →
// key.
func huntFindings(t *testing.T, recs []logRecord) map[string]string {
	t.Helper()
	return huntOver(t, "trail.json", trailDoc(recs))
}

// huntOver runs hunt over body, written to a file of that name, with any
// more arguments, and returns its findings as id → key.
func huntOver(t *testing.T, name string, body []byte, args ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"hunt", "--output", "jsonl", "--min-severity", "low"}, append(args, dir)...)
	code, out, stderr := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("hunt: code %d\n%s", code, stderr)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var f apiFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("hunt output: %v: %s", err, line)
		}
		if _, dup := want[f.ID]; dup {
			t.Fatalf("hunt printed %s twice", f.ID)
		}
		want[f.ID] = f.key()
	}
	return want
}

// azureRecords reads the example Azure Activity Log (one record a line),
// in time order.
func azureRecords(t *testing.T) []logRecord {
	t.Helper()
	var out []logRecord
	err := filepath.WalkDir(filepath.Join("..", "..", "examples", "azure"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var head struct {
				Time time.Time `json:"time"`
			}
			if err := json.Unmarshal(line, &head); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			out = append(out, logRecord{time: head.Time, raw: line})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(out, func(a, b logRecord) int { return a.time.Compare(b.time) })
	return out
}

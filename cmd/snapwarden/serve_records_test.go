package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
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

// trailRecord is one CloudTrail record and its event time.
type trailRecord struct {
	time time.Time
	raw  json.RawMessage
}

// exampleRecords reads every record of examples/aws, in event time order.
func exampleRecords(t *testing.T) []trailRecord {
	t.Helper()
	var out []trailRecord
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
			out = append(out, trailRecord{time: head.EventTime, raw: raw})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("only %d records in %s", len(out), awsExamples)
	}
	slices.SortStableFunc(out, func(a, b trailRecord) int { return a.time.Compare(b.time) })
	return out
}

// splitAt cuts records before the first one with the given operation.
func splitAt(t *testing.T, recs []trailRecord, eventName string) (before, after []trailRecord) {
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
func trailDoc(recs []trailRecord) []byte {
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
func ndjson(recs []trailRecord) []byte {
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
func huntFindings(t *testing.T, recs []trailRecord) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "trail.json"), trailDoc(recs), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "hunt", "--output", "jsonl", "--min-severity", "low", dir)
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

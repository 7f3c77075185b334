package cloudtrail_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// TestSamples decodes every record of the shared real-world samples with
// zero record errors.
func TestSamples(t *testing.T) {
	dir := filepath.Join(decodetest.SamplesDir(t), "aws", "cloudtrail")
	tests := []struct {
		name  string
		glob  string
		files int
		want  int
	}{
		{"traildiscover", "traildiscover/logExamples/*.json.cloudtrail", 584, 563},
		{"stratus", "stratus/detonation-logs/*.json", 35, 310},
		{"otrf", "otrf/*.json", 1, 103},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paths, err := filepath.Glob(filepath.Join(dir, tc.glob))
			if err != nil {
				t.Fatal(err)
			}
			if len(paths) != tc.files {
				t.Errorf("%d files, want %d", len(paths), tc.files)
			}
			n := 0
			for _, p := range paths {
				n += len(checkEvents(t, decodetest.MustDecode(t, cloudtrail.Format{}, p, decodetest.ReadFile(t, p))))
			}
			t.Logf("%s: %d events from %d files", tc.name, n, len(paths))
			if n != tc.want {
				t.Errorf("%d events, want %d", n, tc.want)
			}
		})
	}
	t.Run("panther", func(t *testing.T) {
		var p jsondoc.Parser
		n := 0
		for i, pt := range decodetest.PantherTests(t, "aws/cloudtrail/panther/aws_cloudtrail_tests.ndjson") {
			if len(pt.Log) == 0 {
				continue
			}
			log, err := p.ParseBytes(pt.Log)
			if err != nil {
				t.Fatalf("test %d: %v", i+1, err)
			}
			if log.Get("eventSource") == nil {
				continue
			}
			n += len(checkEvents(t, decodetest.MustDecode(t, cloudtrail.Format{}, "panther", log.MarshalTo(nil))))
		}
		t.Logf("panther: %d events", n)
		if n != 451 {
			t.Errorf("%d events, want 451", n)
		}
	})
}

// checkEvents fails on events without the basics and returns them.
func checkEvents(tb testing.TB, evs []*event.Event) []*event.Event {
	tb.Helper()
	for _, e := range evs {
		if e.Cloud != event.AWS || e.Operation == "" || e.ID == "" || e.Format != "cloudtrail" {
			tb.Errorf("%s:%d: event lacks basics: %+v", e.Source.File, e.Source.Line, e)
		}
	}
	return evs
}

// readSample returns a file of the shared samples.
func readSample(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{decodetest.SamplesDir(tb), "aws", "cloudtrail"}, parts...)...))
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

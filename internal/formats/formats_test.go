package formats_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// TestSamplesAutoDetect decodes every real sample with auto-detection over
// all formats: each record must be claimed by its own cloud's decoder, with
// no bad record. The per-format tests check the mappings; this one checks
// that the formats do not claim each other's records.
func TestSamplesAutoDetect(t *testing.T) {
	dir := decodetest.SamplesDir(t)
	all := formats.All()
	tests := []struct {
		folder  string
		glob    string
		cloud   event.Cloud
		records int
		events  int
	}{
		{"aws/cloudtrail/traildiscover", "aws/cloudtrail/traildiscover/logExamples/*.json.cloudtrail", event.AWS, 563, 563},
		{"aws/cloudtrail/stratus", "aws/cloudtrail/stratus/detonation-logs/*.json", event.AWS, 310, 310},
		{"aws/cloudtrail/otrf", "aws/cloudtrail/otrf/*.json", event.AWS, 103, 103},
		{"openstack/cadf/octavia", "openstack/cadf/octavia/*.ndjson", event.OpenStack, 2, 1},
		{"openstack/cadf/hermes", "openstack/cadf/hermes/*.json", event.OpenStack, 5, 5},
	}
	for _, tc := range tests {
		t.Run(tc.folder, func(t *testing.T) {
			paths, err := filepath.Glob(filepath.Join(dir, tc.glob))
			if err != nil || len(paths) == 0 {
				t.Fatalf("no sample files for %s (%v)", tc.glob, err)
			}
			var records, events int
			for _, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				res := decodetest.Decode(t, nil, all, filepath.Base(p), b)
				checkResult(t, p, res, tc.cloud)
				records += res.Stats.Records
				events += len(res.Events)
			}
			t.Logf("%s: %d files, %d records, %d events, 0 errors", tc.folder, len(paths), records, events)
			if records != tc.records || events != tc.events {
				t.Errorf("%s: %d records and %d events, want %d and %d", tc.folder, records, events, tc.records, tc.events)
			}
		})
	}

	// Panther's rule tests: the logs in a real provider shape, each its own input.
	panther := []struct {
		file  string
		cloud event.Cloud
		real  func(log map[string]any) bool
		want  int
	}{
		{"aws/cloudtrail/panther/aws_cloudtrail_tests.ndjson", event.AWS, func(l map[string]any) bool { return l["eventSource"] != nil }, 451},
		{"azure/activity/panther/azure_monitor_activity_tests.ndjson", event.Azure, func(map[string]any) bool { return true }, 214},
		{"gcp/audit/panther/gcp_audit_tests.ndjson", event.GCP, func(l map[string]any) bool {
			pp, _ := l["protoPayload"].(map[string]any)
			return pp != nil && pp["methodName"] != nil
		}, 125},
	}
	for _, tc := range panther {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 16<<20)
			n := 0
			for line := 1; sc.Scan(); line++ {
				var test struct {
					Log json.RawMessage `json:"log"`
				}
				if err := json.Unmarshal(sc.Bytes(), &test); err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				var log map[string]any
				if json.Unmarshal(test.Log, &log) != nil || !tc.real(log) {
					continue
				}
				res := decodetest.Decode(t, nil, all, filepath.Base(tc.file), bytes.TrimSpace(test.Log))
				checkResult(t, tc.file, res, tc.cloud)
				if len(res.Events) != 1 {
					t.Errorf("line %d: %d events, want 1", line, len(res.Events))
				}
				n++
			}
			t.Logf("%s: %d logs in a real provider shape decoded, 0 errors", tc.file, n)
			if n != tc.want {
				t.Errorf("%d logs, want %d", n, tc.want)
			}
		})
	}
}

func checkResult(t *testing.T, name string, res decodetest.Result, cloud event.Cloud) {
	t.Helper()
	for _, e := range res.Errors {
		t.Errorf("%s: bad record: %v", name, e)
	}
	if res.Err != nil {
		t.Errorf("%s: %v", name, res.Err)
	}
	for _, e := range res.Events {
		if e.Cloud != cloud {
			t.Errorf("%s: event %s decoded as %s by %s, want %s", name, e.ID, e.Cloud, e.Format, cloud)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, name := range formats.Names() {
		f, err := formats.Lookup(name)
		if err != nil || f.Name() != name {
			t.Errorf("Lookup(%q) = %v, %v", name, f, err)
		}
	}
	if f, err := formats.Lookup("auto"); f != nil || err != nil {
		t.Errorf("Lookup(auto) = %v, %v; want nil, nil", f, err)
	}
	if _, err := formats.Lookup("syslog"); err == nil {
		t.Error("Lookup(syslog): no error")
	}
	var _ decode.Format = formats.All()[0]
}

// TestMixedFormats: records of every format interleaved one by one in one
// NDJSON input are each claimed by their own format — the format of the
// previous record is asked first, and must let go of the others' records.
func TestMixedFormats(t *testing.T) {
	all := formats.All()
	inputs, _, err := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples")})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, in := range inputs {
		paths = append(paths, in.Name)
	}
	alone := decodetest.DecodeFiles(t, nil, all, paths...)
	if len(alone.Errors) > 0 || alone.Err != nil {
		t.Fatalf("examples: %v %v", alone.Errors, alone.Err)
	}
	byFormat := map[string][][]byte{}
	for _, e := range alone.Events {
		for _, r := range e.Raw {
			var b bytes.Buffer
			if err := json.Compact(&b, r); err != nil {
				t.Fatal(err)
			}
			byFormat[e.Format] = append(byFormat[e.Format], b.Bytes())
		}
	}
	if len(byFormat) < 6 {
		t.Fatalf("records of %d formats in examples/, want 6 or more", len(byFormat))
	}
	names := slices.Sorted(maps.Keys(byFormat))
	var mixed bytes.Buffer
	for i := 0; ; i++ {
		wrote := false
		for _, name := range names {
			if i < len(byFormat[name]) {
				mixed.Write(byFormat[name][i])
				mixed.WriteByte('\n')
				wrote = true
			}
		}
		if !wrote {
			break
		}
	}
	res := decodetest.Decode(t, nil, all, "mixed.ndjson", mixed.Bytes())
	if len(res.Errors) > 0 || res.Err != nil {
		t.Fatalf("mixed input: %v %v", res.Errors, res.Err)
	}
	for _, name := range names {
		if got := res.Stats.PerFormat[name]; got != len(byFormat[name]) {
			t.Errorf("%s: %d records decoded as %s, want %d", name, got, name, len(byFormat[name]))
		}
	}
	if len(res.Events) != len(alone.Events) {
		t.Errorf("%d events from the mixed input, %d from the files", len(res.Events), len(alone.Events))
	}
}

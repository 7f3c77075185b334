package ingest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/ingest"
)

// TestSamples posts each cloud's real samples wrapped in each envelope that
// carries that cloud's records, gzip-compressed, through Read, decodes the
// batch with the real decoders and the format the batch names, and checks
// the events are those of the samples decoded as they are.
func TestSamples(t *testing.T) {
	t.Run("aws/eventbridge", func(t *testing.T) {
		var records []json.RawMessage
		for _, p := range decodetest.SampleFiles(t, "aws/cloudtrail/stratus", "aws/cloudtrail/otrf", "aws/cloudtrail/traildiscover/logExamples") {
			records = append(records, jsonRecords(t, p)...)
		}
		if len(records) < 900 {
			t.Fatalf("%d CloudTrail records in the samples, want the ~976 of stratus, otrf and traildiscover", len(records))
		}
		want := decodeClean(t, ndjson(records), "auto")
		t.Logf("%d CloudTrail records, %d events", len(records), len(want))
		other := eventBridge("EBS Snapshot Notification", `{"event":"createSnapshot","result":"succeeded"}`)
		var events []string
		for i, r := range records {
			events = append(events, eventBridge(apiCall, string(r)))
			if i%50 == 0 {
				events = append(events, other)
			}
		}
		skipped := (len(records) + 49) / 50
		bodies := map[string]string{
			"array":  "[" + strings.Join(events, ",") + "]",
			"NDJSON": strings.Join(events, "\n") + "\n",
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				b := postBatch(t, body, "auto")
				if b.Envelope != ingest.EventBridge || b.Format != "cloudtrail" || b.Unwrapped != len(records) || b.Skipped != skipped {
					t.Errorf("envelope %v format %q unwrapped %d skipped %d; want eventbridge cloudtrail %d %d",
						b.Envelope, b.Format, b.Unwrapped, b.Skipped, len(records), skipped)
				}
				sameEvents(t, decodeClean(t, b.Body, b.Format), want)
			})
		}
		t.Run("one event a request", func(t *testing.T) {
			var got []*event.Event
			for _, r := range records {
				b := postBatch(t, eventBridge(apiCall, string(r)), "cloudtrail")
				got = append(got, decodeClean(t, b.Body, b.Format)...)
			}
			sameEvents(t, got, want)
		})
	})

	t.Run("gcp/pubsub", func(t *testing.T) {
		var entries []json.RawMessage
		for _, pt := range decodetest.PantherTests(t, "gcp/audit/panther/gcp_audit_tests.ndjson") {
			// Only the logs in a real LogEntry shape that decode cleanly
			// alone: the others are Panther's hand edits.
			if res := decodetest.Decode(t, nil, formats.All(), "log", pt.Log); len(res.Errors) == 0 && res.Err == nil && len(res.Events) == 1 {
				entries = append(entries, pt.Log)
			}
		}
		if len(entries) < 100 {
			t.Fatalf("%d clean LogEntries in the Panther tests, want over 100", len(entries))
		}
		want := decodeClean(t, ndjson(entries), "auto")
		t.Logf("%d LogEntries, %d events", len(entries), len(want))
		t.Run("one message of NDJSON data", func(t *testing.T) {
			b := postBatch(t, pubSub(ndjson(entries)), "auto")
			if b.Envelope != ingest.PubSub || b.Format != "gcpaudit" || b.Unwrapped != len(entries) || b.Skipped != 0 {
				t.Errorf("envelope %v format %q unwrapped %d skipped %d", b.Envelope, b.Format, b.Unwrapped, b.Skipped)
			}
			sameEvents(t, decodeClean(t, b.Body, b.Format), want)
		})
		t.Run("one entry a message", func(t *testing.T) {
			var got []*event.Event
			for _, e := range entries {
				b := postBatch(t, pubSub(e), "gcpaudit")
				got = append(got, decodeClean(t, b.Body, b.Format)...)
			}
			// Alone, each entry is its own event: compare with each alone.
			var alone []*event.Event
			for _, e := range entries {
				alone = append(alone, decodeClean(t, e, "auto")...)
			}
			sameEvents(t, got, alone)
		})
	})

	t.Run("azure/eventhub", func(t *testing.T) {
		var records []json.RawMessage
		for _, pt := range decodetest.PantherTests(t, "azure/activity/panther/azure_monitor_activity_tests.ndjson") {
			records = append(records, pt.Log)
		}
		want := decodeClean(t, ndjson(records), "auto")
		t.Logf("%d Activity Log records, %d events", len(records), len(want))
		body := `{"records":[` + string(bytes.Join(asBytes(records), []byte(","))) + "]}"
		b := postBatch(t, body, "auto")
		if b.Envelope != ingest.EventHub || b.Format != "auto" || b.Unwrapped != len(records) || string(b.Body) != body {
			t.Errorf("envelope %v format %q unwrapped %d (want %d), body changed: %v",
				b.Envelope, b.Format, b.Unwrapped, len(records), string(b.Body) != body)
		}
		sameEvents(t, decodeClean(t, b.Body, b.Format), want)
	})

	// OpenStack has no push envelope: its files pass through untouched.
	t.Run("openstack/plain", func(t *testing.T) {
		for _, p := range decodetest.SampleFiles(t, "openstack/cadf/octavia", "openstack/cadf/hermes") {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b := postBatch(t, string(raw), "auto")
			if b.Envelope != ingest.None || !bytes.Equal(b.Body, raw) {
				t.Errorf("%s: envelope %v, body changed: %v", p, b.Envelope, !bytes.Equal(b.Body, raw))
			}
		}
	})
}

// postBatch posts body, gzip-compressed, through Read.
func postBatch(tb testing.TB, body, format string) ingest.Batch {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(body))
	zw.Close()
	r := httptest.NewRequest(http.MethodPost, "/v1/ingest/"+format, &buf)
	r.Header.Set("Content-Encoding", "gzip")
	b, err := ingest.Read(r, format, ingest.Options{MaxBody: 64 << 20, MaxDecoded: 256 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// decodeClean decodes body as the server's pipeline would, failing on any
// bad record.
func decodeClean(tb testing.TB, body []byte, format string) []*event.Event {
	tb.Helper()
	f, err := formats.Lookup(format)
	if err != nil {
		tb.Fatal(err)
	}
	res := decodetest.Decode(tb, f, formats.All(), "batch", body)
	return res.Clean(tb)
}

// sameEvents compares events as the engine sees them, and their raw records
// as JSON values: where a record was read from (Source) differs by design.
func sameEvents(tb testing.TB, got, want []*event.Event) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := *got[i], *want[i]
		gr, wr := jsonValues(tb, g.Raw), jsonValues(tb, w.Raw)
		g.Source, w.Source = event.Source{}, event.Source{}
		gj, _ := json.Marshal(&g)
		wj, _ := json.Marshal(&w)
		if !bytes.Equal(gj, wj) {
			tb.Fatalf("event %d:\n got %s\nwant %s", i, gj, wj)
		}
		if !reflect.DeepEqual(gr, wr) {
			tb.Fatalf("event %d (%s): raw records differ", i, g.ID)
		}
	}
}

func jsonValues(tb testing.TB, raw []json.RawMessage) []any {
	tb.Helper()
	var out []any
	for _, r := range raw {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			tb.Fatalf("raw record is not JSON: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// jsonRecords returns the records of a CloudTrail sample: an array, a bare
// record or NDJSON.
func jsonRecords(tb testing.TB, path string) []json.RawMessage {
	tb.Helper()
	b := decodetest.ReadFile(tb, path)
	var out []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '[' {
			var a []json.RawMessage
			if err := json.Unmarshal(v, &a); err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			out = append(out, a...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

func ndjson(records []json.RawMessage) []byte {
	var buf bytes.Buffer
	for _, r := range records {
		var c bytes.Buffer
		if json.Compact(&c, r) != nil {
			c.Reset()
			c.Write(r)
		}
		buf.Write(c.Bytes())
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func asBytes(rs []json.RawMessage) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

var _ decode.Format = formats.All()[0]

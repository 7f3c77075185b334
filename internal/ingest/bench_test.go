package ingest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/ingest"
)

// BenchmarkRead measures Read over a batch of the real CloudTrail samples,
// plain and in EventBridge events, identity and gzip; records/s is what
// the ingest endpoint can take before decoding.
func BenchmarkRead(b *testing.B) {
	var records []json.RawMessage
	for _, p := range decodetest.SampleFiles(b, "aws/cloudtrail/stratus", "aws/cloudtrail/otrf") {
		records = append(records, jsonRecords(b, p)...)
	}
	var events []string
	for _, r := range records {
		events = append(events, eventBridge(apiCall, compact(b, string(r))))
	}
	bodies := []struct {
		name string
		body []byte
	}{
		{"body=ndjson", ndjson(records)},
		{"body=eventbridge", []byte(strings.Join(events, "\n"))},
	}
	for _, bc := range bodies {
		for _, enc := range []string{"identity", "gzip"} {
			wire := bc.body
			if enc == "gzip" {
				wire = gz(b, string(bc.body))
			}
			b.Run(bc.name+"/enc="+enc, func(b *testing.B) {
				b.SetBytes(int64(len(bc.body)))
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest(http.MethodPost, "/v1/ingest/auto", bytes.NewReader(wire))
					r.Header.Set("Content-Encoding", enc)
					if _, err := ingest.Read(r, "auto", ingest.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(records)*b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

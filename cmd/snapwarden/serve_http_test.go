package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestServe_httpErrors: what the real binary answers to requests it
// refuses, and its health and metrics endpoints.
func TestServe_httpErrors(t *testing.T) {
	recs := exampleRecords(t)
	big := bytes.Repeat(ndjson(recs), 1<<20/len(ndjson(recs))+1) // over serve.max_body_mb: 1
	bomb := gzipped(t, bytes.Repeat([]byte("\n"), 2<<20))        // small, inflating over the limit
	gz := http.Header{"Content-Encoding": {"gzip"}}
	cfg := serveConfig(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		d := startServe(t, daemonOptions{db: b.Fresh(t), config: cfg})
		tests := []struct {
			name, method, path, token string
			body                      []byte
			header                    http.Header
			status                    int
			want                      []string // in the body
		}{
			{"no token", "POST", "/v1/ingest/cloudtrail", "", trailDoc(recs), nil, 401, []string{"missing bearer token"}},
			{"wrong token", "POST", "/v1/ingest/cloudtrail", "WRONG", trailDoc(recs), nil, 401, []string{"unknown token"}},
			{"findings without token", "GET", "/v1/findings", "", nil, nil, 401, []string{"missing bearer token"}},
			{"unknown format", "POST", "/v1/ingest/nosuch", testToken, trailDoc(recs), nil, 404, []string{`unknown format \"nosuch\"`}},
			{"body over the limit", "POST", "/v1/ingest/auto", testToken, big, nil, 413, []string{"larger than the limit"}},
			{"gzip inflating over the limit", "POST", "/v1/ingest/auto", testToken, bomb, gz, 413, []string{"larger than the limit"}},
			{"broken JSON", "POST", "/v1/ingest/cloudtrail", testToken, []byte("{\"Records\":[\n  {\"eventID\": \"x\",}\n]}"), nil, 400, []string{`"line":2`, `"column":19`, "line 2, column 19: invalid JSON"}},
			{"healthz", "GET", "/healthz", "", nil, nil, 200, []string{`"status":"ok"`}},
			{"readyz", "GET", "/readyz", "", nil, nil, 200, []string{`"status":"ready"`}},
		}
		for _, tc := range tests {
			code, body := d.request(tc.method, tc.path, tc.token, tc.body, tc.header)
			if code != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.status)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("%s: %s\nwant it to hold %s", tc.name, body, w)
				}
			}
		}

		d.mustIngest("cloudtrail", trailDoc(recs))
		waitFor(t, "the batch's records in /metrics", func() (bool, string) {
			n := d.metric("snapwarden_records_total")
			return n == float64(len(recs)), fmt.Sprintf("%v records, want %d", n, len(recs))
		})
		_, metrics := d.get("/metrics", "")
		for _, m := range []struct {
			name string
			want float64
		}{
			{`snapwarden_ingest_rejected_total{reason="auth"}`, 3},
			{`snapwarden_ingest_rejected_total{reason="unknown_format"}`, 1},
			{`snapwarden_ingest_rejected_total{reason="too_large"}`, 2},
			{`snapwarden_ingest_rejected_total{reason="bad_request"}`, 1},
			{`snapwarden_ingest_batches_total`, 1},
			{`snapwarden_records_total{format="cloudtrail"}`, float64(len(recs))},
		} {
			if got := metricSum(metrics, m.name); got != m.want {
				t.Errorf("%s = %v, want %v", m.name, got, m.want)
			}
		}
	})
}

// TestServe_firstToken: with no token anywhere, the first start prints one
// (once), the second prints none, and the printed one opens the API.
func TestServe_firstToken(t *testing.T) {
	cfg := serveConfig(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Fresh(t)
		d := startServe(t, daemonOptions{db: db, config: cfg, noTokens: true})
		printed := printedToken.FindAllString(d.stderr.String(), -1)
		if len(printed) != 1 {
			t.Fatalf("first start printed %d tokens, want 1:\n%s", len(printed), d.stderr.String())
		}
		token := printed[0]
		if err, _ := d.terminate(); err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
		if n := strings.Count(d.stderr.String(), token); n != 1 {
			t.Errorf("the token is on stderr %d times, want once", n)
		}

		d = startServe(t, daemonOptions{db: db, config: cfg, noTokens: true})
		if out := d.stderr.String(); printedToken.MatchString(out) || strings.Contains(out, "no API token") {
			t.Errorf("second start printed a token:\n%s", out)
		}
		if code, body := d.get("/v1/findings", token); code != http.StatusOK || !json.Valid(body) {
			t.Errorf("the printed token: %d %s", code, body)
		}
		if code, _ := d.get("/v1/findings", token+"0"); code != http.StatusUnauthorized {
			t.Errorf("another token: %d, want 401", code)
		}
		if code, _ := d.get("/v1/findings", testToken); code != http.StatusUnauthorized {
			t.Errorf("SNAPWARDEN_TOKENS' token, not given this time: %d, want 401", code)
		}
	})
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/api"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/server"
	"github.com/snapwarden/snapwarden/internal/sink"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

const token = "s3cret-token"

// stack is a server with its pipeline and a webhook sink, on one store.
type stack struct {
	url  string
	st   *store.Store
	hook *hookRecorder
	stop func()
}

// hookRecorder is a SIEM's webhook receiver: it keeps the last revision
// of each finding it was sent, and how many times each id came.
type hookRecorder struct {
	mu    sync.Mutex
	last  map[string]finding.Finding
	times map[string]int
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ Findings []finding.Finding }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range body.Findings {
		h.times[fmt.Sprintf("%s revision %d", f.ID, f.Revision)]++
		if old, ok := h.last[f.ID]; !ok || f.Revision >= old.Revision {
			h.last[f.ID] = f
		}
	}
}

func startStack(t *testing.T, dsn string) *stack {
	t.Helper()
	opts := hunt.Options{MinSeverity: finding.Low, ShowSuppressed: true}
	rs, _, errs := hunt.LoadRules(opts)
	det, cerrs := hunt.New(rs, opts)
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	st, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	hook := &hookRecorder{last: map[string]finding.Finding{}, times: map[string]int{}}
	hookSrv := httptest.NewServer(hook)
	wh, err := sink.New(sink.Config{Name: "soc", Type: sink.TypeWebhook, URL: hookSrv.URL, MinSeverity: finding.High})
	if err != nil {
		t.Fatal(err)
	}
	var fwd *serve.Forwarder
	p, err := serve.New(serve.Options{Store: st, Detector: det, Owner: "t", Hold: 5 * time.Second,
		CheckpointEvery: 100 * time.Millisecond, PairWait: 200 * time.Millisecond, Notify: func() { fwd.Wake() }})
	if err != nil {
		t.Fatal(err)
	}
	fwd = serve.NewForwarder(st, "t", []sink.Sink{wh}, p.Metrics(), nil)
	tok, _ := server.ParseToken("ci", server.HashToken(token))
	findings := api.New(api.Options{Store: st, Actor: func(r *http.Request) string { return "token:" + server.TokenName(r) }})
	srv := httptest.NewServer(server.New(server.Options{Pipeline: p, Store: st, Tokens: []server.Token{tok},
		Routes: []func(*http.ServeMux){findings.Register}}))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.Run(ctx) }()
	fctx, fcancel := context.WithCancel(context.Background())
	go func() { defer wg.Done(); fwd.Run(fctx, 5*time.Second) }()
	s := &stack{url: srv.URL, st: st, hook: hook}
	s.stop = func() {
		srv.Close()
		cancel()
		time.Sleep(0) // let Run see the cancel before the forwarder stops
		for !readyGone(p) {
			time.Sleep(10 * time.Millisecond)
		}
		fcancel()
		wg.Wait()
		hookSrv.Close()
		st.Close()
	}
	waitFor(t, "ready", func() bool { return p.Ready() })
	return s
}

func readyGone(p *serve.Pipeline) bool { return !p.Ready() }

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after a minute", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *stack) do(t *testing.T, method, path, tok string, body []byte, hdr ...string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// chainIDs lists the chain findings the API returns at or above high.
func (s *stack) chainIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for {
		code, b := s.do(t, "GET", "/v1/findings?severity=high&limit=50&cursor="+cursor, token, nil)
		if code != http.StatusOK {
			t.Fatalf("findings: %d %s", code, b)
		}
		var page struct {
			Findings []finding.Finding
			Next     string
		}
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Findings {
			if f.Rule.Kind == finding.KindChain {
				ids = append(ids, f.ID+" "+f.Severity.String())
			}
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	slices.Sort(ids)
	return ids
}

// TestServer_IngestToAPIAndSink: every example log posted over HTTP (gzip
// or not, concurrently) gives, in the API, the chains hunt finds, each
// forwarded to the webhook once per revision; bad requests get clear
// 4xx answers; the API audits a review.
func TestServer_IngestToAPIAndSink(t *testing.T) {
	inputs, _, err := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples")})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s := startStack(t, b.Fresh(t))
		defer s.stop()

		// Refusals first.
		for _, tc := range []struct {
			path, tok string
			body      string
			code      int
			says      string
		}{
			{"/v1/ingest/auto", "", `{}`, 401, "missing bearer token"},
			{"/v1/ingest/auto", "wrong", `{}`, 401, "unknown token"},
			{"/v1/ingest/cloudtrial", token, `{}`, 404, `unknown format \"cloudtrial\"`},
			{"/v1/ingest/auto", token, "{\"Records\":[\n{\"a\":1,}]}", 400, `"line":2`},
			{"/v1/ingest/auto", token, "", 400, "empty"},
			{"/v1/ingest/auto", token, `{"hello":"world"}`, 400, "no format snapwarden reads"},
		} {
			code, body := s.do(t, "POST", tc.path, tc.tok, []byte(tc.body))
			if code != tc.code || !strings.Contains(string(body), tc.says) {
				t.Errorf("POST %s %q: %d %s, want %d saying %s", tc.path, tc.body, code, body, tc.code, tc.says)
			}
		}
		if code, _ := s.do(t, "GET", "/readyz", "", nil); code != 200 {
			t.Errorf("/readyz %d", code)
		}

		var wg sync.WaitGroup
		for i, in := range inputs {
			data, err := os.ReadFile(in.Name)
			if err != nil {
				t.Fatal(err)
			}
			var hdr []string
			if i%2 == 0 && !strings.HasSuffix(in.Name, ".gz") {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				zw.Write(data)
				zw.Close()
				data, hdr = buf.Bytes(), []string{"Content-Encoding", "gzip"}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, body := s.do(t, "POST", "/v1/ingest/auto", token, data, hdr...); code != http.StatusAccepted {
					t.Errorf("POST %s: %d %s", in.Name, code, body)
				}
			}()
		}
		wg.Wait()

		want := []string{"critical", "critical", "critical", "critical", "critical", "critical", "high", "high", "high"}
		var got []string
		waitFor(t, "the example chains in the API", func() bool {
			got = s.chainIDs(t)
			var sevs []string
			for _, g := range got {
				sevs = append(sevs, strings.Fields(g)[1])
			}
			slices.Sort(sevs)
			return slices.Equal(sevs, want)
		})
		waitFor(t, "the chains at the webhook", func() bool {
			s.hook.mu.Lock()
			defer s.hook.mu.Unlock()
			for _, g := range got {
				id := strings.Fields(g)[0]
				if f, ok := s.hook.last[id]; !ok || f.Severity.String() != strings.Fields(g)[1] {
					return false
				}
			}
			return true
		})
		s.hook.mu.Lock()
		for k, n := range s.hook.times {
			if n > 1 {
				t.Errorf("webhook got %s %d times", k, n)
			}
		}
		for _, f := range s.hook.last {
			if f.Severity < finding.High {
				t.Errorf("webhook got %s at %s, below its min_severity", f.ID, f.Severity)
			}
		}
		s.hook.mu.Unlock()

		// Review through the API, audited with the token's name.
		id := strings.Fields(got[0])[0]
		if code, body := s.do(t, "POST", "/v1/findings/"+id+"/ack", token, []byte(`{"reason":"ticket SEC-1"}`)); code != 200 || !strings.Contains(string(body), `"acknowledged"`) {
			t.Fatalf("ack: %d %s", code, body)
		}
		code, body := s.do(t, "GET", "/v1/findings/"+id+"/audit", token, nil)
		if code != 200 || !strings.Contains(string(body), `"token:ci"`) || !strings.Contains(string(body), "SEC-1") {
			t.Fatalf("audit: %d %s", code, body)
		}
		code, body = s.do(t, "GET", "/metrics", "", nil)
		for _, m := range []string{"snapwarden_records_total{format=\"cloudtrail\"}", "snapwarden_ingest_rejected_total{reason=\"auth\"} 2",
			"snapwarden_sink_sent_total{sink=\"soc\"}", "snapwarden_ingest_to_finding_seconds_count"} {
			if code != 200 || !strings.Contains(string(body), m) {
				t.Errorf("/metrics lacks %s", m)
			}
		}
	})
}

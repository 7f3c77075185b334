package sink_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

// recorder is a webhook receiver answering with the statuses given, one
// per request (the last repeats), and keeping what it received.
type recorder struct {
	mu       sync.Mutex
	statuses []int
	header   http.Header // sent with every answer
	requests []received
}

type received struct {
	header http.Header
	body   []byte
	at     time.Time
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.requests = append(rec.requests, received{r.Header.Clone(), body, time.Now()})
	status := rec.statuses[min(len(rec.requests), len(rec.statuses))-1]
	rec.mu.Unlock()
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, http.StatusText(status))
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.requests)
}

// newWebhook starts a receiver and a sink posting to it, with quick retries.
func newWebhook(t *testing.T, rec *recorder, edit func(*sink.Config)) (sink.Sink, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	cfg := sink.Config{
		Name: "hook", Type: sink.TypeWebhook, URL: srv.URL + "/findings",
		Retry: sink.RetryConfig{MaxAttempts: 4, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := sink.New(cfg, sink.WithVersion("1.2.3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, srv
}

func TestWebhook_Signature(t *testing.T) {
	rec := &recorder{statuses: []int{200}}
	s, _ := newWebhook(t, rec, func(c *sink.Config) {
		c.Secret = "s3cret"
		c.Headers = map[string]string{"Authorization": "Bearer abc"}
	})
	f := sample()
	if err := s.Send(t.Context(), []finding.Finding{f}); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 1 {
		t.Fatalf("%d requests, want 1", rec.count())
	}
	r := rec.requests[0]
	ts := r.header.Get("X-Snapwarden-Timestamp")
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(unix, 0)).Abs() > time.Minute {
		t.Errorf("timestamp %q is not the current Unix time", ts)
	}
	// Recompute independently of sink.Sign: HMAC-SHA256(secret, ts "." body).
	mac := hmac.New(sha256.New, []byte("s3cret"))
	mac.Write([]byte(ts + "." + string(r.body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := r.header.Get("X-Snapwarden-Signature"); got != want {
		t.Errorf("signature %q, want %q", got, want)
	}
	if got := sink.Sign([]byte("s3cret"), ts, r.body); "sha256="+got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
	if r.header.Get("Content-Type") != "application/json" || r.header.Get("Authorization") != "Bearer abc" ||
		r.header.Get("User-Agent") != "snapwarden/1.2.3" {
		t.Errorf("headers %v", r.header)
	}
	// The body is {"findings":[…]} with each finding's JSON unchanged.
	var got struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil || len(got.Findings) != 1 {
		t.Fatalf("body %s: %v", r.body, err)
	}
	wantJSON, _ := json.Marshal(f)
	if string(got.Findings[0]) != string(wantJSON) {
		t.Errorf("finding JSON\n got %s\nwant %s", got.Findings[0], wantJSON)
	}
}

func TestWebhook_NoSecretNoSignature(t *testing.T) {
	rec := &recorder{statuses: []int{204}}
	s, _ := newWebhook(t, rec, nil)
	if err := s.Send(t.Context(), []finding.Finding{sample()}); err != nil {
		t.Fatal(err)
	}
	if h := rec.requests[0].header; h.Get("X-Snapwarden-Signature") != "" || h.Get("X-Snapwarden-Timestamp") != "" {
		t.Errorf("unsigned sink sent %v", h)
	}
}

func TestWebhook_Retry(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		header   http.Header
		requests int
		wantErr  bool
		perm     bool
		waits    []time.Duration // at least, per wait
	}{
		{name: "503 then 200", statuses: []int{503, 200}, requests: 2},
		{name: "500 502 504 then 200", statuses: []int{500, 502, 504, 200}, requests: 4},
		{name: "408 then 200", statuses: []int{408, 200}, requests: 2},
		{name: "429 with Retry-After", statuses: []int{429, 200}, header: http.Header{"Retry-After": {"3"}},
			requests: 2, waits: []time.Duration{3 * time.Second}},
		{name: "503 with Retry-After", statuses: []int{503, 503, 200}, header: http.Header{"Retry-After": {"2"}},
			requests: 3, waits: []time.Duration{2 * time.Second, 2 * time.Second}},
		{name: "400 is permanent", statuses: []int{400, 200}, requests: 1, wantErr: true, perm: true},
		{name: "404 is permanent", statuses: []int{404}, requests: 1, wantErr: true, perm: true},
		{name: "redirect is permanent", statuses: []int{307}, requests: 1, wantErr: true, perm: true},
		{name: "500 until attempts run out", statuses: []int{500}, requests: 4, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{statuses: tc.statuses, header: tc.header}
			s, _ := newWebhook(t, rec, func(c *sink.Config) { c.Retry.MaxElapsed = time.Hour })
			var waits []time.Duration
			sink.SetSleep(s, func(d time.Duration) { waits = append(waits, d) })
			err := s.Send(t.Context(), []finding.Finding{sample()})
			if (err != nil) != tc.wantErr || sink.IsPermanent(err) != tc.perm {
				t.Fatalf("err = %v (permanent %v)", err, sink.IsPermanent(err))
			}
			if rec.count() != tc.requests {
				t.Errorf("%d requests, want %d", rec.count(), tc.requests)
			}
			if len(waits) != tc.requests-1 {
				t.Errorf("%d waits, want %d", len(waits), tc.requests-1)
			}
			for i, w := range tc.waits {
				if i < len(waits) && waits[i] < w {
					t.Errorf("wait %d = %v, want at least the Retry-After %v", i, waits[i], w)
				}
			}
			var se *sink.StatusError
			if tc.wantErr && (!errors.As(err, &se) || se.StatusCode != tc.statuses[len(tc.statuses)-1] && !tc.perm) {
				t.Errorf("err %v is not the last answer's StatusError", err)
			}
		})
	}
}

// TestWebhook_RetryAfterWaits spends a real Retry-After of one second.
func TestWebhook_RetryAfterWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a second")
	}
	rec := &recorder{statuses: []int{429, 200}, header: http.Header{"Retry-After": {"1"}}}
	s, _ := newWebhook(t, rec, nil)
	if err := s.Send(t.Context(), []finding.Finding{sample()}); err != nil {
		t.Fatal(err)
	}
	if gap := rec.requests[1].at.Sub(rec.requests[0].at); gap < time.Second {
		t.Errorf("retried after %v, before the Retry-After of 1s", gap)
	}
}

func TestWebhook_MaxElapsed(t *testing.T) {
	rec := &recorder{statuses: []int{429}, header: http.Header{"Retry-After": {"3600"}}}
	s, _ := newWebhook(t, rec, func(c *sink.Config) { c.Retry.MaxElapsed = time.Minute })
	sink.SetSleep(s, func(time.Duration) { t.Error("waited past max_elapsed") })
	err := s.Send(t.Context(), []finding.Finding{sample()})
	if err == nil || sink.IsPermanent(err) || rec.count() != 1 {
		t.Errorf("err %v after %d requests; want a non-permanent error after 1", err, rec.count())
	}
}

func TestWebhook_Cancel(t *testing.T) {
	rec := &recorder{statuses: []int{503}}
	s, _ := newWebhook(t, rec, func(c *sink.Config) {
		c.Retry = sink.RetryConfig{MaxAttempts: 100, Backoff: time.Hour, MaxBackoff: time.Hour, MaxElapsed: 10 * time.Hour}
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := s.Send(ctx, []finding.Finding{sample()})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 10*time.Second {
		t.Errorf("err %v after %v; want context.Canceled at once", err, time.Since(start))
	}
}

func TestWebhook_CloseStopsRetry(t *testing.T) {
	rec := &recorder{statuses: []int{503}}
	s, _ := newWebhook(t, rec, func(c *sink.Config) {
		c.Retry = sink.RetryConfig{MaxAttempts: 100, Backoff: time.Hour, MaxBackoff: time.Hour, MaxElapsed: 10 * time.Hour}
	})
	time.AfterFunc(50*time.Millisecond, func() { s.Close() })
	if err := s.Send(t.Context(), []finding.Finding{sample()}); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("err %v, want ErrClosed", err)
	}
	if err := s.Send(t.Context(), []finding.Finding{sample()}); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("after Close: err %v, want ErrClosed", err)
	}
}

func TestWebhook_MinSeverity(t *testing.T) {
	rec := &recorder{statuses: []int{200}}
	s, _ := newWebhook(t, rec, func(c *sink.Config) { c.MinSeverity = finding.High })
	low, high, crit := sample(), sample(), sample()
	low.Severity, low.ID = finding.Low, "low"
	high.ID = "high"
	crit.Severity, crit.ID = finding.Critical, "crit"
	if err := s.Send(t.Context(), []finding.Finding{low}); err != nil || rec.count() != 0 {
		t.Fatalf("a batch of only low findings: err %v, %d requests; want none", err, rec.count())
	}
	if err := s.Send(t.Context(), []finding.Finding{low, high, crit}); err != nil {
		t.Fatal(err)
	}
	var got struct{ Findings []finding.Finding }
	if err := json.Unmarshal(rec.requests[0].body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 2 || got.Findings[0].ID != "high" || got.Findings[1].ID != "crit" {
		t.Errorf("sent %+v, want high and crit", got.Findings)
	}
}

func TestWebhook_TLS(t *testing.T) {
	rec := &recorder{statuses: []int{200}}
	srv := httptest.NewTLSServer(rec)
	defer srv.Close()
	ca := writeCA(t, srv.Certificate())
	for _, tc := range []struct {
		name string
		tls  *sink.TLSConfig
		ok   bool
	}{
		{"trusted CA", &sink.TLSConfig{CAFile: ca}, true},
		{"system roots", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := sink.New(sink.Config{Name: "hook", Type: sink.TypeWebhook, URL: srv.URL, TLS: tc.tls})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Send(t.Context(), []finding.Finding{sample()})
			if tc.ok != (err == nil) || !tc.ok && !sink.IsPermanent(err) {
				t.Errorf("err = %v (permanent %v)", err, sink.IsPermanent(err))
			}
		})
	}
}

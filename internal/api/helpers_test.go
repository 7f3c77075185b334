package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/api"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// fixture is the API over a fresh store of one backend, with a clock the
// test sets. Reviews are recorded as the X-Reviewer header says.
type fixture struct {
	t     *testing.T
	store *store.Store
	now   time.Time
	h     http.Handler
}

func newFixture(t *testing.T, b storetest.Backend) *fixture {
	t.Helper()
	s, err := store.Open(t.Context(), b.Fresh(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	// Near the wall clock: the store judges suppression expiry by it.
	fx := &fixture{t: t, store: s, now: time.Now().UTC().Truncate(time.Second)}
	fx.h = api.New(api.Options{
		Store: s,
		Now:   func() time.Time { return fx.now },
		Actor: func(r *http.Request) string { return r.Header.Get("X-Reviewer") },
	})
	return fx
}

func (fx *fixture) put(fs ...finding.Finding) {
	fx.t.Helper()
	if err := fx.store.PutFindings(fx.t.Context(), fs); err != nil {
		fx.t.Fatal(err)
	}
}

// do sends a request and returns the status and body, checking that every
// answer is JSON.
func (fx *fixture) do(method, target, body string, header ...string) (int, []byte) {
	fx.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(fx.t.Context(), method, target, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		fx.t.Errorf("%s %s: Content-Type %q", method, target, ct)
	}
	if !json.Valid(b) {
		fx.t.Errorf("%s %s: body is not JSON: %q", method, target, b)
	}
	return res.StatusCode, b
}

// list is GET /v1/findings?query, which must answer 200.
func (fx *fixture) list(query string) (ids []string, next string) {
	fx.t.Helper()
	status, b := fx.do("GET", "/v1/findings?"+query, "")
	if status != http.StatusOK {
		fx.t.Fatalf("GET ?%s = %d %s", query, status, b)
	}
	var body struct {
		Findings []finding.Finding `json:"findings"`
		Next     *string           `json:"next"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		fx.t.Fatal(err)
	}
	if body.Findings == nil || body.Next == nil {
		fx.t.Fatalf("GET ?%s: findings or next missing: %s", query, b)
	}
	for _, f := range body.Findings {
		ids = append(ids, f.ID)
	}
	return ids, *body.Next
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func mkFinding(id string, at time.Time, sev finding.Severity, cloud event.Cloud, account, rule string, actors ...string) finding.Finding {
	return finding.Finding{
		ID:        id,
		Rule:      finding.Rule{ID: rule, Title: "Snapshot shared outside", Kind: finding.KindDetection},
		Severity:  sev,
		Attack:    []string{"T1578.001"},
		Time:      at,
		Cloud:     cloud,
		Account:   account,
		Actors:    actors,
		Resources: []finding.Resource{{Type: event.Snapshot, ID: "snap-" + id}},
		Events:    []finding.EventRef{{ID: "ev-" + id, Time: at, Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare}},
		Summary:   map[string]string{"en": "snapshot shared", "ru": "снимок открыт"},
		Revision:  1,
	}
}

package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// ack → suppress for a while → reopen → suppress until a time, each
// answered with the finding, seen by GET and recorded in the audit.
func TestFindings_ReviewRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r", "alice"))
		start := fx.now
		until := start.Add(30 * 24 * time.Hour).Format(time.RFC3339)
		steps := []struct {
			action, body, by string
			status           finding.Status
			supp             *finding.Suppression
		}{
			{"ack", "", "ann", finding.StatusAcknowledged, nil},
			{"suppress", `{"reason":"backup window","for":"72h"}`, "bo",
				finding.StatusSuppressed, &finding.Suppression{Reason: "backup window", By: "bo", Expires: start.Add(time.Minute + 72*time.Hour).Format(time.RFC3339)}},
			{"reopen", `{"reason":"window over"}`, "ann", finding.StatusOpen, nil},
			{"suppress", `{"reason":"accepted risk","expires":"` + until + `"}`, "cy",
				finding.StatusSuppressed, &finding.Suppression{Reason: "accepted risk", By: "cy", Expires: until}},
		}
		for i, st := range steps {
			fx.now = start.Add(time.Duration(i) * time.Minute)
			status, body := fx.do("POST", "/v1/findings/f1/"+st.action, st.body, "X-Reviewer", st.by)
			if status != http.StatusOK {
				t.Fatalf("step %d %s: %d %s", i, st.action, status, body)
			}
			_, getBody := fx.do("GET", "/v1/findings/f1", "")
			for _, f := range []finding.Finding{decode[finding.Finding](t, body), decode[finding.Finding](t, getBody)} {
				if f.ID != "f1" || f.Status != st.status || !sameSupp(f.Suppression, st.supp) {
					t.Errorf("step %d %s: %s %+v, want %s %+v", i, st.action, f.Status, f.Suppression, st.status, st.supp)
				}
			}
		}
		status, body := fx.do("GET", "/v1/findings/f1/audit", "")
		if status != http.StatusOK {
			t.Fatalf("audit: %d %s", status, body)
		}
		type entry struct {
			Action, Reason, By string
			At                 time.Time
			Expires            *time.Time
		}
		audit := decode[struct {
			ID    string
			Audit []entry
		}](t, body)
		if audit.ID != "f1" || len(audit.Audit) != len(steps) {
			t.Fatalf("audit %s", body)
		}
		for i, e := range audit.Audit {
			st := steps[i]
			wantReason := ""
			if st.body != "" {
				wantReason = decode[map[string]string](t, []byte(st.body))["reason"]
			}
			if e.Action != st.action || e.By != st.by || e.Reason != wantReason || !e.At.Equal(start.Add(time.Duration(i)*time.Minute)) {
				t.Errorf("audit %d = %+v", i, e)
			}
			if (e.Expires != nil) != (st.supp != nil) || e.Expires != nil && e.Expires.Format(time.RFC3339) != st.supp.Expires {
				t.Errorf("audit %d expires %v, want %+v", i, e.Expires, st.supp)
			}
		}
		if !strings.Contains(string(body), `"action":"ack"`) {
			t.Errorf("audit keys: %s", body)
		}
	})
}

func sameSupp(a, b *finding.Suppression) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestFindings_ReviewRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r"))
		past := fx.now.Add(-time.Hour).Format(time.RFC3339)
		tests := []struct {
			name, target, body string
			status             int
			want               []string
		}{
			{"unknown id ack", "/v1/findings/nope/ack", "", 404, []string{`"nope"`, "not found"}},
			{"unknown id suppress", "/v1/findings/nope/suppress", `{"reason":"x"}`, 404, []string{"not found"}},
			{"unknown id reopen", "/v1/findings/nope/reopen", "", 404, []string{"not found"}},
			{"suppress without reason", "/v1/findings/f1/suppress", `{"for":"1h"}`, 400, []string{"reason", "required"}},
			{"suppress without body", "/v1/findings/f1/suppress", "", 400, []string{"reason", "required"}},
			{"not JSON", "/v1/findings/f1/ack", "reason=x", 400, []string{"body", "JSON object"}},
			{"unknown field", "/v1/findings/f1/suppress", `{"reason":"x","until":"1h"}`, 400, []string{"body", `"until"`}},
			{"two values", "/v1/findings/f1/ack", `{} {}`, 400, []string{"body", "more than one"}},
			{"both expiries", "/v1/findings/f1/suppress", `{"reason":"x","for":"1h","expires":"2999-01-01T00:00:00Z"}`, 400, []string{"expires, for", "one or the other"}},
			{"expiry on ack", "/v1/findings/f1/ack", `{"for":"1h"}`, 400, []string{"only suppress"}},
			{"bad expires", "/v1/findings/f1/suppress", `{"reason":"x","expires":"2026-12-31"}`, 400, []string{"expires", "RFC 3339"}},
			{"past expires", "/v1/findings/f1/suppress", `{"reason":"x","expires":"` + past + `"}`, 400, []string{"expires", "not in the future"}},
			{"bad for", "/v1/findings/f1/suppress", `{"reason":"x","for":"3 days"}`, 400, []string{"for", "positive duration"}},
			{"negative for", "/v1/findings/f1/suppress", `{"reason":"x","for":"-1h"}`, 400, []string{"for", "positive duration"}},
			{"too large", "/v1/findings/f1/suppress", `{"reason":"` + strings.Repeat("x", 64<<10) + `"}`, 413, []string{"body", "larger than 65536"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, body := fx.do("POST", tt.target, tt.body)
				if status != tt.status {
					t.Fatalf("status %d, want %d: %s", status, tt.status, body)
				}
				msg := decode[map[string]string](t, body)["error"]
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q does not say %q", msg, w)
					}
				}
			})
		}
		status, body := fx.do("GET", "/v1/findings/f1/audit", "")
		if status != http.StatusOK || strings.Contains(string(body), `"action"`) {
			t.Errorf("rejected requests left an audit: %d %s", status, body)
		}
		if status, body := fx.do("GET", "/v1/findings/f1", ""); !strings.Contains(string(body), `"status":"open"`) {
			t.Errorf("rejected requests changed the finding: %d %s", status, body)
		}
	})
}

// A suppression whose time is up lists as open again.
func TestFindings_SuppressionExpires(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r"))
		// The API's clock runs behind the wall clock by a day: a
		// suppression "for 1h" from it ended long ago for the store.
		fx.now = fx.now.Add(-24 * time.Hour)
		if status, body := fx.do("POST", "/v1/findings/f1/suppress", `{"reason":"x","for":"1h"}`); status != http.StatusOK ||
			!strings.Contains(string(body), `"status":"open"`) {
			t.Fatalf("suppress: %d %s", status, body)
		}
		if ids, _ := fx.list("status=open"); len(ids) != 1 {
			t.Errorf("status=open lists %q, want f1", ids)
		}
		if ids, _ := fx.list("status=suppressed"); len(ids) != 0 {
			t.Errorf("status=suppressed lists %q, want none", ids)
		}
	})
}

package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestFindings_List(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		ago := func(h int) time.Time { return fx.now.Add(-time.Duration(h) * time.Hour) }
		fx.put(
			mkFinding("a", ago(50), finding.Low, event.AWS, "111", "aws-share", "alice"),
			mkFinding("b", ago(40), finding.High, event.AWS, "111", "aws-chain", "bob", "alice"),
			mkFinding("c", ago(30), finding.Critical, event.GCP, "proj-1", "aws-chain", "carol@example.com"),
			mkFinding("d", ago(20), finding.Medium, event.Yandex, "b1g", "ya-share"),
			mkFinding("e", ago(10), finding.High, event.AWS, "222", "aws-share", "alice"),
		)
		if status, b := fx.do("POST", "/v1/findings/b/ack", ""); status != http.StatusOK {
			t.Fatalf("ack: %d %s", status, b)
		}
		if status, b := fx.do("POST", "/v1/findings/c/suppress", `{"reason":"drill"}`); status != http.StatusOK {
			t.Fatalf("suppress: %d %s", status, b)
		}
		since := url.QueryEscape(ago(35).Format(time.RFC3339))
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"e", "d", "c", "b", "a"}},
			{"severity=high", []string{"e", "c", "b"}},
			{"severity=CRITICAL", []string{"c"}},
			{"cloud=aws", []string{"e", "b", "a"}},
			{"account=111", []string{"b", "a"}},
			{"rule=aws-chain", []string{"c", "b"}},
			{"actor=alice", []string{"e", "b", "a"}},
			{"actor=carol%40example.com", []string{"c"}},
			{"status=open", []string{"e", "d", "a"}},
			{"status=acknowledged", []string{"b"}},
			{"status=suppressed", []string{"c"}},
			{"since=24h", []string{"e", "d"}},
			{"since=" + since, []string{"e", "d", "c"}},
			{"until=24h", []string{"c", "b", "a"}},
			{"since=45h&until=15h", []string{"d", "c", "b"}},
			{"limit=2", []string{"e", "d"}},
			{"cloud=aws&severity=high&actor=alice", []string{"e", "b"}},
			{"rule=aws-share&status=open&since=60h", []string{"e", "a"}},
			{"cloud=gcp&status=open", nil},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				got, _ := fx.list(tt.query)
				if !slices.Equal(got, tt.want) {
					t.Errorf("?%s = %q, want %q", tt.query, got, tt.want)
				}
			})
		}
	})
}

// The list carries DESIGN.md's finding with its lifecycle fields.
func TestFindings_ListBody(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "aws-share", "alice\x1b[31m"))
		if status, b := fx.do("POST", "/v1/findings/f1/suppress", `{"reason":"<b>known</b>\u0007","for":"72h"}`, "X-Reviewer", "ops"); status != http.StatusOK {
			t.Fatalf("suppress: %d %s", status, b)
		}
		status, body := fx.do("GET", "/v1/findings?cloud=aws", "")
		if status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
		got := decode[struct{ Findings []map[string]any }](t, body).Findings
		if len(got) != 1 {
			t.Fatalf("findings %s", body)
		}
		f := got[0]
		for _, key := range []string{"id", "rule", "severity", "attack", "time", "cloud", "account", "actors", "resources", "events", "summary", "status", "revision", "suppression"} {
			if _, ok := f[key]; !ok {
				t.Errorf("key %q missing from %s", key, body)
			}
		}
		supp, _ := f["suppression"].(map[string]any)
		if f["status"] != "suppressed" || supp["reason"] != "<b>known</b>\a" || supp["by"] != "ops" ||
			supp["expires"] != fx.now.Add(72*time.Hour).Format(time.RFC3339) {
			t.Errorf("lifecycle fields: %v %v", f["status"], supp)
		}
		if strings.Contains(string(body), "\x1b") || strings.Contains(string(body), "<b>") {
			t.Errorf("control characters or HTML unescaped in %q", body)
		}
	})
}

// Paging through more than two pages while findings arrive returns each
// finding that was there once, newest first.
func TestFindings_ListPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		var want []string
		for i := range 11 {
			id := fmt.Sprintf("f%02d", i)
			fx.put(mkFinding(id, fx.now.Add(-time.Duration(20-i)*time.Minute), finding.High, event.AWS, "111", "r"))
			want = append([]string{id}, want...)
		}
		var got []string
		query := "severity=high&limit=3"
		for page := 1; ; page++ {
			ids, next := fx.list(query)
			got = append(got, ids...)
			if next == "" {
				break
			}
			if page > 10 {
				t.Fatal("paging does not end")
			}
			// A newer finding (for a fresh first page) and an older one,
			// which must come on a later page.
			older := fmt.Sprintf("0old%d", page)
			fx.put(mkFinding(fmt.Sprintf("new%d", page), fx.now, finding.High, event.AWS, "111", "r"),
				mkFinding(older, fx.now.Add(-time.Duration(30+page)*time.Minute), finding.High, event.AWS, "111", "r"))
			want = append(want, older)
			query = "severity=high&limit=3&cursor=" + url.QueryEscape(next)
		}
		if len(got) <= 6 {
			t.Fatalf("only %d findings: want more than two pages", len(got))
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged\n %q\nwant\n %q", got, want)
		}
	})
}

func TestFindings_ListBadParams(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		tests := []struct {
			query string
			want  []string // in the error message
		}{
			{"severity=severe", []string{"severity", `"severe"`, "info, low, medium, high or critical"}},
			{"cloud=ibm", []string{"cloud", `"ibm"`, "aws, azure, gcp, vkcloud, openstack, yandex"}},
			{"status=closed", []string{"status", "open, acknowledged or suppressed"}},
			{"since=yesterday", []string{"since", "RFC 3339", "24h"}},
			{"since=-24h", []string{"since", "positive duration"}},
			{"until=2026-13-01T00:00:00Z", []string{"until", "RFC 3339"}},
			{"since=1h&until=2h", []string{"until", "not after since"}},
			{"limit=0", []string{"limit", "1 to 1000"}},
			{"limit=1001", []string{"limit", "1 to 1000"}},
			{"limit=ten", []string{"limit", "1 to 1000"}},
			{"cursor=not-a-cursor", []string{"cursor", "malformed"}},
			{"severty=high", []string{"severty", "unknown parameter", "severity, cloud, account, rule, actor, status, since, until, limit, cursor"}},
			{"cloud=aws&cloud=gcp", []string{"cloud", "given 2 times"}},
			{"actor=" + strings.Repeat("x", 1025), []string{"actor", "at most 1024"}},
			{"cloud=%1b%5b31m%00", []string{"cloud", `\x1b[31m\x00`}},
		}
		for _, tt := range tests {
			t.Run(tt.query[:min(len(tt.query), 40)], func(t *testing.T) {
				status, body := fx.do("GET", "/v1/findings?"+tt.query, "")
				if status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %s", status, body)
				}
				msg := decode[map[string]string](t, body)["error"]
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q does not say %q", msg, w)
					}
				}
			})
		}
	})
}

func TestFindings_Get(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		want := mkFinding("f1", fx.now.Add(-time.Hour), finding.Critical, event.VKCloud, "p1", "vk-clone", "u1")
		fx.put(want)
		status, body := fx.do("GET", "/v1/findings/f1", "")
		if status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
		got := decode[finding.Finding](t, body)
		if got.ID != "f1" || got.Severity != finding.Critical || got.Status != finding.StatusOpen || got.Revision != 1 ||
			!got.Time.Equal(want.Time) || got.Cloud != event.VKCloud || !slices.Equal(got.Actors, want.Actors) {
			t.Errorf("got %+v", got)
		}
		for _, target := range []string{"/v1/findings/nope", "/v1/findings/nope/audit", "/v1/findings/%1b%5b2J"} {
			status, body = fx.do("GET", target, "")
			if status != http.StatusNotFound || !strings.Contains(decode[map[string]string](t, body)["error"], "not found") {
				t.Errorf("GET %s = %d %s, want 404", target, status, body)
			}
		}
	})
}

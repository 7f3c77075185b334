package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

func TestTexts(t *testing.T) {
	texts, dups := web.Texts()
	if len(dups) > 0 {
		t.Errorf("keys added twice: %q", dups)
	}
	for key := range texts["en"] {
		if _, ok := texts["ru"][key]; !ok {
			t.Errorf("%q has no Russian text", key)
		}
	}
	for key := range texts["ru"] {
		if _, ok := texts["en"][key]; !ok {
			t.Errorf("%q has no English text", key)
		}
	}
}

func TestFindingsFilters(t *testing.T) {
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
		c := fx.client()
		c.login()
		if r := c.do("POST", "/findings/ack", url.Values{"id": {"b"}, "csrf": {c.csrf("/findings")}}); r.status != http.StatusSeeOther {
			t.Fatalf("ack: %d", r.status)
		}
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"e", "d", "c", "b", "a"}},
			{"severity=high", []string{"e", "c", "b"}},
			{"cloud=aws", []string{"e", "b", "a"}},
			{"account=111", []string{"b", "a"}},
			{"rule=aws-chain", []string{"c", "b"}},
			{"actor=alice", []string{"e", "b", "a"}},
			{"status=open", []string{"e", "d", "c", "a"}},
			{"status=acknowledged", []string{"b"}},
			{"since=24h", []string{"e", "d"}},
			{"since=" + ago(35).Format(time.RFC3339), []string{"e", "d", "c"}},
			{"cloud=aws&severity=high&actor=alice", []string{"e", "b"}},
			{"cloud=gcp&status=acknowledged", nil},
		}
		for _, tt := range tests {
			r := c.get("/findings?" + tt.query)
			if r.status != http.StatusOK {
				t.Errorf("?%s: %d", tt.query, r.status)
			}
			if got := ids(r.body); !slices.Equal(got, tt.want) {
				t.Errorf("?%s = %q, want %q", tt.query, got, tt.want)
			}
		}
		for _, bad := range []string{"severity=severe", "cloud=ibm", "status=closed", "since=yesterday", "cursor=nope"} {
			r := c.get("/findings?" + bad)
			name, _, _ := strings.Cut(bad, "=")
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, "&#34;"+name+"&#34;") || len(ids(r.body)) != 0 {
				t.Errorf("?%s: %d", bad, r.status)
			}
		}
		// The form shows the filters it applied.
		r := c.get("/findings?cloud=gcp&account=proj-1&status=open")
		for _, w := range []string{`<option value="gcp" selected>`, `name="account" value="proj-1"`, `<option value="open" selected>`} {
			if !strings.Contains(r.body, w) {
				t.Errorf("form lacks %s", w)
			}
		}
	})
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" id="next">`)

func TestFindingsPaging(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	var want []string
	for i := range 123 {
		id := fmt.Sprintf("f%03d", i)
		fx.put(mkFinding(id, fx.now.Add(-time.Duration(200-i)*time.Minute), finding.High, event.AWS, "111", "r"))
		want = append([]string{id}, want...)
	}
	fx.put(mkFinding("low", fx.now, finding.Low, event.AWS, "111", "r"))
	c := fx.client()
	c.login()
	var got []string
	path := "/findings?severity=high"
	for pages := 1; ; pages++ {
		r := c.get(path)
		got = append(got, ids(r.body)...)
		m := nextLink.FindStringSubmatch(r.body)
		if m == nil {
			if pages != 3 {
				t.Errorf("%d pages, want 3", pages)
			}
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
		if !strings.Contains(path, "severity=high") {
			t.Fatalf("next page %q drops the filter", path)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged %d findings %q…, want %d", len(got), got[:min(5, len(got))], len(want))
	}
}

func TestBulkAck(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		for _, id := range []string{"a", "b", "c"} {
			fx.put(mkFinding(id, fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r"))
		}
		c := fx.client()
		c.login()
		r := c.do("POST", "/findings/ack", url.Values{"id": {"a", "c", "gone"}, "reason": {"drill <b>"}, "csrf": {c.csrf("/findings")}, "back": {"/findings?cloud=aws"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/findings?acked=2&cloud=aws" {
			t.Fatalf("bulk: %d %q", r.status, r.header.Get("Location"))
		}
		for id, want := range map[string]finding.Status{"a": finding.StatusAcknowledged, "b": finding.StatusOpen, "c": finding.StatusAcknowledged} {
			f, _, err := fx.store.FindingByID(t.Context(), id)
			if err != nil || f.Status != want {
				t.Errorf("%s: %s %v, want %s", id, f.Status, err, want)
			}
		}
		audit, err := fx.store.FindingAudit(t.Context(), "a")
		if err != nil || len(audit) != 1 || audit[0].By != "user:alice" || audit[0].Reason != "drill <b>" || audit[0].Action != "ack" {
			t.Errorf("audit %+v %v", audit, err)
		}
		page := c.get(r.header.Get("Location")).body
		if !strings.Contains(page, "2 findings acknowledged") {
			t.Error("no acknowledgement message")
		}
		many := url.Values{"csrf": {c.csrf("/findings")}, "id": slices.Repeat([]string{"b"}, 501)}
		if r := c.do("POST", "/findings/ack", many); r.status != http.StatusBadRequest {
			t.Errorf("%d ids at once: %d, want 400", len(many["id"]), r.status)
		}
		if f, _, _ := fx.store.FindingByID(t.Context(), "b"); f.Status != finding.StatusOpen {
			t.Error("a refused bulk form acknowledged b")
		}
	})
}

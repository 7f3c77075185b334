package store_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// reviewFinding is testFinding with the fields the review filters look at.
func reviewFinding(id string, at time.Time, sev finding.Severity, cloud event.Cloud, account, rule string, actors ...string) finding.Finding {
	f := testFinding(id, at)
	f.Severity, f.Cloud, f.Account, f.Rule.ID, f.Actors = sev, cloud, account, rule, actors
	f.Revision = 1
	return f
}

func ids(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func TestStore_QueryFindingsFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		h := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }
		put := []finding.Finding{
			reviewFinding("a", h(0), finding.Low, event.AWS, "111", "r-share", "alice"),
			reviewFinding("b", h(1), finding.High, event.AWS, "111", "r-chain", "bob", "alice"),
			reviewFinding("c", h(2), finding.Critical, event.GCP, "proj", "r-chain", "carol@x"),
			reviewFinding("d", h(3), finding.Medium, event.Azure, "sub", "r-share"),
			reviewFinding("e", h(4), finding.High, event.AWS, "222", "r-share", "a,", ",b"),
			reviewFinding("f", h(5), finding.Info, event.VKCloud, "p1", "vk-clone", "100%_x", "nul\x00\xffid"),
		}
		if err := s.PutFindings(ctx, put); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, "b", store.Review{Action: store.ActionAck, By: "soc"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, "c", store.Review{Action: store.ActionSuppress, Reason: "drill", By: "soc"}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			filter store.FindingFilter
			want   []string
		}{
			{"all, newest first", store.FindingFilter{}, []string{"f", "e", "d", "c", "b", "a"}},
			{"min severity high", store.FindingFilter{MinSeverity: finding.High}, []string{"e", "c", "b"}},
			{"min severity info is all", store.FindingFilter{MinSeverity: finding.Info}, []string{"f", "e", "d", "c", "b", "a"}},
			{"severity set", store.FindingFilter{Severities: []finding.Severity{finding.Low, finding.Info}}, []string{"f", "a"}},
			{"cloud", store.FindingFilter{Cloud: "aws"}, []string{"e", "b", "a"}},
			{"account", store.FindingFilter{Account: "111"}, []string{"b", "a"}},
			{"rule", store.FindingFilter{Rule: "r-chain"}, []string{"c", "b"}},
			{"actor among several", store.FindingFilter{Actor: "alice"}, []string{"b", "a"}},
			{"actor is a whole id, not a part", store.FindingFilter{Actor: "alic"}, nil},
			{"actor across a separator", store.FindingFilter{Actor: ","}, nil},
			{"actor with a comma", store.FindingFilter{Actor: ",b"}, []string{"e"}},
			{"actor with LIKE wildcards", store.FindingFilter{Actor: "100%_x"}, []string{"f"}},
			{"wildcard text is literal", store.FindingFilter{Actor: "100%"}, nil},
			{"actor with NUL and invalid UTF-8", store.FindingFilter{Actor: "nul\x00\xffid"}, []string{"f"}},
			{"actor is case-sensitive", store.FindingFilter{Actor: "ALICE"}, nil},
			{"status open", store.FindingFilter{Status: finding.StatusOpen}, []string{"f", "e", "d", "a"}},
			{"status acknowledged", store.FindingFilter{Status: finding.StatusAcknowledged}, []string{"b"}},
			{"status suppressed", store.FindingFilter{Status: finding.StatusSuppressed}, []string{"c"}},
			{"since (inclusive)", store.FindingFilter{Since: h(4)}, []string{"f", "e"}},
			{"until (exclusive)", store.FindingFilter{Until: h(1)}, []string{"a"}},
			{"since and until", store.FindingFilter{Since: h(1), Until: h(3)}, []string{"c", "b"}},
			{"cloud and min severity", store.FindingFilter{Cloud: "aws", MinSeverity: finding.High}, []string{"e", "b"}},
			{"rule, actor and status", store.FindingFilter{Rule: "r-share", Actor: "alice", Status: finding.StatusOpen}, []string{"a"}},
			{"status and severity set", store.FindingFilter{Status: finding.StatusOpen, Severities: []finding.Severity{finding.High, finding.Medium}}, []string{"e", "d"}},
			{"nothing matches", store.FindingFilter{Cloud: "gcp", Account: "111"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := s.QueryFindings(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(page.Findings); !slices.Equal(got, tt.want) {
					t.Errorf("ids %q, want %q", got, tt.want)
				}
				if page.Next != "" {
					t.Errorf("Next = %q on a page that holds everything", page.Next)
				}
			})
		}
		page, err := s.QueryFindings(ctx, store.FindingFilter{Rule: "r-chain"})
		if err != nil || len(page.Findings) != 2 {
			t.Fatalf("rule query: %v", err)
		}
		if c := page.Findings[0]; c.Status != finding.StatusSuppressed || c.Suppression == nil || c.Suppression.Reason != "drill" || c.Revision != 1 {
			t.Errorf("c reads as %s %+v rev %d", c.Status, c.Suppression, c.Revision)
		}
		if b := page.Findings[1]; b.Status != finding.StatusAcknowledged || b.Suppression != nil || !slices.Equal(b.Actors, []string{"bob", "alice"}) {
			t.Errorf("b reads as %s %+v actors %q", b.Status, b.Suppression, b.Actors)
		}
	})
}

func TestStore_QueryFindingsRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		tests := []struct {
			name    string
			filter  store.FindingFilter
			wantErr string
			cursor  bool
		}{
			{"not base64", store.FindingFilter{Cursor: "!!!"}, "malformed cursor", true},
			{"too short", store.FindingFilter{Cursor: "MTIz"}, "malformed cursor", true},
			{"not a time inside", store.FindingFilter{Cursor: base64.RawURLEncoding.EncodeToString([]byte("1" + strings.Repeat("x", 40)))}, "malformed cursor", true},
			{"another version", store.FindingFilter{Cursor: base64.RawURLEncoding.EncodeToString([]byte("2026-01-01T00:00:00.000000000Z" + "id"))}, "malformed cursor", true},
			{"unknown status", store.FindingFilter{Status: "closed"}, `unknown status "closed"`, false},
			{"bad min severity", store.FindingFilter{MinSeverity: 9}, "not a severity", false},
			{"bad severity in set", store.FindingFilter{Severities: []finding.Severity{finding.High, 0}}, "not a severity", false},
			{"negative limit", store.FindingFilter{Limit: -1}, "negative", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.QueryFindings(t.Context(), tt.filter)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if errors.Is(err, store.ErrBadCursor) != tt.cursor {
					t.Errorf("errors.Is(ErrBadCursor) = %v, want %v", !tt.cursor, tt.cursor)
				}
			})
		}
	})
}

// Paging walks every finding once, newest first, while findings are stored
// between pages: newer ones stay out, older ones show up in their place.
func TestStore_QueryFindingsPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		var put []finding.Finding
		for i := range 23 {
			// Pairs share a time, so the id breaks ties across page ends.
			at := base.Add(time.Duration(i/2) * time.Minute)
			put = append(put, reviewFinding(string(rune('a'+i)), at, finding.High, event.AWS, "111", "r"))
		}
		if err := s.PutFindings(ctx, put); err != nil {
			t.Fatal(err)
		}
		var (
			got    []finding.Finding
			cursor string
			pages  int
		)
		want := map[string]bool{}
		for _, f := range put {
			want[f.ID] = true
		}
		for {
			page, err := s.QueryFindings(ctx, store.FindingFilter{Limit: 5, Cursor: cursor, MinSeverity: finding.Medium})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(page.Findings) > 5 {
				t.Fatalf("page %d has %d findings, limit 5", pages, len(page.Findings))
			}
			got = append(got, page.Findings...)
			if page.Next == "" {
				break
			}
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			cursor = page.Next
			// Between pages: one finding newer than all (belongs to a
			// fresh first page), one older than all (must still come), one
			// with the last row's own time and a smaller id (must come),
			// and an update of a row already seen (must not come again).
			last := page.Findings[len(page.Findings)-1]
			newer := reviewFinding(fmt.Sprint("new", pages), base.Add(time.Hour), finding.High, event.AWS, "111", "r")
			older := reviewFinding(fmt.Sprint("0old", pages), base.Add(-time.Duration(pages)*time.Minute), finding.High, event.AWS, "111", "r")
			tie := reviewFinding(fmt.Sprintf("%c~%d", last.ID[0]-1, pages), last.Time, finding.High, event.AWS, "111", "r")
			seen := got[0]
			seen.Revision = 2
			batch := []finding.Finding{newer, older, tie, seen}
			want[older.ID], want[tie.ID] = true, true
			if err := s.PutFindings(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
		if pages < 3 {
			t.Fatalf("%d pages, want more than 2", pages)
		}
		seen := map[string]bool{}
		for i, f := range got {
			if seen[f.ID] {
				t.Errorf("%s returned twice", f.ID)
			}
			seen[f.ID] = true
			if strings.HasPrefix(f.ID, "new") {
				t.Errorf("%s (newer than the first page) came on a later page", f.ID)
			}
			if i > 0 {
				p := got[i-1]
				if f.Time.After(p.Time) || f.Time.Equal(p.Time) && f.ID >= p.ID {
					t.Errorf("order: %s (%s) after %s (%s)", f.ID, f.Time, p.ID, p.Time)
				}
			}
		}
		for id := range want {
			if !seen[id] {
				t.Errorf("%s never returned", id)
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%d findings returned, want %d", len(seen), len(want))
		}
	})
}

func TestStore_QueryFindingsLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		put := make([]finding.Finding, store.MaxFindingLimit+1)
		for i := range put {
			put[i] = reviewFinding(fmt.Sprintf("f%05d", i), base.Add(time.Duration(i)*time.Second), finding.Low, event.AWS, "1", "r")
		}
		if err := s.PutFindings(ctx, put); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ limit, want int }{
			{0, store.DefaultFindingLimit}, {1, 1}, {store.MaxFindingLimit + 500, store.MaxFindingLimit},
		} {
			page, err := s.QueryFindings(ctx, store.FindingFilter{Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Findings) != tt.want || page.Next == "" {
				t.Errorf("limit %d: %d findings, next %q; want %d and a next page", tt.limit, len(page.Findings), page.Next, tt.want)
			}
		}
	})
}

func TestStore_Review(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := s.PutFindings(ctx, []finding.Finding{reviewFinding("f1", at, finding.High, event.AWS, "1", "r", "alice")}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		expires := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		steps := []struct {
			review     store.Review
			wantStatus finding.Status
			wantSupp   *finding.Suppression
		}{
			{store.Review{Action: store.ActionAck, Reason: "looking", By: "ann", At: t0}, finding.StatusAcknowledged, nil},
			{store.Review{Action: store.ActionSuppress, Reason: "backup job", By: "bo", Expires: expires, At: t0.Add(time.Hour)},
				finding.StatusSuppressed, &finding.Suppression{Reason: "backup job", By: "bo", Expires: expires.Format(time.RFC3339)}},
			{store.Review{Action: store.ActionReopen, By: "ann", At: t0.Add(2 * time.Hour)}, finding.StatusOpen, nil},
			{store.Review{Action: store.ActionSuppress, Reason: "for good", By: "cy", At: t0.Add(3 * time.Hour)},
				finding.StatusSuppressed, &finding.Suppression{Reason: "for good", By: "cy"}},
		}
		for i, st := range steps {
			got, err := s.Review(ctx, "f1", st.review)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			byID, ok, err := s.FindingByID(ctx, "f1")
			if err != nil || !ok {
				t.Fatalf("step %d: FindingByID %v %v", i, ok, err)
			}
			for _, f := range []finding.Finding{got, byID} {
				if f.Status != st.wantStatus || !equalSupp(f.Suppression, st.wantSupp) {
					t.Errorf("step %d: %s %+v, want %s %+v", i, f.Status, f.Suppression, st.wantStatus, st.wantSupp)
				}
				if f.ID != "f1" || f.Rule.ID != "r" || f.Revision != 1 || f.Severity != finding.High {
					t.Errorf("step %d: the rest changed: %+v", i, f)
				}
			}
		}
		audit, err := s.FindingAudit(ctx, "f1")
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != len(steps) {
			t.Fatalf("%d audit entries, want %d", len(audit), len(steps))
		}
		for i, e := range audit {
			r := steps[i].review
			if e.FindingID != "f1" || e.Action != r.Action || e.Reason != r.Reason || e.By != r.By || !e.At.Equal(r.At) || !e.Expires.Equal(r.Expires) {
				t.Errorf("audit %d = %+v, want %+v", i, e, r)
			}
		}
	})
}

func equalSupp(a, b *finding.Suppression) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestStore_ReviewRejects(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		if err := s.PutFindings(ctx, []finding.Finding{reviewFinding("f1", time.Now(), finding.High, event.AWS, "1", "r")}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name     string
			id       string
			review   store.Review
			wantErr  string
			notFound bool
		}{
			{"unknown id", "nope", store.Review{Action: store.ActionAck}, "not found", true},
			{"suppress without reason", "f1", store.Review{Action: store.ActionSuppress, Reason: " \t"}, "needs a reason", false},
			{"unknown action", "f1", store.Review{Action: "close"}, `unknown action "close"`, false},
			{"expiry on ack", "f1", store.Review{Action: store.ActionAck, Expires: time.Now()}, "only suppress takes an expiry", false},
			{"expiry past year 9999", "f1", store.Review{Action: store.ActionSuppress, Reason: "x", Expires: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "year outside", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Review(ctx, tt.id, tt.review)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if errors.Is(err, store.ErrNotFound) != tt.notFound {
					t.Errorf("errors.Is(ErrNotFound) = %v", !tt.notFound)
				}
			})
		}
		if audit, err := s.FindingAudit(ctx, "f1"); err != nil || len(audit) != 0 {
			t.Errorf("rejected reviews left audit %+v, %v", audit, err)
		}
		if f, _, _ := s.FindingByID(ctx, "f1"); f.Status != finding.StatusOpen {
			t.Errorf("rejected reviews changed the status to %s", f.Status)
		}
		if _, err := s.FindingAudit(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("FindingAudit(unknown) = %v, want ErrNotFound", err)
		}
		if _, ok, err := s.FindingByID(ctx, "nope"); ok || err != nil {
			t.Errorf("FindingByID(unknown) = %v, %v", ok, err)
		}
	})
}

// A suppression past its expiry reads back as open, in every read and
// filter; a date from the allow list holds through its day.
func TestStore_SuppressionExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		now := time.Now().UTC()
		at := now.Add(-48 * time.Hour)
		allow := func(id, expires string) finding.Finding {
			f := reviewFinding(id, at, finding.Medium, event.AWS, "1", "r")
			f.Status = finding.StatusSuppressed
			f.Suppression = &finding.Suppression{Reason: "allow", By: "config allow", Expires: expires}
			return f
		}
		put := []finding.Finding{
			reviewFinding("reviewed-past", at, finding.Medium, event.AWS, "1", "r"),
			reviewFinding("reviewed-future", at, finding.Medium, event.AWS, "1", "r"),
			allow("allow-yesterday", now.AddDate(0, 0, -1).Format(time.DateOnly)),
			allow("allow-today", now.Format(time.DateOnly)), // holds until midnight
			allow("allow-never", ""),
			allow("allow-odd-text", "soon"), // not a time: never expires
		}
		if err := s.PutFindings(ctx, put); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, "reviewed-past", store.Review{Action: store.ActionSuppress, Reason: "x", Expires: now.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, "reviewed-future", store.Review{Action: store.ActionSuppress, Reason: "x", Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		wantOpen := []string{"allow-yesterday", "reviewed-past"}
		wantSuppressed := []string{"reviewed-future", "allow-today", "allow-odd-text", "allow-never"}
		for status, want := range map[finding.Status][]string{finding.StatusOpen: wantOpen, finding.StatusSuppressed: wantSuppressed} {
			page, err := s.QueryFindings(ctx, store.FindingFilter{Status: status})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(page.Findings)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("status %s: %q, want %q", status, got, want)
			}
			for _, f := range page.Findings {
				if f.Status != status || (f.Suppression != nil) != (status == finding.StatusSuppressed) {
					t.Errorf("%s in the %s list reads %s %+v", f.ID, status, f.Status, f.Suppression)
				}
			}
		}
		for _, id := range wantOpen {
			f, _, err := s.FindingByID(ctx, id)
			if err != nil || f.Status != finding.StatusOpen || f.Suppression != nil {
				t.Errorf("FindingByID(%s) = %s %+v, %v; want open", id, f.Status, f.Suppression, err)
			}
		}
	})
}

// Review's status and suppression survive the engine storing newer
// versions of the finding, which still replace the rest.
func TestStore_ReviewSurvivesUpsert(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		f := reviewFinding("chain", at, finding.Medium, event.AWS, "1", "r", "alice")
		if err := s.PutFindings(ctx, []finding.Finding{f}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Review(ctx, "chain", store.Review{Action: store.ActionSuppress, Reason: "pentest", By: "soc"}); err != nil {
			t.Fatal(err)
		}
		f.Revision, f.Severity, f.Status, f.Actors = 2, finding.Critical, finding.StatusOpen, []string{"alice", "mallory"}
		if err := s.PutFindings(ctx, []finding.Finding{f}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.FindingByID(ctx, "chain")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != finding.StatusSuppressed || got.Suppression == nil || got.Suppression.Reason != "pentest" {
			t.Errorf("after the upsert: %s %+v, want the review kept", got.Status, got.Suppression)
		}
		if got.Revision != 2 || got.Severity != finding.Critical {
			t.Errorf("after the upsert: revision %d severity %s, want 2 critical", got.Revision, got.Severity)
		}
		page, err := s.QueryFindings(ctx, store.FindingFilter{Actor: "mallory", Status: finding.StatusSuppressed})
		if err != nil || !slices.Equal(ids(page.Findings), []string{"chain"}) {
			t.Errorf("the updated actors are not searchable: %q, %v", ids(page.Findings), err)
		}
		if _, err := s.Review(ctx, "chain", store.Review{Action: store.ActionReopen, By: "soc"}); err != nil {
			t.Fatal(err)
		}
		f.Revision = 3
		if err := s.PutFindings(ctx, []finding.Finding{f}); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.FindingByID(ctx, "chain"); got.Status != finding.StatusOpen || got.Suppression != nil || got.Revision != 3 {
			t.Errorf("after reopen and an upsert: %s %+v rev %d", got.Status, got.Suppression, got.Revision)
		}
	})
}

func TestStore_PruneFindings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		cut := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		put := []finding.Finding{
			reviewFinding("old-open", cut.Add(-time.Hour), finding.High, event.AWS, "1", "r"),
			reviewFinding("old-acked", cut.Add(-time.Nanosecond), finding.High, event.AWS, "1", "r"),
			reviewFinding("at-cut", cut, finding.High, event.AWS, "1", "r"),
			reviewFinding("new-acked", cut.Add(time.Hour), finding.High, event.AWS, "1", "r"),
		}
		if err := s.PutFindings(ctx, put); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"old-acked", "new-acked"} {
			if _, err := s.Review(ctx, id, store.Review{Action: store.ActionAck, By: "soc"}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneFindings(ctx, cut)
		if err != nil || n != 2 {
			t.Fatalf("PruneFindings = %d, %v; want 2", n, err)
		}
		page, err := s.QueryFindings(ctx, store.FindingFilter{})
		if err != nil || !slices.Equal(ids(page.Findings), []string{"new-acked", "at-cut"}) {
			t.Errorf("left %q, %v", ids(page.Findings), err)
		}
		if _, err := s.FindingAudit(ctx, "old-acked"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("audit of a pruned finding: %v", err)
		}
		if audit, err := s.FindingAudit(ctx, "new-acked"); err != nil || len(audit) != 1 {
			t.Errorf("audit of a kept finding: %+v, %v", audit, err)
		}
		// A pruned finding the engine reports again comes back open, with
		// no audit.
		if err := s.PutFindings(ctx, put[1:2]); err != nil {
			t.Fatal(err)
		}
		if audit, err := s.FindingAudit(ctx, "old-acked"); err != nil || len(audit) != 0 {
			t.Errorf("audit of a finding stored again: %+v, %v", audit, err)
		}
		if n, err := s.PruneFindings(ctx, cut.Add(-24*time.Hour)); err != nil || n != 0 {
			t.Errorf("prune with nothing to prune = %d, %v", n, err)
		}
	})
}

// BenchmarkQueryFindings pages through 50,000 stored findings: the first
// page, a page deep in (by cursor), and filters that use an index and that
// scan (actor).
func BenchmarkQueryFindings(b *testing.B) {
	for _, be := range storetest.All() {
		b.Run("store="+be.Name, func(b *testing.B) {
			s, _ := openTemp(b, be)
			ctx := b.Context()
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			const n = 50_000
			batch := make([]finding.Finding, 0, 1000)
			for i := range n {
				sev := finding.Severities[i%len(finding.Severities)]
				batch = append(batch, reviewFinding(fmt.Sprintf("f%06d", i), base.Add(time.Duration(i)*time.Second), sev,
					event.AWS, fmt.Sprint(i%50), fmt.Sprint("rule-", i%20), fmt.Sprint("actor-", i%500)))
				if len(batch) == cap(batch) {
					if err := s.PutFindings(ctx, batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			deep, err := s.QueryFindings(ctx, store.FindingFilter{Limit: 1000})
			for range 20 {
				deep, err = s.QueryFindings(ctx, store.FindingFilter{Limit: 1000, Cursor: deep.Next})
			}
			if err != nil {
				b.Fatal(err)
			}
			for _, bc := range []struct {
				name string
				f    store.FindingFilter
			}{
				{"first_page", store.FindingFilter{}},
				{"deep_page", store.FindingFilter{Cursor: deep.Next}},
				{"severity_status", store.FindingFilter{MinSeverity: finding.Critical, Status: finding.StatusOpen}},
				{"account_rule", store.FindingFilter{Account: "7", Rule: "rule-7"}},
				{"actor_rare", store.FindingFilter{Actor: "actor-499"}},
				{"actor_absent", store.FindingFilter{Actor: "nobody"}},
			} {
				b.Run("q="+bc.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := s.QueryFindings(ctx, bc.f); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

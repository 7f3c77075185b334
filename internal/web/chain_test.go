package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// injected are what the hostile text would add to a page if it were not
// escaped.
var injected = []string{"<script>alert", "<svg onload", "<img src=x", "\x1b"}

// assertEscaped fails when a page carries hostile markup, and when it does
// not show the hostile text as text at least want times.
func assertEscaped(t *testing.T, page string, want int) {
	t.Helper()
	for _, bad := range injected {
		if strings.Contains(page, bad) {
			i := strings.Index(page, bad)
			t.Errorf("page carries %q unescaped: …%s…", bad, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	if n := strings.Count(page, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < want {
		t.Errorf("hostile text shown %d times, want at least %d", n, want)
	}
}

var (
	nodeRe  = regexp.MustCompile(`<g class="node([^"]*)">\s*<title>([^<]*)</title>`)
	edgeRe  = regexp.MustCompile(`<g class="edge">\s*<title>[^<]*</title>\s*<path d="[^"]*" marker-end="url\(#arrow\)"/>\s*<text[^>]*>([^<]*)</text>`)
	eventRe = regexp.MustCompile(`<li data-event="([^"]+)">`)
)

func TestChainPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		f := seedExamples(t, fx.store)
		c := fx.client()
		c.login()
		r := c.get("/findings/" + f.ID)
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		page := r.body

		nodes := map[string]string{} // title → classes
		for _, m := range nodeRe.FindAllStringSubmatch(page, -1) {
			nodes[m[2]] = strings.TrimSpace(m[1])
		}
		wantNodes := map[string]string{
			"volume " + chainSource:     "critical",
			"snapshot " + chainSnapshot: "derived",
			"volume " + strings.NewReplacer("<", "&lt;", ">", "&gt;", `"`, "&#34;", "\x1b", "\uFFFD").Replace(hostileID): "derived",
			"instance i-0e9f8a7b6c5d40aaa":        "",
			"security group sg-0e9f8a7b6c5d40999": "",
			"snapshot snap-0f00d1e2c3b4a5961":     "derived",
			"account 444455556666":                "account",
		}
		if len(nodes) != len(wantNodes) {
			t.Errorf("%d nodes %q, want %d", len(nodes), nodes, len(wantNodes))
		}
		for title, class := range wantNodes {
			if got, ok := nodes[title]; !ok || got != class {
				t.Errorf("node %q: class %q (present %v), want %q", title, got, ok, class)
			}
		}
		var actions []string
		for _, m := range edgeRe.FindAllStringSubmatch(page, -1) {
			actions = append(actions, m[1])
		}
		wantActions := []string{"snapshot.create", "snapshot.share", "volume.restore", "volume.attach", "network.ingress.open", "snapshot.copy"}
		if !slices.Equal(actions, wantActions) {
			t.Errorf("edges %q, want %q", actions, wantActions)
		}

		var events []string
		for _, m := range eventRe.FindAllStringSubmatch(page, -1) {
			events = append(events, m[1])
		}
		var want []string
		for _, e := range f.Events {
			want = append(want, e.ID)
		}
		if !slices.Equal(events, want) {
			t.Errorf("timeline %q, want %q", events, want)
		}
		if n := strings.Count(page, `<pre class="record">`); n != len(f.Events) {
			t.Errorf("%d raw records for %d events", n, len(f.Events))
		}
		if strings.Contains(page, "Record not kept") {
			t.Error("a record of the chain is missing")
		}
		// Hostile text in the user agents, the resource id, the tags and the
		// raw records: shown, never markup.
		assertEscaped(t, page, len(f.Events)*2)
		for _, w := range []string{`class="mono ua">aws-cli/2.17.50 &lt;script&gt;`, `class="tag mono">Name=exfil&lt;script&gt;`} {
			if !strings.Contains(page, w) {
				t.Errorf("page lacks %s", w)
			}
		}
		list := c.get("/findings").body
		assertEscaped(t, list, 1)
		ru := c.get("/findings/"+f.ID, "Accept-Language", "ru").body
		assertEscaped(t, ru, len(f.Events)*2)
		if !strings.Contains(ru, "Происхождение") || !strings.Contains(ru, "критичный") {
			t.Error("the Russian page is not in Russian")
		}
	})
}

const azureDisk = "/subscriptions/3f2a/resourceGroups/rg/providers/Microsoft.Compute/disks/restored-disk"

// A finding whose records were not kept still gets its graph, from its
// resources in order, and says so for each event.
func TestChainWithoutRecords(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	at := fx.now.Add(-time.Hour)
	f := mkFinding("f1", at, finding.Critical, event.GCP, "proj", "chain", "eve")
	f.Rule.Kind = finding.KindChain
	f.Resources = []finding.Resource{{Type: event.Volume, ID: "disk-1"}, {Type: event.Snapshot, ID: "snap-" + hostile}, {Type: event.Volume, ID: azureDisk}}
	f.Events = []finding.EventRef{
		{ID: "e1", Time: at, Operation: "snapshots.insert", Action: event.SnapshotCreate, Actor: "eve" + hostile},
		{ID: "e2", Time: at.Add(time.Minute), Operation: "disks.insert", Action: event.VolumeRestore, Actor: "eve"},
	}
	f.Summary = map[string]string{"en": "eve copied " + hostile}
	fx.put(f)
	// e1's record is kept but is no JSON: shown as it is, cleaned and escaped.
	if err := fx.store.PutEventRecords(t.Context(), []store.EventRecord{{EventID: "e1", Time: at, Format: "cloudtrail", Raw: []byte("line one " + hostile + "\nline two")}}); err != nil {
		t.Fatal(err)
	}
	c := fx.client()
	c.login()
	page := c.get("/findings/f1").body
	if n := strings.Count(page, "Record not kept."); n != 1 {
		t.Errorf("%d events say their record was not kept, want 1", n)
	}
	if !strings.Contains(page, "line one &lt;script&gt;") || !strings.Contains(page, "\nline two</pre>") {
		t.Error("the undecodable record is not shown as text")
	}
	var actions []string
	for _, m := range edgeRe.FindAllStringSubmatch(page, -1) {
		actions = append(actions, m[1])
	}
	if !slices.Equal(actions, []string{"snapshot.create", "volume.restore"}) {
		t.Errorf("edges %q", actions)
	}
	assertEscaped(t, page, 4)
	// A path-like id is named by its last segment; the tooltip has it whole.
	if !strings.Contains(page, `class="id">restored-disk</text>`) || !strings.Contains(page, "<title>volume "+azureDisk+"</title>") {
		t.Error("the Azure disk's box is not labelled by its name")
	}
	if r := c.get("/findings/nope"); r.status != http.StatusNotFound {
		t.Errorf("unknown finding: %d", r.status)
	}
}

func TestReview(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r"))
		c := fx.client()
		c.login()
		token := c.csrf("/findings/f1")
		post := func(form url.Values) reply {
			form.Set("csrf", token)
			return c.do("POST", "/findings/f1/review", form)
		}
		tests := []struct {
			form       url.Values
			status     int
			want       finding.Status
			page       string
			auditCount int
		}{
			{url.Values{"action": {"ack"}, "reason": {"seen <b>"}}, http.StatusSeeOther, finding.StatusAcknowledged, "Acknowledged.", 1},
			{url.Values{"action": {"suppress"}}, http.StatusBadRequest, finding.StatusAcknowledged, "A suppression needs a reason.", 1},
			{url.Values{"action": {"suppress"}, "reason": {"drill"}, "for": {"forever"}}, http.StatusBadRequest, finding.StatusAcknowledged, "Unknown suppression period.", 1},
			{url.Values{"action": {"delete"}}, http.StatusBadRequest, finding.StatusAcknowledged, "Unknown review action.", 1},
			{url.Values{"action": {"suppress"}, "reason": {"drill"}, "for": {"168h"}}, http.StatusSeeOther, finding.StatusSuppressed, "Suppressed.", 2},
			{url.Values{"action": {"reopen"}}, http.StatusSeeOther, finding.StatusOpen, "Reopened.", 3},
		}
		for _, tt := range tests {
			r := post(tt.form)
			if r.status != tt.status {
				t.Fatalf("%v: %d, want %d: %s", tt.form, r.status, tt.status, r.body)
			}
			page := r.body
			if r.status == http.StatusSeeOther {
				page = c.get(r.header.Get("Location")).body
			}
			if !strings.Contains(page, tt.page) {
				t.Errorf("%v: page lacks %q", tt.form, tt.page)
			}
			f, _, _ := fx.store.FindingByID(t.Context(), "f1")
			audit, _ := fx.store.FindingAudit(t.Context(), "f1")
			if f.Status != tt.want || len(audit) != tt.auditCount {
				t.Errorf("%v: status %s with %d audit entries, want %s, %d", tt.form, f.Status, len(audit), tt.want, tt.auditCount)
			}
		}
		audit, _ := fx.store.FindingAudit(t.Context(), "f1")
		if audit[0].By != "user:alice" || audit[0].Reason != "seen <b>" || audit[1].Action != "suppress" ||
			audit[1].Expires.Sub(fx.now) != 168*time.Hour {
			t.Errorf("audit %+v", audit)
		}
		page := c.get("/findings/f1").body
		if !strings.Contains(page, "seen &lt;b&gt;") || strings.Count(page, "user:alice") != 3 {
			t.Error("the audit trail is not on the page")
		}
	})
}

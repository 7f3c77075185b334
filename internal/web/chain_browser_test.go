package web_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// alertTrap runs before any script of every page: a call to alert,
// confirm or prompt, or a script element run, is counted instead.
const alertTrap = `(() => {
	window.__calls = [];
	for (const name of ["alert", "confirm", "prompt"]) {
		window[name] = (msg) => { window.__calls.push(name + ":" + String(msg)); };
	}
})();`

// pageState is what the test reads from the chain page's DOM.
type pageState struct {
	Calls     []string `json:"calls"`
	Scripts   int      `json:"scripts"`
	Images    int      `json:"images"`
	SVGs      int      `json:"svgs"`
	Handlers  int      `json:"handlers"`
	Nodes     int      `json:"nodes"`
	Edges     int      `json:"edges"`
	Critical  []string `json:"critical"`
	UserAgent string   `json:"ua"`
	Tags      []string `json:"tags"`
	Records   []string `json:"records"`
	Titles    []string `json:"titles"`
}

const readState = `(() => ({
	calls: window.__calls || ["trap missing"],
	scripts: document.scripts.length,
	images: document.images.length,
	svgs: document.querySelectorAll("svg").length,
	handlers: document.querySelectorAll("[onload],[onerror],[onclick],[onmouseover]").length,
	nodes: document.querySelectorAll("#lineage g.node").length,
	edges: document.querySelectorAll("#lineage g.edge").length,
	critical: [...document.querySelectorAll("#lineage g.node.critical title")].map(e => e.textContent),
	ua: (document.querySelector(".ua") || {}).textContent || "",
	tags: [...document.querySelectorAll(".tag")].map(e => e.textContent),
	records: [...document.querySelectorAll("pre.record")].map(e => e.textContent),
	titles: [...document.querySelectorAll("#lineage g.node title")].map(e => e.textContent),
}))()`

// TestBrowserChain logs in, filters the findings, opens the chain, reads
// it and acknowledges it, in headless Chromium, with hostile text planted
// in the logs; it leaves a screenshot of the chain page.
func TestBrowserChain(t *testing.T) {
	ctx := newBrowser(t)
	fx := newFixture(t, storetest.SQLite)
	f := seedExamples(t, fx.store)
	base := fx.srv.URL

	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: alertTrap}); err != nil {
		t.Fatalf("install the alert trap: %v", err)
	}
	// Log in: the list sends the browser to the login page and back.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/findings"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=user]`)),
	)
	if err != nil {
		t.Fatalf("login page: %v", err)
	}
	// The trap catches a call (so none later means none was made).
	control, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`alert("control"); const c = window.__calls; window.__calls = []; c`))
	if err != nil || !slices.Equal(control, []string{"alert:control"}) {
		t.Fatalf("the trap did not catch a call: %q %v", control, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), testUser),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.ID("filters")),
	)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	// Filter: critical findings of AWS.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name=severity]`), "critical"),
		chromedp.SetValue(chromedp.CSS(`select[name=cloud]`), "aws"),
		chromedp.Click(chromedp.ID("apply")),
		// Only the filtered page has the option selected in its markup.
		chromedp.WaitReady(chromedp.CSS(`select[name=severity] option[value=critical][selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-id]`)),
	)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "severity=critical") || !strings.Contains(loc, "cloud=aws") {
		t.Fatalf("after filtering at %q (%v)", loc, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("tr[data-id] .badge")].map(e => e.className)`))
	if err != nil || len(rows) == 0 {
		t.Fatalf("rows %v %v", rows, err)
	}
	for _, class := range rows {
		if class != "badge sev-critical" {
			t.Errorf("a %q finding passed the critical filter", class)
		}
	}
	// Open the chain.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`tr[data-id="`+f.ID+`"] a`)),
		chromedp.WaitVisible(chromedp.ID("lineage")),
		chromedp.EmulateViewport(1640, 1100),
	)
	if err != nil {
		t.Fatalf("open the chain: %v", err)
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readState))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Calls) != 0 || st.Scripts != 0 || st.Images != 0 || st.SVGs != 1 || st.Handlers != 0 {
		t.Errorf("hostile text ran or made elements: calls %q, %d scripts, %d images, %d svgs, %d handlers", st.Calls, st.Scripts, st.Images, st.SVGs, st.Handlers)
	}
	if st.Nodes != 7 || st.Edges != 6 || !slices.Equal(st.Critical, []string{"volume " + chainSource}) {
		t.Errorf("graph: %d nodes, %d edges, critical %q", st.Nodes, st.Edges, st.Critical)
	}
	shown := "<script>alert(1)</script>\"><svg onload=alert(1)>\uFFFD[31m<img src=x onerror=alert(1)>"
	if st.UserAgent != "aws-cli/2.17.50 "+shown {
		t.Errorf("user agent shown as %q", st.UserAgent)
	}
	if !slices.Contains(st.Tags, "Name=exfil"+shown) {
		t.Errorf("tags shown as %q", st.Tags)
	}
	if !slices.ContainsFunc(st.Titles, func(s string) bool { return s == "volume "+chainRestored+shown }) {
		t.Errorf("node titles %q lack the hostile id as text", st.Titles)
	}
	if len(st.Records) != len(f.Events) || !strings.Contains(st.Records[0], `"userAgent": "aws-cli/2.17.50 <script>alert(1)</script>\"><svg onload=alert(1)>\u001b[31m`) {
		t.Errorf("%d records for %d events; first: %.300s", len(st.Records), len(f.Events), st.Records[0])
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := artifact(t, "chain.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("chain page screenshot: %s (%d bytes)", path, len(shot))
	graph, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".graph")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(artifact(t, "chain-graph.png"), graph, 0o644); err != nil {
		t.Fatal(err)
	}

	// Acknowledge it.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("ack-reason"), "seen in the browser"),
		chromedp.Click(chromedp.ID("ack")),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if err != nil {
		t.Fatalf("acknowledge: %v", err)
	}
	got, _, err := fx.store.FindingByID(t.Context(), f.ID)
	if err != nil || got.Status != finding.StatusAcknowledged {
		t.Errorf("after acknowledging: %s %v", got.Status, err)
	}
	audit, err := fx.store.FindingAudit(t.Context(), f.ID)
	if err != nil || len(audit) != 1 || audit[0].By != "user:"+testUser || audit[0].Reason != "seen in the browser" ||
		time.Since(audit[0].At) > time.Hour {
		t.Errorf("audit %+v %v", audit, err)
	}
	calls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__calls || ["trap missing"]`))
	if err != nil || len(calls) != 0 {
		t.Errorf("calls at the end: %q %v", calls, err)
	}
}

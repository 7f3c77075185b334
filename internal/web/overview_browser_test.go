package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/testenv"
	"github.com/snapwarden/snapwarden/internal/web"
)

// pagesBrowser starts a headless Chromium for one test and returns its
// context, counting the dialogs (alert, confirm, prompt) any script opens.
// Without a Chromium the test skips, or fails under
// SNAPWARDEN_REQUIRE_EXTERNAL=1.
func pagesBrowser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: not under -short")
	}
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv(testenv.RequireExternal) == "1" {
			t.Fatalf("no chromium on PATH (%s=1 makes this a failure)", testenv.RequireExternal)
		}
		t.Skip("no chromium on PATH: skipping")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1400, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// Start the browser now, so a broken one fails here.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	dialogs := new(atomic.Int32)
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			dialogs.Add(1)
			t.Logf("a script opened a dialog: %q", ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return ctx, dialogs
}

// pagesArtifactDir is where screenshots go: $SNAPWARDEN_ARTIFACTS, else a
// temporary folder.
func pagesArtifactDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("SNAPWARDEN_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestPagesInBrowser logs in through the form and visits the overview,
// the inventory (filtering it) and the entitlements in Chromium, with
// hostile text in a rule title, an account, a copy's name and tag and a
// principal: it shows as text, adds no element and runs no script.
func TestPagesInBrowser(t *testing.T) {
	ctx, dialogs := pagesBrowser(t)
	fx := newFixture(t, storetest.SQLite, withTrust, withHealth(web.Health{Ready: true, AcceptedBatches: 42, QueueBatches: 1, QueueBytes: 2048}))
	seedInventory(t, fx)
	chain := mkFinding("chain-1", fx.now.Add(-2*time.Hour), finding.Critical, event.AWS, hostileText, "aws-chain", hostileText)
	chain.Rule.Kind, chain.Rule.Title = finding.KindChain, hostileText
	fx.put(chain, mkFinding("share-1", fx.now.Add(-26*time.Hour), finding.High, event.GCP, "prod", "gcp-share"))
	storeRun(t, fx, fx.now.Add(-time.Hour), &entitlement.Report{Principals: 2, Grants: []entitlement.Grant{
		grantOf(arnHostile, entitlement.Share, entitlement.Allow, "policy "+hostileText),
		grantOf(arnBackup, entitlement.Create, entitlement.Allow, "policy backup"),
	}}, "expected:\n  - principal: \""+arnBackup+"\"\n    owner: platform\n")
	dir := pagesArtifactDir(t)

	base := fx.srv.URL
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	shoot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	// injected checks the page for what hostile text would add as markup.
	injected := func(where string) {
		t.Helper()
		if n := count(`document.querySelectorAll("script, [onload], [onerror], main svg svg").length`); n != 0 {
			t.Errorf("%s: %d injected elements", where, n)
		}
	}

	run("log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), testUser),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
	)
	if _, err := chromedp.RunResponse(ctx, (chromedp.Click(chromedp.CSS(`form[action="/login"] button`)))); err != nil {
		t.Fatalf("submit login: %v", err)
	}

	// The overview.
	run("overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("activity")))
	if n := count(`document.querySelectorAll("#activity svg g.day").length`); n != 14 {
		t.Errorf("the chart has %d days, want 14", n)
	}
	// The chain (critical), the GCP share and the entitlement review's
	// unexpected holder (high): three findings, one segment each whatever
	// the days they fall on.
	if n := count(`[...document.querySelectorAll("#activity svg g.day")].reduce((n, g) => n + Number(g.dataset.total), 0)`); n != 3 {
		t.Errorf("the chart counts %d findings, want 3", n)
	}
	if n := count(`document.querySelectorAll("#activity svg rect.seg").length`); n != 3 {
		t.Errorf("the chart has %d bar segments, want 3", n)
	}
	if s := text("#chains"); !strings.Contains(s, "<script>alert(1)</script>") {
		t.Errorf("the chain's hostile title does not show as text: %q", s)
	}
	if s := text("#health-accepted"); s != "42" {
		t.Errorf("accepted batches %q, want 42", s)
	}
	injected("overview")
	shoot("overview.png")

	// Follow the chain's link: it opens the finding's page.
	if _, err := chromedp.RunResponse(ctx, (chromedp.Click(chromedp.CSS(`#chains a[href="/findings/chain-1"]`)))); err != nil {
		t.Fatalf("open the chain: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/findings/chain-1") {
		t.Errorf("the chain's link went to %s", loc)
	}

	// The inventory, then filtered to GCP through the form.
	run("inventory", chromedp.Navigate(base+"/inventory"), chromedp.WaitVisible(chromedp.ID("copies")))
	if n := count(`document.querySelectorAll("#copies tbody tr").length`); n != 6 {
		t.Errorf("%d copies, want 6", n)
	}
	if s := text(`#copies tr[data-copy="snap-hostile"]`); !strings.Contains(s, "<script>alert(1)</script>") || !strings.Contains(s, "owner=") {
		t.Errorf("the hostile copy's name and tag do not show as text: %q", s)
	}
	injected("inventory")
	shoot("inventory.png")
	run("filter the inventory", chromedp.SetValue(chromedp.CSS(`select[name=cloud]`), "gcp"))
	if _, err := chromedp.RunResponse(ctx, (chromedp.Click(chromedp.ID("inventory-apply")))); err != nil {
		t.Fatalf("apply the filter: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "cloud=gcp") {
		t.Errorf("the filter went to %s", loc)
	}
	if n := count(`document.querySelectorAll("#copies tbody tr").length`); n != 1 {
		t.Errorf("%d gcp copies, want 1", n)
	}

	// The entitlements: the unexpected (hostile) holder first.
	run("entitlements", chromedp.Navigate(base+"/entitlements"), chromedp.WaitVisible(chromedp.ID("holders")))
	first := text("#holders tbody tr")
	if !strings.Contains(first, "<script>alert(1)</script>") || !strings.Contains(strings.ToLower(first), "unexpected") {
		t.Errorf("the first holder is not the unexpected hostile one: %q", first)
	}
	injected("entitlements")
	shoot("entitlements.png")

	if n := dialogs.Load(); n != 0 {
		t.Errorf("scripts opened %d dialogs", n)
	}
}

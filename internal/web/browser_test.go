package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// newBrowser starts a headless Chromium for one test and returns its tab's
// context (bounded by a minute and a half). Without a Chromium the test
// skips, or fails under SNAPWARDEN_REQUIRE_EXTERNAL=1 (CI installs one).
// SNAPWARDEN_CHROMIUM names the binary when it is not on the PATH.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("SNAPWARDEN_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	if path == "" {
		if os.Getenv(testenv.RequireExternal) == "1" {
			t.Fatalf("no chromium found (%s=1 makes this a failure)", testenv.RequireExternal)
		}
		t.Skip("no chromium found: skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1640, 1100), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	return ctx
}

// artifact returns where a test writes a file for people to look at:
// $SNAPWARDEN_ARTIFACTS, else the test's temporary folder.
func artifact(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("SNAPWARDEN_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

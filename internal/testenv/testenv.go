// Package testenv finds what tests need from outside the repository: the
// shared folder beside it, with the real log samples and the SigmaHQ rules.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// RequireExternal is the variable CI sets: a test that would skip for lack
// of something outside the repository fails instead.
const RequireExternal = "SNAPWARDEN_REQUIRE_EXTERNAL"

// RepoRoot returns the folder holding go.mod at or above the working
// directory, or "" when there is none.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Shared returns the named folder of the shared material: under
// $SNAPWARDEN_SHARED, else ../shared beside the repository. When it is
// absent the test skips, or fails under SNAPWARDEN_REQUIRE_EXTERNAL=1.
func Shared(tb testing.TB, name string) string {
	tb.Helper()
	base := os.Getenv("SNAPWARDEN_SHARED")
	if base == "" {
		root := RepoRoot(tb)
		if root == "" {
			missing(tb, "repository root not found")
		}
		base = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(base, name)
	if _, err := os.Stat(dir); err != nil {
		missing(tb, "shared "+name+" not found at "+dir)
	}
	return dir
}

func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv(RequireExternal) == "1" {
		tb.Fatalf("%s (%s=1 makes this a failure)", why, RequireExternal)
	}
	tb.Skipf("%s: skipping", why)
}

// Package ruletest holds what tests of rules share: the shared SigmaHQ rule
// tree and the parsing of rule text in a test.
package ruletest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
)

// SigmaDir returns the shared SigmaHQ rule tree (../shared/sigma beside the
// repository, or $SNAPWARDEN_SHARED/sigma), skipping the test when absent.
func SigmaDir(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("SNAPWARDEN_SHARED")
	if base == "" {
		root := repoRoot(tb)
		if root == "" {
			tb.Skip("repository root not found: skipping SigmaHQ rule tests")
		}
		base = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(base, "sigma")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("SigmaHQ rules not found at %s: skipping", dir)
	}
	return dir
}

// repoRoot is the nearest folder above the working directory holding
// go.mod, or "".
func repoRoot(tb testing.TB) string {
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

// CloudDirs are the SigmaHQ folders of the clouds snapwarden reads, relative
// to SigmaDir; issue 3 requires every rule in them to load.
var CloudDirs = []string{
	"rules/cloud/aws",
	"rules/cloud/azure/activity_logs",
	"rules/cloud/gcp",
}

// MustParse parses the rules of YAML text, failing the test on any error.
func MustParse(tb testing.TB, text string) []*rule.Rule {
	tb.Helper()
	rules, errs := rule.Parse("test.yml", []byte(text))
	if len(errs) > 0 {
		tb.Fatalf("parse:\n%s", errs.Lines())
	}
	return rules
}

// Package ruletest holds what tests of rules share: the shared SigmaHQ rule
// tree and its cloud folders.
package ruletest

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/testenv"
)

// SigmaDir returns the shared SigmaHQ rule tree (../shared/sigma beside the
// repository, or $SNAPWARDEN_SHARED/sigma), skipping the test when absent.
func SigmaDir(tb testing.TB) string {
	tb.Helper()
	return testenv.Shared(tb, "sigma")
}

// CloudDirs are the SigmaHQ folders of the clouds snapwarden reads, relative
// to SigmaDir; issue 3 requires every rule in them to load.
var CloudDirs = []string{
	"rules/cloud/aws",
	"rules/cloud/azure/activity_logs",
	"rules/cloud/gcp",
}

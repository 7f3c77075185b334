package detect_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// sigmaDir returns SigmaHQ's rule folder (../shared/sigma beside the
// repository, or $SNAPWARDEN_SHARED/sigma), skipping the test when absent.
func sigmaDir(tb testing.TB) string {
	tb.Helper()
	return testenv.Shared(tb, "sigma")
}

// sigmaCloud loads SigmaHQ's cloud rules for the log sources snapwarden
// reads (and Google Workspace, which loads inactive).
func sigmaCloud(tb testing.TB) []*rule.Rule {
	tb.Helper()
	root := sigmaDir(tb)
	rules, errs := rule.Load(
		filepath.Join(root, "rules", "cloud", "aws"),
		filepath.Join(root, "rules", "cloud", "azure", "activity_logs"),
		filepath.Join(root, "rules", "cloud", "gcp"),
	)
	if len(errs) > 0 {
		tb.Fatalf("load: %s", errs.Lines())
	}
	return rules
}

// TestSigmaHQ_CloudRulesCompile: all 118 cloud rules load; every field they
// use resolves (through the field mappings); the Google Workspace ones are
// inactive.
func TestSigmaHQ_CloudRulesCompile(t *testing.T) {
	rules := sigmaCloud(t)
	if len(rules) != 118 {
		t.Errorf("loaded %d rules, want 118", len(rules))
	}
	e, errs := detect.Compile(rules, detect.Options{})
	inactive := 0
	for _, err := range errs {
		if errors.Is(err, rule.ErrInactive) {
			inactive++
			continue
		}
		t.Errorf("%v", err)
	}
	st := e.Stats()
	if inactive != 10 || st.Rules != 108 {
		t.Errorf("active %d, inactive %d; want 108 and 10", st.Rules, inactive)
	}
	for _, f := range []string{"cloudtrail", "azureactivity", "gcpaudit"} {
		s := st.Sources[f]
		t.Logf("%s: %d rules, %d indexed, %d always, %d keys", f, s.Rules, s.Indexed, s.Always, s.Keys)
	}
	// Most AWS rules name their operation.
	if s := st.Sources["cloudtrail"]; s.Indexed < 45 {
		t.Errorf("cloudtrail: only %d of %d rules indexed", s.Indexed, s.Rules)
	}
}

package hunt_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/rules"
)

// TestBuiltinRules runs every built-in rule's own tests through the real
// engine, with the configuration the tests assume.
func TestBuiltinRules(t *testing.T) {
	cfg, err := config.Parse(bytes.NewReader(rules.TestConfig), "rules/testdata/config.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := hunt.BuiltinRules()
	if len(errs) > 0 {
		t.Fatalf("built-in rules do not load:\n%s", errs.Lines())
	}
	if len(rs) < 8 {
		t.Fatalf("%d built-in rules, want the whole pack", len(rs))
	}
	results, errs := hunt.RunTests(rs, hunt.Options{Config: cfg})
	if len(errs) > 0 {
		t.Fatalf("built-in rules do not compile:\n%s", errs.Lines())
	}
	for _, res := range results {
		t.Run(res.Rule.ID, func(t *testing.T) {
			if len(res.Failures) > 0 {
				t.Error(strings.Join(res.Failures, "\n"))
			}
			if res.Passed == 0 {
				t.Error("no test passed")
			}
			for lang, tmpl := range res.Rule.Summary {
				if bad := finding.UnknownPlaceholders(tmpl); len(bad) > 0 {
					t.Errorf("summary %s has unknown placeholders %v", lang, bad)
				}
			}
			if res.Rule.Summary["en"] == "" || res.Rule.Summary["ru"] == "" {
				t.Error("summary must be given in en and ru")
			}
		})
	}
}

// TestTrustedAccountGlobs: trusted_accounts patterns decide share.external.
func TestTrustedAccountGlobs(t *testing.T) {
	cfg, err := config.Parse(strings.NewReader(`trusted_accounts: ["4444*", "*@northwind.example"]`), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := hunt.BuiltinRules()
	d, cerrs := hunt.New(rs, hunt.Options{Config: cfg})
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	w := d.NewWorker()
	titles := func(target string) []string {
		ev := &event.Event{ID: "e", Cloud: event.AWS, Action: event.SnapshotShare, Outcome: event.Success,
			Shares: []event.Share{{Target: target, Kind: "account"}}}
		var out []string
		w.Findings(ev, func(f finding.Finding) error { out = append(out, f.Rule.Title); return nil })
		return out
	}
	for target, outside := range map[string]bool{"444455556666": false, "alice@northwind.example": false, "555566667777": true} {
		got := strings.Join(titles(target), "; ")
		if strings.Contains(got, "outside") != outside {
			t.Errorf("share to %s: findings %q, outside %v", target, got, outside)
		}
	}
}

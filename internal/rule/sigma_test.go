package rule_test

import (
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/rule/ruletest"
)

// TestSigmaHQ_tree lints every rules* folder of the shared SigmaHQ tree:
// each file loads or is rejected with errors at file:line, never a panic.
func TestSigmaHQ_tree(t *testing.T) {
	dir := ruletest.SigmaDir(t)
	folders, err := filepath.Glob(filepath.Join(dir, "rules*"))
	if err != nil || len(folders) == 0 {
		t.Fatalf("no rules* folder under %s", dir)
	}
	r := rule.Lint(folders...)
	reasons := map[string]int{}
	for _, e := range r.Errors() {
		if e.Pos.File == "" || e.Pos.Line < 1 {
			t.Errorf("error without file:line: %v", e)
		}
		if strings.Contains(e.Error(), "internal error") {
			t.Errorf("internal error: %v", e)
		}
		reasons[reason(e)]++
	}
	for _, x := range r.Loaded {
		checkRule(t, x)
	}
	t.Logf("SigmaHQ tree: %s", r.Summary())
	type count struct {
		reason string
		n      int
	}
	var counts []count
	for k, n := range reasons {
		counts = append(counts, count{k, n})
	}
	slices.SortFunc(counts, func(a, b count) int { return cmp.Or(b.n-a.n, strings.Compare(a.reason, b.reason)) })
	for _, c := range counts {
		t.Logf("%5d %s", c.n, c.reason)
	}
	if len(r.Loaded) == 0 {
		t.Error("no rule loaded")
	}
}

var quoted = regexp.MustCompile(`"[^"]*"`)

// reason is an error's message with quoted specifics left out, to group
// errors by kind.
func reason(e *rule.Error) string {
	return quoted.ReplaceAllString(e.Err.Error(), `"…"`)
}

// TestSigmaHQ_cloud checks that every rule of the clouds snapwarden reads
// loads (issue 3: 57 AWS, 35 Azure activity-log and 26 GCP rules), and lists
// those that load as inactive.
func TestSigmaHQ_cloud(t *testing.T) {
	dir := ruletest.SigmaDir(t)
	want := map[string]int{
		"rules/cloud/aws":                 57,
		"rules/cloud/azure/activity_logs": 35,
		"rules/cloud/gcp":                 26,
	}
	total, inactive := 0, 0
	for _, sub := range ruletest.CloudDirs {
		r := rule.Lint(filepath.Join(dir, sub))
		if len(r.Rejected) > 0 {
			t.Errorf("%s: %s\n%s", sub, r.Summary(), r.Errors().Lines())
		}
		if len(r.Loaded) != want[sub] {
			t.Errorf("%s: loaded %d rules, want %d", sub, len(r.Loaded), want[sub])
		}
		for _, x := range r.Inactive {
			t.Logf("inactive: %s (logsource %s/%s) %s", x.ID, x.LogSource.Product, x.LogSource.Service, x.Pos)
		}
		t.Logf("%s: %s", sub, r.Summary())
		total += len(r.Loaded)
		inactive += len(r.Inactive)
	}
	t.Logf("cloud rules: %d loaded, %d active, %d inactive", total, total-inactive, inactive)
	if total != 118 {
		t.Errorf("%d cloud rules loaded, want 118", total)
	}
}

func Example_lint() {
	r := rule.Lint("testdata/load")
	fmt.Print(r.Errors().Lines())
	fmt.Println(r.Summary())
	// Output:
	// testdata/load/b/broken.yml:5:27: rule "load-5": unknown modifier "startwith" (did you mean "startswith"?)
	// testdata/load/b/broken.yml:6:34: rule "load-5": condition: unknown search identifier "filter"
	// testdata/load/b/duplicate.yml:1:1: rule "load-1": duplicate rule id: first used at testdata/load/a/first.yml:1:1
	// testdata/load/b/duplicate.yml:8:1: rule "load-3": duplicate rule name "first_rule": first used at testdata/load/a/first.yml:1:1
	// loaded 3, rejected 3 (inactive 1)
}

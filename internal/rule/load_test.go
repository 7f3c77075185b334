package rule_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snapwarden/snapwarden/internal/rule"
)

func ids(rules []*rule.Rule) string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return strings.Join(out, " ")
}

func TestLoad(t *testing.T) {
	rules, errs := rule.Load("testdata/load")
	if got, want := ids(rules), "load-1 load-2 load-4"; got != want {
		t.Errorf("loaded %s, want %s", got, want)
	}
	want := `testdata/load/b/broken.yml:5:27: rule "load-5": unknown modifier "startwith" (did you mean "startswith"?)
testdata/load/b/broken.yml:6:34: rule "load-5": condition: unknown search identifier "filter"
testdata/load/b/duplicate.yml:1:1: rule "load-1": duplicate rule id: first used at testdata/load/a/first.yml:1:1
testdata/load/b/duplicate.yml:8:1: rule "load-3": duplicate rule name "first_rule": first used at testdata/load/a/first.yml:1:1
`
	if got := errs.Lines(); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}

func TestLoad_files(t *testing.T) {
	// A file named directly is read whatever its extension; the same file
	// twice gives duplicate ids.
	txt := filepath.Join(t.TempDir(), "rule.txt")
	data, err := os.ReadFile("testdata/load/a/first.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(txt, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rules, errs := rule.Load(txt, "testdata/load/a/first.yml", "testdata/load/missing.yml")
	if got, want := ids(rules), "load-1"; got != want {
		t.Errorf("loaded %s, want %s", got, want)
	}
	if len(errs) != 2 ||
		!strings.Contains(errs[0].Error(), "first.yml:1:1: rule \"load-1\": duplicate rule id: first used at "+txt+":1:1") ||
		errs[1].Error() != "testdata/load/missing.yml: stat: no such file or directory" {
		t.Errorf("errors:\n%s", errs.Lines())
	}
}

func TestLoad_tooLarge(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yml")
	if err := os.WriteFile(big, make([]byte, 5<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := rule.Load(big)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "larger than the 4 MiB") {
		t.Errorf("errors:\n%s", errs.Lines())
	}
}

func TestLoadFS(t *testing.T) {
	first, err := os.ReadFile("testdata/load/a/first.yml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"rules/aws/first.yml":       {Data: first},
		"rules/aws/copy.yaml":       {Data: first},
		"rules/aws/README.md":       {Data: []byte("# not a rule")},
		"rules/.git/config.yml":     {Data: []byte("not: a rule")},
		"rules/empty/nothing.yml":   {Data: nil},
		"elsewhere/ignored_too.yml": {Data: []byte("x")},
	}
	rules, errs := rule.LoadFS(fsys, "rules")
	if got, want := ids(rules), "load-1"; got != want {
		t.Errorf("loaded %s, want %s", got, want)
	}
	want := `rules/aws/first.yml:1:1: rule "load-1": duplicate rule id: first used at rules/aws/copy.yaml:1:1
rules/empty/nothing.yml:1: no rule in the file
`
	if got := errs.Lines(); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}

func TestLint(t *testing.T) {
	r := rule.Lint("testdata/load")
	if got, want := r.Summary(), "loaded 3, rejected 3 (inactive 1)"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got, want := ids(r.Inactive), "load-2"; got != want {
		t.Errorf("inactive %s, want %s", got, want)
	}
	var rejected []string
	for _, x := range r.Rejected {
		rejected = append(rejected, x.Rule+"@"+x.Pos.String())
	}
	if got, want := strings.Join(rejected, " "), "load-5@testdata/load/b/broken.yml:1:1 load-1@testdata/load/b/duplicate.yml:1:1 load-3@testdata/load/b/duplicate.yml:8:1"; got != want {
		t.Errorf("rejected %s, want %s", got, want)
	}
	if n := len(r.Errors()); n != 4 {
		t.Errorf("%d errors, want 4", n)
	}

	clean := rule.LintFS(fstest.MapFS{"r.yml": {Data: []byte(minimalRule)}}, ".")
	if got, want := clean.Summary(), "loaded 1, rejected 0"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

const minimalRule = `title: T
id: t-1
logsource: {product: aws, service: cloudtrail}
detection:
    selection: {eventName: CreateSnapshot}
    condition: selection
`

package hunt_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/rule/ruletest"
)

// TestSigmaHQEvents runs every active SigmaHQ cloud rule over the events
// written for it (internal/detect/testdata/sigmahq): raw records of the
// rule's log source, decoded as hunt decodes them, that it must match and
// near misses it must not.
func TestSigmaHQEvents(t *testing.T) {
	sigma := ruletest.SigmaDir(t)
	files, err := filepath.Glob(filepath.Join("..", "detect", "testdata", "sigmahq", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no SigmaHQ test events (%v)", err)
	}
	var rules, matches, nomatches int
	for _, file := range files {
		var tc struct {
			Rule    string            `json:"rule"`
			ID      string            `json:"id"`
			Match   []json.RawMessage `json:"match"`
			NoMatch []json.RawMessage `json:"nomatch"`
			Note    string            `json:"note"`
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &tc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			rs, errs := rule.Load(filepath.Join(sigma, tc.Rule))
			if len(errs) > 0 || len(rs) != 1 || rs[0].ID != tc.ID {
				t.Fatalf("rule %s does not load as %s: %v", tc.Rule, tc.ID, errs)
			}
			r := rs[0]
			r.Tests = &rule.Tests{}
			for _, m := range tc.Match {
				r.Tests.Match = append(r.Tests.Match, rule.TestEvent{Pos: rule.Pos{File: file}, JSON: string(m)})
			}
			for _, m := range tc.NoMatch {
				r.Tests.NoMatch = append(r.Tests.NoMatch, rule.TestEvent{Pos: rule.Pos{File: file}, JSON: string(m)})
			}
			if len(tc.Match) == 0 {
				// The rule cannot match a real record (INDEX.md says why):
				// its near misses must still not match.
				if tc.Note == "" {
					t.Fatal("no match event and no note saying why")
				}
				r.Tests.Match = nil
			}
			res, errs := hunt.RunTests([]*rule.Rule{r}, hunt.Options{})
			if len(errs) > 0 {
				t.Fatalf("compile: %s", errs.Lines())
			}
			for _, f := range res[0].Failures {
				if len(tc.Match) == 0 && strings.Contains(f, "has no match test") {
					continue
				}
				t.Error(f)
			}
		})
		rules++
		matches += len(tc.Match)
		nomatches += len(tc.NoMatch)
	}
	t.Logf("%d SigmaHQ rules: %d match events, %d near misses", rules, matches, nomatches)
}

package correlate_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/rules"
)

const burstRule = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a21"

// builtin compiles the embedded pack with the configuration its tests
// assume (trusted principals), as hunt does.
func builtin(t testing.TB) (*detect.Engine, *correlate.Engine, []*rule.Rule) {
	t.Helper()
	rs, errs := rule.LoadFS(rules.FS, ".")
	if len(errs) > 0 {
		t.Fatalf("load:\n%s", errs.Lines())
	}
	cfg, err := config.Parse(bytes.NewReader(rules.TestConfig), "rules/testdata/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Matchers()
	det, errs := detect.Compile(rs, detect.Options{TrustedAccount: m.TrustedAccount, TrustedPrincipal: m.TrustedPrincipal, Critical: m.Critical})
	if len(errs) > 0 {
		t.Fatalf("detect:\n%s", errs.Lines())
	}
	eng, errs := correlate.Compile(rs, det, correlate.Options{})
	if len(errs) > 0 {
		t.Fatalf("correlate:\n%s", errs.Lines())
	}
	return det, eng, rs
}

// TestBuiltin_tests runs the built-in correlation rules' own test
// sequences through detect and correlate.
func TestBuiltin_tests(t *testing.T) {
	det, eng, _ := builtin(t)
	results := eng.RunTests(det, nil)
	if len(results) == 0 {
		t.Fatal("no built-in correlation rule")
	}
	for _, res := range results {
		t.Run(res.Rule.ID, func(t *testing.T) {
			for _, f := range res.Failures {
				t.Error(f)
			}
			if res.Passed < 3 || len(res.Failures) > 0 {
				t.Errorf("%d passed, %d failed", res.Passed, len(res.Failures))
			}
			for _, lang := range []string{"en", "ru"} {
				if res.Rule.Summary[lang] == "" {
					t.Errorf("no %s summary", lang)
				}
			}
		})
	}
}

// TestBuiltin_burst drives the burst rule with hand-made events: what
// counts, what does not, and the finding it makes.
func TestBuiltin_burst(t *testing.T) {
	det, eng, rs := builtin(t)
	r := byID(t, rs, burstRule)
	base := byID(t, rs, "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a20")
	if ref, gen := eng.Base(base); !ref || gen {
		t.Errorf("base rule: referenced %v, generate %v; want true, false", ref, gen)
	}
	actions := []event.Action{event.SnapshotCopy, event.ImageShare, event.DBSnapshotCreate, event.BackupCreate, event.VolumeExport}
	mk := func(n int, step time.Duration, actor func(i int) string, account func(i int) string, outcome event.Outcome) []*event.Event {
		var out []*event.Event
		for i := range n {
			e := ev(fmt.Sprintf("e%03d", i), time.Duration(i)*step, actions[i%len(actions)], actor(i), account(i), fmt.Sprintf("snap-%03d", i))
			e.Outcome = outcome
			out = append(out, e)
		}
		return out
	}
	one := func(s string) func(int) string { return func(int) string { return s } }
	alternate := func(a, b string) func(int) string {
		return func(i int) string { return []string{a, b}[i%2] }
	}
	mallory := "arn:aws:iam::111122223333:user/mallory"
	cases := []struct {
		name   string
		evs    []*event.Event
		events int // in the finding; 0: no finding
	}{
		{"twenty in ten minutes", mk(20, 30*time.Second, one(mallory), one("111122223333"), event.Success), 20},
		{"forty, one finding", mk(40, 10*time.Second, one(mallory), one("111122223333"), event.Success), 40},
		{"nineteen", mk(19, 30*time.Second, one(mallory), one("111122223333"), event.Success), 0},
		{"two principals", mk(30, 10*time.Second, alternate(mallory, "arn:aws:iam::111122223333:user/eve"), one("111122223333"), event.Success), 0},
		{"two accounts", mk(30, 10*time.Second, one(mallory), alternate("111122223333", "444455556666"), event.Success), 0},
		{"failed", mk(20, 10*time.Second, one(mallory), one("111122223333"), event.Failure), 0},
		{"trusted", mk(20, 10*time.Second, one("arn:aws:iam::111122223333:role/backup-automation"), one("111122223333"), event.Success), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs, err := eng.Replay(det, r, c.evs)
			if err != nil {
				t.Fatal(err)
			}
			if c.events == 0 {
				if len(fs) > 0 {
					t.Fatalf("finding: %s", fs[0].Summary["en"])
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings", len(fs))
			}
			f := fs[0]
			want := fmt.Sprintf("%s made %d snapshot, image or backup operations in 111122223333 within 10m", mallory, c.events)
			if f.Summary["en"] != want || !strings.Contains(f.Summary["ru"], fmt.Sprintf("— %d за 10m", c.events)) {
				t.Errorf("summary %q", f.Summary)
			}
			if len(f.Events) != c.events || f.Severity != finding.Medium || f.Rule.Kind != finding.KindCorrelation ||
				f.Time != t0 || f.Account != "111122223333" || strings.Join(f.Attack, ",") != "T1578.001,T1537" {
				t.Errorf("finding %+v", f)
			}
		})
	}
}

package hunt_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/rule/ruletest"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// TestWorker_scratchEvents runs the examples and the shared samples of
// every cloud through a worker and the correlator, every rule at every
// severity (the built-in pack with the examples' configuration, SigmaHQ's
// cloud rules), once with events lent by the decoders (scan.Options.Scratch,
// as hunt runs) and once with events of their own: the findings are the
// same. A finding or an observation that kept a view into a decoder's
// buffer would read a later record's text by the end.
func TestWorker_scratchEvents(t *testing.T) {
	cfg, err := config.Load(filepath.Join("..", "..", "examples", "snapwarden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := hunt.BuiltinRules()
	var dirs []string
	for _, d := range ruletest.CloudDirs {
		dirs = append(dirs, filepath.Join(ruletest.SigmaDir(t), d))
	}
	// A correlation over every AWS event, reads included: its windows
	// keep observations of lent events.
	corrRule := filepath.Join(t.TempDir(), "every_aws_event.yml")
	if err := os.WriteFile(corrRule, []byte(everyAWSEvent), 0o600); err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, corrRule)
	sigma, errs2 := rule.Load(dirs...)
	if len(errs)+len(errs2) > 0 {
		t.Fatal(errs, errs2)
	}
	d, cerrs := hunt.New(append(rs, sigma...), hunt.Options{Config: cfg, MinSeverity: finding.Info})
	if len(cerrs) > 0 {
		t.Fatal(cerrs)
	}
	inputs, _, err := source.Expand([]string{filepath.Join("..", "..", "examples"), testenv.Shared(t, "samples")})
	if err != nil {
		t.Fatal(err)
	}
	run := func(scratch bool) []string {
		var kept []finding.Finding
		keep := func(f finding.Finding) error {
			kept = append(kept, f) // written at the end, as the table is
			return nil
		}
		corr := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir()})
		opts := scan.Options{Formats: formats.All(), Workers: 1, Scratch: scratch}
		_, err := scan.Run(context.Background(), inputs, opts, nil, func() scan.Emit {
			w := d.NewWorker()
			corr.Attach(w)
			return func(ev *event.Event) error { return w.Findings(ev, keep) }
		})
		if err == nil {
			err = corr.Finish(context.Background(), keep)
		}
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range kept {
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	owned, lent := run(false), run(true)
	t.Logf("%d findings from %d inputs", len(owned), len(inputs))
	if len(owned) < 200 {
		t.Errorf("%d findings: want the examples' and samples' hundreds", len(owned))
	}
	if !slices.Equal(owned, lent) {
		for i := range min(len(owned), len(lent)) {
			if owned[i] != lent[i] {
				t.Fatalf("with scratch events, %d findings, else %d; first difference:\n%s\nelse\n%s", len(lent), len(owned), lent[i], owned[i])
			}
		}
		t.Fatalf("with scratch events, %d findings, else %d", len(lent), len(owned))
	}
}

const everyAWSEvent = `title: Any AWS event
id: 0d9c1a52-6a3e-4c1b-9d7e-3f1a2b4c5d60
name: any_aws_event
logsource:
  product: snapwarden
detection:
  selection:
    cloud: aws
  condition: selection
level: low
---
title: AWS events per actor and account
id: 0d9c1a52-6a3e-4c1b-9d7e-3f1a2b4c5d61
correlation:
  type: value_count
  rules:
    - any_aws_event
  group-by:
    - actor.id
    - account
  timespan: 30d
  condition:
    field: operation
    gte: 1
level: low
`

package scenario

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
)

// Report is what Verify measured.
type Report struct {
	Records, Events, Bad int // Bad: malformed records and unreadable files
	Findings             int
	// Kinds holds recall per scenario kind, by kind name.
	Kinds map[string]*KindResult
	// Missed lists each expected finding not made: "scenario: rule ≥ severity".
	Missed []string
	// FalsePositives are findings at high or above that hold no
	// scenario's event, or that hold a look-alike's.
	FalsePositives []finding.Finding
	// BadInput are the first problems the decoders reported.
	BadInput []string
}

// KindResult is the recall of one scenario kind.
type KindResult struct {
	Total, Found int
}

// Recall returns found / total over every kind.
func (r *Report) Recall() (found, total int) {
	for _, k := range r.Kinds {
		found, total = found+k.Found, total+k.Total
	}
	return found, total
}

// KindNames returns the kinds in name order.
func (r *Report) KindNames() []string {
	var out []string
	for k := range r.Kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Verify runs the hunt pipeline (built-in rules, the set's configuration)
// over a generated set and compares its findings with truth.json.
func Verify(ctx context.Context, dir string) (*Report, error) {
	truth, err := ReadTruth(filepath.Join(dir, TruthFile))
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, err
	}
	opts := hunt.Options{Config: cfg, MinSeverity: finding.Info}
	rs, _, errs := hunt.LoadRules(opts)
	det, cerrs := hunt.New(rs, opts)
	if errs = append(errs, cerrs...); len(errs) > 0 {
		return nil, errs
	}
	var paths []string
	for _, c := range truth.Clouds {
		paths = append(paths, filepath.Join(dir, string(c)))
	}
	inputs, _, err := source.Expand(paths)
	if err != nil {
		return nil, err
	}
	rep := &Report{Kinds: map[string]*KindResult{}}
	var (
		mu       sync.Mutex
		findings []finding.Finding
	)
	keep := func(f finding.Finding) error {
		mu.Lock()
		defer mu.Unlock()
		findings = append(findings, f)
		return nil
	}
	corr := det.NewCorrelator(hunt.CorrelatorOptions{})
	sopts := scan.Options{Formats: formats.All(), DefaultAccounts: truth.Accounts, Scratch: true, Problem: func(p scan.Problem) {
		mu.Lock()
		defer mu.Unlock()
		if len(rep.BadInput) < 20 {
			rep.BadInput = append(rep.BadInput, p.Err.Error())
		}
	}}
	sum, err := scan.Run(ctx, inputs, sopts, nil, func() scan.Emit {
		w := det.NewWorker()
		corr.Attach(w)
		return func(ev *event.Event) error { return w.Findings(ev, keep) }
	})
	if err != nil {
		return nil, err
	}
	if err := corr.Finish(ctx, keep); err != nil {
		return nil, err
	}
	rep.Records, rep.Events, rep.Bad = sum.Records, sum.Events, sum.Malformed+sum.FilesFailed+sum.UnknownFiles
	rep.Findings = len(findings)
	rep.compare(truth, findings)
	return rep, nil
}

// compare fills recall and false positives.
func (rep *Report) compare(truth *Truth, findings []finding.Finding) {
	byEvent := map[string][]int{} // event id → findings holding it
	for i, f := range findings {
		for _, e := range f.Events {
			byEvent[e.ID] = append(byEvent[e.ID], i)
		}
	}
	scenarioEvent := map[string]bool{}
	for _, s := range truth.Scenarios {
		kr := rep.Kinds[s.Kind]
		if kr == nil {
			kr = &KindResult{}
			rep.Kinds[s.Kind] = kr
		}
		kr.Total++
		found := true
		for _, x := range s.Expect {
			want, _ := finding.ParseSeverity(x.Severity)
			if !slices.ContainsFunc(s.Events, func(id string) bool {
				return slices.ContainsFunc(byEvent[id], func(i int) bool {
					return findings[i].Rule.ID == x.Rule && findings[i].Severity >= want
				})
			}) {
				found = false
				rep.Missed = append(rep.Missed, fmt.Sprintf("%s: rule %s ≥ %s", s.ID, x.Rule, x.Severity))
			}
		}
		if found {
			kr.Found++
		}
		for _, id := range s.Events {
			scenarioEvent[id] = true
		}
	}
	lookalike := map[string]bool{}
	for _, s := range truth.Lookalikes {
		for _, id := range s.Events {
			lookalike[id] = true
		}
	}
	for _, f := range findings {
		if f.Severity < finding.High || f.Status == finding.StatusSuppressed {
			continue
		}
		ofScenario, ofLookalike := false, false
		for _, e := range f.Events {
			ofScenario = ofScenario || scenarioEvent[e.ID]
			ofLookalike = ofLookalike || lookalike[e.ID]
		}
		if !ofScenario || ofLookalike {
			rep.FalsePositives = append(rep.FalsePositives, f)
		}
	}
}

package hunt

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/snapwarden/snapwarden/internal/chain"
	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/rules"
)

// TestResult is the verdict on one rule's own tests.
type TestResult struct {
	Rule     *rule.Rule
	Passed   int
	Failures []string // one line each, with the test event's position
}

// RunTests runs the tests rules carry (`tests: {match, nomatch}`) through
// the real engine compiled with opts. A rule over the normalized event takes
// normalized events (hunt --events form); a rule on a cloud log source takes
// raw records of that source, decoded as hunt would. A rule without a match
// case fails: every rule must show what it catches.
func RunTests(rs []*rule.Rule, opts Options) ([]TestResult, rule.ErrorList) {
	d, errs := New(rs, opts)
	if len(errs) > 0 {
		return nil, errs
	}
	w := d.NewWorker()
	var out []TestResult
	for _, r := range d.engine.Rules() {
		res := TestResult{Rule: r}
		if r.Tests == nil || len(r.Tests.Match) == 0 {
			res.Failures = append(res.Failures, fmt.Sprintf("%s: rule %q has no match test", r.Pos, r.ID))
			out = append(out, res)
			continue
		}
		for _, tc := range r.Tests.Match {
			res.check(w, r, tc, true)
		}
		for _, tc := range r.Tests.NoMatch {
			res.check(w, r, tc, false)
		}
		out = append(out, res)
	}
	if d.corr != nil {
		// Correlation tests are sequences of normalized events: their
		// observations are read while the events are matched.
		for _, cr := range d.corr.RunTests(d.engine, nil) {
			res := TestResult{Rule: cr.Rule, Passed: cr.Passed, Failures: cr.Failures}
			if cr.Passed+len(cr.Failures) == 0 {
				res.Failures = append(res.Failures, fmt.Sprintf("%s: correlation rule %q has no test", cr.Rule.Pos, cr.Rule.ID))
			}
			out = append(out, res)
		}
	}
	for _, r := range d.chains {
		res := TestResult{Rule: r}
		if len(r.ChainTests) == 0 {
			res.Failures = append(res.Failures, fmt.Sprintf("%s: chain rule %q has no test", r.Pos, r.ID))
		}
		for _, tc := range r.ChainTests {
			res.checkChain(d, r, tc)
		}
		out = append(out, res)
	}
	return out, nil
}

// checkChain feeds a chain test's events, in hunt's order, to an engine
// holding only r, and compares the level its chains end with.
func (res *TestResult) checkChain(d *Detector, r *rule.Rule, tc rule.ChainTest) {
	var events []*event.Event
	for _, te := range tc.Events {
		var ev event.Event
		dec := json.NewDecoder(bytes.NewReader([]byte(te.JSON)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("%s: test event is not a normalized event: %v", te.Pos, err))
			return
		}
		events = append(events, &ev)
	}
	eng, _ := chain.New([]*rule.Rule{r}, d.chainOpt)
	for _, ev := range events {
		eng.Seen(ev.Cloud, ev.Actor.ID, ev.Time)
	}
	slices.SortStableFunc(events, func(a, b *event.Event) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(chain.Rank(a.Action), chain.Rank(b.Action)), cmp.Compare(a.ID, b.ID))
	})
	var got finding.Severity
	for _, ev := range events {
		_ = eng.Feed(ev, func(f finding.Finding) error {
			got = max(got, f.Severity)
			return nil
		})
	}
	want, _ := finding.FromSigmaLevel(tc.Level)
	if tc.Level == "" {
		want = 0
	}
	if got != want {
		res.Failures = append(res.Failures, fmt.Sprintf("%s: chain test %q: got %s, want %s", tc.Pos, tc.Name, levelText(got), levelText(want)))
		return
	}
	res.Passed++
}

func levelText(s finding.Severity) string {
	if s == 0 {
		return "no finding"
	}
	return s.String()
}

func (res *TestResult) check(w *Worker, r *rule.Rule, tc rule.TestEvent, want bool) {
	got, err := w.matches(r, tc.JSON)
	switch {
	case err != nil:
		res.Failures = append(res.Failures, fmt.Sprintf("%s: %v", tc.Pos, err))
	case got != want && want:
		res.Failures = append(res.Failures, fmt.Sprintf("%s: rule %q does not match this event", tc.Pos, r.ID))
	case got != want:
		res.Failures = append(res.Failures, fmt.Sprintf("%s: rule %q matches this no-match event", tc.Pos, r.ID))
	default:
		res.Passed++
	}
}

// matches reports whether rule r matches the test event.
func (w *Worker) matches(r *rule.Rule, text string) (bool, error) {
	format, _ := r.Format()
	hit := func(ev *event.Event) bool {
		w.hits = w.m.Match(ev, w.hits[:0])
		return slices.ContainsFunc(w.hits, func(h detect.Hit) bool { return h.Rule == r })
	}
	if format == "" {
		var ev event.Event
		dec := json.NewDecoder(bytes.NewReader([]byte(text)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ev); err != nil {
			return false, fmt.Errorf("test event is not a normalized event: %v", err)
		}
		return hit(&ev), nil
	}
	f, err := formats.Lookup(format)
	if err != nil {
		return false, err
	}
	found, events := false, 0
	emit := func(ev *event.Event) error {
		events++
		found = found || hit(ev)
		return nil
	}
	p := decode.NewPairer()
	dc := decode.NewDecoder(decode.Options{Format: f, Formats: []decode.Format{f}, Pairer: p})
	var bad error
	_, err = dc.Decode(context.Background(), bytes.NewReader([]byte(text)), "test", emit, func(re *decode.RecordError) error {
		bad = re
		return nil
	})
	if err == nil {
		err = p.Flush(emit)
	}
	if err == nil {
		err = bad
	}
	if err == nil && events == 0 {
		err = fmt.Errorf("test event decodes to no %s event", format)
	}
	return found, err
}

// BuiltinTestConfig is the configuration the built-in rules' tests assume.
func BuiltinTestConfig() (*config.Config, error) {
	cfg, err := config.Parse(bytes.NewReader(rules.TestConfig), "rules/testdata/config.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	return cfg, err
}

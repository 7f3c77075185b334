package correlate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/snapwarden/snapwarden/internal/detect"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// Replay runs events through det's rules and a fresh state of the engine,
// as hunt would (observe, order by time, feed, flush), and returns the
// findings of correlation r, last revision of each, in the order they were
// first yielded; r's findings are returned even when it reports only
// through another correlation. det must be the engine Compile was given.
func (e *Engine) Replay(det *detect.Engine, r *rule.Rule, events []*event.Event) ([]finding.Finding, error) {
	f := e.Fresh()
	f.state().all = true
	var (
		hits []detect.Hit
		obs  []Observation
	)
	for _, ev := range events {
		hits = det.Match(ev, hits[:0])
		for _, h := range hits {
			obs = f.Observe(ev, h.Rule, obs)
		}
	}
	slices.SortStableFunc(obs, func(a, b Observation) int { return Compare(&a, &b) })
	var (
		out   []finding.Finding
		index = map[string]int{}
	)
	keep := func(x finding.Finding) error {
		if x.Rule.ID != r.ID {
			return nil
		}
		if i, ok := index[x.ID]; ok {
			out[i] = x
			return nil
		}
		index[x.ID] = len(out)
		out = append(out, x)
		return nil
	}
	for _, o := range obs {
		if err := f.Feed(o, keep); err != nil {
			return nil, err
		}
	}
	if err := f.Flush(keep); err != nil {
		return nil, err
	}
	return out, nil
}

// TestResult is the verdict on one correlation rule's own tests.
type TestResult struct {
	Rule     *rule.Rule
	Passed   int
	Failures []string // one line each, with the test's position
}

// RunTests replays each compiled correlation's tests (sequences of events
// it must, or must not, report) through det. decode turns a test event
// into events; nil reads normalized events (hunt --events form). A
// correlation without tests gets a result with no test passed.
func (e *Engine) RunTests(det *detect.Engine, decode func(rule.TestEvent) ([]*event.Event, error)) []TestResult {
	if decode == nil {
		decode = DecodeNormalized
	}
	var out []TestResult
	for _, x := range e.p.corrs {
		res := TestResult{Rule: x.rule}
		for _, tc := range x.c.Tests {
			if msg := e.runTest(det, x.rule, tc, decode); msg != "" {
				res.Failures = append(res.Failures, fmt.Sprintf("%s: rule %q, test %q: %s", tc.Pos, x.rule.ID, tc.Name, msg))
				continue
			}
			res.Passed++
		}
		out = append(out, res)
	}
	return out
}

func (e *Engine) runTest(det *detect.Engine, r *rule.Rule, tc rule.CorrelationTest, decode func(rule.TestEvent) ([]*event.Event, error)) string {
	var events []*event.Event
	for _, te := range tc.Events {
		evs, err := decode(te)
		if err != nil {
			return fmt.Sprintf("event at %s: %v", te.Pos, err)
		}
		events = append(events, evs...)
	}
	fs, err := e.Replay(det, r, events)
	switch {
	case err != nil:
		return err.Error()
	case tc.Match && len(fs) == 0:
		return "no finding, want one"
	case !tc.Match && len(fs) > 0:
		return fmt.Sprintf("%d finding(s), want none: %s", len(fs), fs[0].SummaryIn("en"))
	}
	return ""
}

// DecodeNormalized reads a test event written as a normalized event (hunt
// --events form); unknown keys are errors.
func DecodeNormalized(te rule.TestEvent) ([]*event.Event, error) {
	var ev event.Event
	dec := json.NewDecoder(bytes.NewReader([]byte(te.JSON)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("not a normalized event: %v", err)
	}
	return []*event.Event{&ev}, nil
}

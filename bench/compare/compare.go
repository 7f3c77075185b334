// Package compare runs the same Sigma rules over the same CloudTrail records
// with snapwarden and with github.com/bradleyjkemp/sigma-go (the peer),
// times both on the same goroutine, and sets their matches per rule side by
// side, each difference with its verified reason (explain.go). It lives in
// the bench module so that snapwarden's own go.mod never requires the peer.
package compare

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Options choose the rules, the records and the number of timed runs.
type Options struct {
	RulesDir string
	Events   *Events
	// Runs is the number of timed runs of each engine; the fastest counts
	// (0: 3).
	Runs int
}

// Result is what a comparison found.
type Result struct {
	Events int // records (lines) every engine read
	Bytes  int
	// Match is snapwarden's decoder and detection engine, Hunt the same
	// decoder with hunt's Worker (findings built too), Peer sigma-go.
	Match, Hunt, Peer Engine
	// Decode and PeerDecode are what each side spends before any rule:
	// snapwarden's decoder alone, the peer's encoding/json alone.
	Decode, PeerDecode Engine
	Rules              []RuleRow   // one per rule snapwarden loaded, by title
	PeerErrors         []RuleError // rules the peer could not parse or evaluate
}

// Engine is one engine's timing.
type Engine struct {
	Name string
	Runs []time.Duration // every timed run, in order
	Bad  int             // records it could not read
}

// Best is the fastest run.
func (e Engine) Best() time.Duration { return slices.Min(e.Runs) }

// Rate is records a second in the fastest run.
func (e Engine) Rate(events int) float64 { return float64(events) / e.Best().Seconds() }

// Ratio is how many times faster than the peer e is, fastest runs compared.
func (r *Result) Ratio(e Engine) float64 { return r.Peer.Best().Seconds() / e.Best().Seconds() }

// RuleRow sets one rule's matches side by side.
type RuleRow struct {
	ID, Title        string
	Snapwarden, Peer int  // matching records
	PeerLoaded       bool // false when the peer could not parse the rule
	// PeerFailed are the lines where the peer's evaluation of the rule
	// failed; PeerError is its first error, or its parse error.
	PeerFailed []int
	PeerError  string
	// OnlySnapwarden and OnlyPeer are the lines (0-based) one engine
	// matched and the other did not.
	OnlySnapwarden, OnlyPeer []int
	// Reason explains a difference (from Explanations); empty when the
	// engines agree or no explanation covers the difference.
	Reason string
}

// Differs reports whether the engines matched different records.
func (r RuleRow) Differs() bool { return len(r.OnlySnapwarden)+len(r.OnlyPeer) > 0 }

// Unexplained reports a difference that no explanation covers.
func (r RuleRow) Unexplained() bool { return r.Differs() && r.Reason == "" }

// Unexplained returns the rules whose difference has no explanation.
func (r *Result) Unexplained() []RuleRow {
	var out []RuleRow
	for _, row := range r.Rules {
		if row.Unexplained() {
			out = append(out, row)
		}
	}
	return out
}

// runner is one engine over the records: it reports each match as (rule,
// line), each failed evaluation of a rule likewise, and returns the records
// it could not read.
type runner struct {
	engine *Engine
	rules  int
	run    func(ctx context.Context, hit func(rule, line int), fail func(rule, line int, err error)) (bad int, err error)
}

// record is what a recording run saw of one engine.
type record struct {
	hits     [][]int  // per rule, the lines it matched
	failed   [][]int  // per rule, the lines where its evaluation failed
	firstErr []string // per rule, the first failure
}

// Run loads the rules into both engines, runs each once to record which
// lines every rule matched, then times opts.Runs rounds of the engines in
// turn on the calling goroutine (run it under GOMAXPROCS=1 for a per-core
// figure).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Runs <= 0 {
		opts.Runs = 3
	}
	if opts.Events == nil || opts.Events.Len() == 0 {
		return nil, errors.New("no records to compare")
	}
	sw, err := newSnapwarden(opts.RulesDir)
	if err != nil {
		return nil, fmt.Errorf("snapwarden: %w", err)
	}
	pe, err := newPeer(opts.RulesDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", peerName, err)
	}
	lines, ndjson := opts.Events.Lines(), opts.Events.NDJSON()
	res := &Result{Events: len(lines), Bytes: len(ndjson),
		Match: Engine{Name: "snapwarden"}, Hunt: Engine{Name: "snapwarden hunt worker"}, Peer: Engine{Name: peerName},
		Decode: Engine{Name: "snapwarden decode, no rules"}, PeerDecode: Engine{Name: peerName + " JSON, no rules"}}
	type (
		hitFunc  = func(rule, line int)
		failFunc = func(rule, line int, err error)
	)
	runners := []runner{
		{&res.Match, len(sw.ids), func(ctx context.Context, hit hitFunc, _ failFunc) (int, error) { return sw.match(ctx, ndjson, hit) }},
		{&res.Hunt, len(sw.ids), func(ctx context.Context, hit hitFunc, _ failFunc) (int, error) { return sw.hunt(ctx, ndjson, hit) }},
		{&res.Peer, len(pe.ids), func(ctx context.Context, hit hitFunc, fail failFunc) (int, error) {
			return pe.run(ctx, lines, hit, fail)
		}},
		{&res.Decode, 0, func(ctx context.Context, _ hitFunc, _ failFunc) (int, error) { return sw.decodeOnly(ctx, ndjson) }},
		{&res.PeerDecode, 0, func(ctx context.Context, _ hitFunc, _ failFunc) (int, error) { return pe.decodeOnly(ctx, lines) }},
	}

	// The recording runs: which lines each rule matched or failed on.
	recs := make([]record, len(runners))
	for i, r := range runners {
		if r.rules == 0 {
			continue // a floor: no rule to record
		}
		rec := record{hits: make([][]int, r.rules), failed: make([][]int, r.rules), firstErr: make([]string, r.rules)}
		hit := func(rule, line int) { rec.hits[rule] = append(rec.hits[rule], line) }
		fail := func(rule, line int, err error) {
			if len(rec.failed[rule]) == 0 {
				rec.firstErr[rule] = err.Error()
			}
			rec.failed[rule] = append(rec.failed[rule], line)
		}
		if r.engine.Bad, err = r.run(ctx, hit, fail); err != nil {
			return nil, fmt.Errorf("%s: %w", r.engine.Name, err)
		}
		recs[i] = rec
	}
	for r := range recs[0].hits {
		if !slices.Equal(recs[0].hits[r], recs[1].hits[r]) {
			return nil, fmt.Errorf("rule %s: the engine matched %d records, hunt's worker made %d findings", sw.ids[r], len(recs[0].hits[r]), len(recs[1].hits[r]))
		}
	}

	// The timed runs count hits and failures only, through the same kind
	// of callbacks for every engine, and must count what the recording run
	// recorded.
	for range opts.Runs {
		for i, r := range runners {
			counts := make([]int, r.rules)
			failures := 0
			d, err := timed(func() error {
				_, err := r.run(ctx, func(rule, _ int) { counts[rule]++ }, func(int, int, error) { failures++ })
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.engine.Name, err)
			}
			r.engine.Runs = append(r.engine.Runs, d)
			recorded := 0
			for rule, hits := range recs[i].hits {
				if len(hits) != counts[rule] {
					return nil, fmt.Errorf("%s: rule %d: %d matches in a timed run, %d in the first", r.engine.Name, rule, counts[rule], len(hits))
				}
				recorded += len(recs[i].failed[rule])
			}
			if failures != recorded {
				return nil, fmt.Errorf("%s: %d failed evaluations in a timed run, %d in the first", r.engine.Name, failures, recorded)
			}
		}
	}

	res.Rules = rows(sw, recs[0], pe, recs[2])
	res.PeerErrors = append(res.PeerErrors, pe.failed...)
	for r, failed := range recs[2].failed {
		if len(failed) > 0 {
			res.PeerErrors = append(res.PeerErrors, RuleError{File: pe.files[r], ID: pe.ids[r],
				Err: fmt.Sprintf("evaluation failed on %d of %d records: %s", len(failed), len(lines), recs[2].firstErr[r])})
		}
	}
	return res, nil
}

// timed runs f after a collection, so that one run's garbage is not
// billed to the next.
func timed(f func() error) (time.Duration, error) {
	runtime.GC()
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// rows pairs the engines' matches by rule id and explains the differences.
func rows(sw *snapwarden, swRec record, pe *peer, peRec record) []RuleRow {
	peerIdx := map[string]int{}
	for i, id := range pe.ids {
		peerIdx[id] = i
	}
	parseErr := map[string]string{}
	for _, f := range pe.failed {
		if f.ID != "" {
			parseErr[f.ID] = f.Err
		}
	}
	var out []RuleRow
	for i, id := range sw.ids {
		row := RuleRow{ID: id, Title: sw.titles[id], Snapwarden: len(swRec.hits[i]), PeerError: parseErr[id]}
		var peerLines []int
		if j, ok := peerIdx[id]; ok {
			row.PeerLoaded = true
			peerLines = peRec.hits[j]
			row.Peer = len(peerLines)
			row.PeerFailed = peRec.failed[j]
			row.PeerError = peRec.firstErr[j]
		}
		row.OnlySnapwarden, row.OnlyPeer = diff(swRec.hits[i], peerLines)
		if row.Differs() {
			row.Reason = explain(row)
		}
		out = append(out, row)
	}
	slices.SortFunc(out, func(a, b RuleRow) int {
		return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// diff returns the lines only in a and only in b; both are ascending.
func diff(a, b []int) (onlyA, onlyB []int) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return onlyA, onlyB
}

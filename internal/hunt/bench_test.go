package hunt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/rule/ruletest"
	"github.com/snapwarden/snapwarden/internal/testenv"
	"github.com/valyala/fastjson"
)

// BenchmarkPipeline measures what hunt does per CloudTrail record on one
// core — split, parse, normalize, match the 57 SigmaHQ AWS rules and the
// built-in pack, build the findings of medium and above — beside a plain
// fastjson parse of the same NDJSON records, in the same run; step=decode
// is hunt without the rules (split, parse, normalize). of-parse is a step's
// events/s over the parse step's. Records: the shipped Stratus and
// TrailDiscover samples. Run with GOMAXPROCS=1 (and GOGC=400, as hunt sets
// it, to compare with scripts/bench-rules.sh).
func BenchmarkPipeline(b *testing.B) {
	lines, ndjson := sampleLines(b)
	rate := func(b *testing.B) float64 {
		r := float64(len(lines)*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(r, "events/s")
		return r
	}
	var parseRate float64 // of the parse step, when it ran
	ofParse := func(b *testing.B, r float64) {
		if parseRate > 0 {
			b.ReportMetric(r/parseRate, "of-parse")
		}
	}
	bad := func(re *decode.RecordError) error { b.Fatal(re); return nil }
	b.Run("step=parse", func(b *testing.B) {
		var p fastjson.Parser
		b.SetBytes(int64(len(ndjson)))
		for b.Loop() {
			for _, l := range lines {
				if _, err := p.ParseBytes(l); err != nil {
					b.Fatal(err)
				}
			}
		}
		parseRate = rate(b)
	})
	b.Run("step=decode", func(b *testing.B) {
		dec := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}, Scratch: true})
		events := 0
		emit := func(*event.Event) error { events++; return nil }
		b.SetBytes(int64(len(ndjson)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dec.Decode(context.Background(), bytes.NewReader(ndjson), "bench", emit, bad); err != nil {
				b.Fatal(err)
			}
		}
		if events != len(lines)*b.N {
			b.Fatalf("%d events, want %d", events, len(lines)*b.N)
		}
		ofParse(b, rate(b))
	})
	rs, errs := hunt.BuiltinRules()
	aws, errs2 := rule.Load(filepath.Join(ruletest.SigmaDir(b), "rules", "cloud", "aws"))
	if len(errs)+len(errs2) > 0 {
		b.Fatal(errs, errs2)
	}
	d, cerrs := hunt.New(append(rs, aws...), hunt.Options{MinSeverity: finding.Medium})
	if len(cerrs) > 0 {
		b.Fatal(cerrs)
	}
	b.Run("step=hunt", func(b *testing.B) {
		w := d.NewWorker()
		dec := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}, Scratch: true})
		findings := 0
		emit := func(ev *event.Event) error {
			return w.Findings(ev, func(finding.Finding) error { findings++; return nil })
		}
		b.SetBytes(int64(len(ndjson)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dec.Decode(context.Background(), bytes.NewReader(ndjson), "bench", emit, bad); err != nil {
				b.Fatal(err)
			}
		}
		c := w.Counts()
		ofParse(b, rate(b))
		b.ReportMetric(float64(c.Candidates)/float64(c.Events), "candidates/event")
		b.ReportMetric(float64(c.Hits)/float64(c.Events), "matches/event")
	})
}

// sampleLines returns the shared CloudTrail samples as compact NDJSON lines.
func sampleLines(tb testing.TB) ([][]byte, []byte) {
	dir := testenv.Shared(tb, "samples")
	var lines [][]byte
	for _, g := range []string{"aws/cloudtrail/stratus/detonation-logs/*.json", "aws/cloudtrail/traildiscover/logExamples/*.json.cloudtrail"} {
		paths, _ := filepath.Glob(filepath.Join(dir, g))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			var many []json.RawMessage
			if json.Unmarshal(data, &many) != nil {
				many = []json.RawMessage{data}
			}
			for _, m := range many {
				var c bytes.Buffer
				if json.Compact(&c, m) == nil && c.Len() > 2 {
					lines = append(lines, c.Bytes())
				}
			}
		}
	}
	var all bytes.Buffer
	for _, l := range lines {
		all.Write(l)
		all.WriteByte('\n')
	}
	return lines, all.Bytes()
}

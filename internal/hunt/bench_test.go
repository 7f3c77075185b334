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
// fastjson parse of the same NDJSON records, in the same run. Records: the
// shipped Stratus and TrailDiscover samples. Run with GOMAXPROCS=1.
func BenchmarkPipeline(b *testing.B) {
	lines, ndjson := sampleLines(b)
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
		b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "events/s")
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
		dec := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}})
		findings := 0
		emit := func(ev *event.Event) error {
			return w.Findings(ev, func(finding.Finding) error { findings++; return nil })
		}
		bad := func(re *decode.RecordError) error { b.Fatal(re); return nil }
		b.SetBytes(int64(len(ndjson)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dec.Decode(context.Background(), bytes.NewReader(ndjson), "bench", emit, bad); err != nil {
				b.Fatal(err)
			}
		}
		c := w.Counts()
		b.ReportMetric(float64(len(lines)*b.N)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(c.Candidates)/float64(c.Events), "candidates/event")
		b.ReportMetric(float64(c.Hits)/float64(c.Events), "matches/event")
	})
}

// sampleLines returns the shared CloudTrail samples as compact NDJSON lines.
func sampleLines(b *testing.B) ([][]byte, []byte) {
	dir := testenv.Shared(b, "samples")
	var lines [][]byte
	for _, g := range []string{"aws/cloudtrail/stratus/detonation-logs/*.json", "aws/cloudtrail/traildiscover/logExamples/*.json.cloudtrail"} {
		paths, _ := filepath.Glob(filepath.Join(dir, g))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
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

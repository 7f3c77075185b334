package correlate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/correlate"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

// BenchmarkObserve measures one hit of the built-in burst rule's base rule
// turned into an observation (two group-by fields read from the event).
func BenchmarkObserve(b *testing.B) {
	_, eng, rs := builtin(b)
	base := byID(b, rs, "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a20")
	e := ev("e1", 0, event.SnapshotCopy, "arn:aws:iam::111122223333:user/mallory", "111122223333", "snap-1")
	var obs []correlate.Observation
	b.ReportAllocs()
	for b.Loop() {
		obs = eng.Observe(e, base, obs[:0])
	}
	if len(obs) != 1 {
		b.Fatal(len(obs))
	}
}

// BenchmarkFeed measures observations fed in time order: 1,000 principals
// copying one snapshot a second each, round robin, through the built-in
// burst rule (20 in 10 minutes): every group crosses the threshold and its
// finding grows.
func BenchmarkFeed(b *testing.B) {
	_, eng, rs := builtin(b)
	base := byID(b, rs, "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a20")
	const actors, perActor = 1000, 50
	var obs []correlate.Observation
	for i := range actors * perActor {
		e := ev(fmt.Sprintf("e%06d", i), time.Duration(i)*time.Millisecond, event.SnapshotCopy, fmt.Sprintf("actor-%d", i%actors), "111122223333", "snap-1")
		obs = eng.Observe(e, base, obs)
	}
	findings := 0
	count := func(finding.Finding) error { findings++; return nil }
	b.ReportAllocs()
	for b.Loop() {
		f := eng.Fresh()
		for _, o := range obs {
			if err := f.Feed(o, count); err != nil {
				b.Fatal(err)
			}
		}
		if err := f.Flush(count); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(obs)), "ns/observation")
}

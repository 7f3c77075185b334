package vkcloud_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkWriter writes background calls (kind=read) and snapshot
// records (kind=snapshot) into real pages in a temporary folder, on one
// goroutine; MB/s is of the JSON written (uncompressed), pages included.
func BenchmarkWriter(b *testing.B) {
	w := newWorld()
	reads := w.c.Reads()
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	mk := map[string]func(i int) *scenario.Op{
		"read": func(i int) *scenario.Op {
			return &scenario.Op{ID: w.c.EventID(w.r), Time: day.Add(time.Duration(i) * time.Second), Kind: scenario.Read,
				Name: reads[i%len(reads)], Account: w.main, Actor: w.alice}
		},
		"snapshot": func(i int) *scenario.Op {
			return &scenario.Op{ID: w.c.EventID(w.r), Time: day.Add(time.Duration(i) * time.Second), Kind: scenario.SnapshotCreate,
				Source: w.id(scenario.VolumeID, "prod-web-01-data"), Created: w.id(scenario.SnapshotID, "nightly"), Account: w.main, Actor: w.bob}
		},
	}
	for _, kind := range []string{"read", "snapshot"} {
		b.Run("kind="+kind, func(b *testing.B) {
			ops := make([]*scenario.Op, 8192) // one day: the writer never changes day
			for i := range ops {
				ops[i] = mk[kind](i)
			}
			wr, err := w.c.NewWriter(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := wr.Write(ops[n%len(ops)]); err != nil {
					b.Fatal(err)
				}
				n++
			}
			bytes, err := wr.Close()
			if err != nil {
				b.Fatal(err)
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(bytes)/sec/1e6, "MB/s")
			b.ReportMetric(float64(n)/sec, "ops/s")
			b.ReportMetric(float64(bytes)/float64(n), "B/op-json")
		})
	}
}

package gcp_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/gcp"
)

// BenchmarkWriter renders ops into real files; MB/s is uncompressed JSON.
func BenchmarkWriter(b *testing.B) {
	f := newFixture(b)
	readers := []*scenario.Principal{f.human, f.other, f.backup}
	reads := f.c.Reads()
	mix := func(i int) *scenario.Op {
		return &scenario.Op{ID: f.c.EventID(f.r), Kind: scenario.Read, Name: reads[i%len(reads)],
			Account: f.main, Region: f.zone, Actor: readers[i%len(readers)]}
	}
	restore := func(i int) *scenario.Op {
		return &scenario.Op{ID: f.c.EventID(f.r), Kind: scenario.VolumeRestore, Account: f.main, Region: f.zone,
			Actor: f.newcomer, Source: f.snap, Created: f.disk}
	}
	for _, bc := range []struct {
		name string
		make func(i int) *scenario.Op
	}{{"kind=read", mix}, {"kind=restore", restore}} {
		b.Run(bc.name, func(b *testing.B) {
			ops := make([]*scenario.Op, 4096)
			for i := range ops {
				ops[i] = bc.make(i)
			}
			w, err := gcp.Cloud{}.NewWriter(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			i := 0
			for b.Loop() {
				op := ops[i%len(ops)]
				op.Time = at.Add(time.Duration(i) * 5 * time.Millisecond)
				if err := w.Write(op); err != nil {
					b.Fatal(err)
				}
				i++
			}
			n, err := w.Close()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MB/s")
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "ops/s")
			b.ReportMetric(float64(n)/float64(i), "B/op-written")
		})
	}
}

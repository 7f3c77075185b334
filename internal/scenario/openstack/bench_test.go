package openstack_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkWriter_Read renders read ops (the bulk of a generated set) to
// real files on one goroutine and reports MB/s of uncompressed JSON.
func BenchmarkWriter_Read(b *testing.B) {
	f := newFixture()
	reads := f.cloud.Reads()
	actors := []*scenario.Principal{f.alice, f.bob, f.backup}
	ops := make([]scenario.Op, 4096)
	for i := range ops {
		ops[i] = scenario.Op{ID: f.cloud.EventID(f.r), Kind: scenario.Read, Name: reads[i%len(reads)],
			Account: f.main, Region: "RegionOne", Actor: actors[i%len(actors)]}
	}
	w, err := f.cloud.NewWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		op := &ops[i%len(ops)]
		op.Time = start.Add(time.Duration(i) * 20 * time.Millisecond)
		if err := w.Write(op); err != nil {
			b.Fatal(err)
		}
		i++
	}
	n, err := w.Close()
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if err != nil {
		b.Fatal(err)
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)/1e6/s, "MB/s")
	b.ReportMetric(float64(i)/s, "ops/s")
	b.ReportMetric(float64(n)/float64(i), "B/op-json")
	if cpu > 0 {
		// The process's CPU time (the writer, the file writes' system
		// time, the runtime): what one core does when it has the core.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
		b.ReportMetric(float64(n)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

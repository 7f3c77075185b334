package openstack_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/openstack"
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

// BenchmarkGenerate runs the whole generator for OpenStack alone (the
// background, the scenarios, the files): MB/s of uncompressed JSON.
func BenchmarkGenerate(b *testing.B) {
	var bytes, events int64
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := scenario.Generate(scenario.Options{Out: b.TempDir(), Seed: 1, Days: 1, Events: 100_000,
			Clouds: []scenario.Cloud{&openstack.Cloud{}}})
		if err != nil {
			b.Fatal(err)
		}
		bytes, events = bytes+st.Bytes, events+int64(st.Events)
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(bytes)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(bytes)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

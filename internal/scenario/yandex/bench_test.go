package yandex_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkWriter_read writes background reads into real trail files on one
// goroutine; MB/s is of uncompressed JSON.
func BenchmarkWriter_read(b *testing.B) {
	f := newFixture()
	actors := []*scenario.Principal{f.alice, f.bob, f.robot}
	reads := f.c.Reads()
	ops := make([]scenario.Op, 4096)
	for i := range ops {
		ops[i] = scenario.Op{ID: f.c.EventID(f.r), Kind: scenario.Read, Name: reads[i%len(reads)],
			Account: f.accts[0], Region: f.region, Actor: actors[i%len(actors)]}
	}
	start := f.t
	write := func(w interface{ Write(*scenario.Op) error }, i int) {
		op := &ops[i%len(ops)]
		op.Time = start.Add(time.Duration(i) * 10 * time.Millisecond)
		if err := w.Write(op); err != nil {
			b.Fatal(err)
		}
	}
	// Calibrate the bytes a read takes.
	cw, err := f.c.NewWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	const n = 20_000
	for i := range n {
		write(cw, i)
	}
	total, err := cw.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total / n)

	w, err := f.c.NewWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		write(w, i)
		i++
	}
	b.StopTimer()
	if _, err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

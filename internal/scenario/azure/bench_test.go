package azure_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/azure"
)

// BenchmarkWriter_Read renders background reads (two records each) into
// hourly blobs in a temporary directory; MB/s is uncompressed JSON.
func BenchmarkWriter_Read(b *testing.B) {
	f := newFixture()
	actors := []*scenario.Principal{f.anna, f.boris, f.bot}
	reads := f.c.Reads()
	ops := make([]*scenario.Op, 4096)
	for i := range ops {
		op := f.op(scenario.Read, actors[i%len(actors)])
		op.Name = reads[i%len(reads)]
		ops[i] = op
	}
	w, err := azure.Cloud{}.NewWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	start := ops[0].Time
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		op := ops[i%len(ops)]
		op.Time = start.Add(time.Duration(i) * 20 * time.Millisecond) // 180,000 ops an hour
		if err := w.Write(op); err != nil {
			b.Fatal(err)
		}
		i++
	}
	n, err := w.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n / int64(max(i, 1)))
}

package aws_test

import (
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/aws"
)

// benchOps makes n ops of background traffic: reads by people and tools,
// and, one op in every everyWrite when it is not 0, a snapshot, a volume
// or an instance.
func benchOps(tb testing.TB, n, everyWrite int) []*scenario.Op {
	f := newFixture(tb, true)
	reads := f.c.Reads()
	actors := []*scenario.Principal{f.cli, f.console, f.bot}
	vols := []string{f.id(scenario.VolumeID, "prod-web-01-data"), f.id(scenario.VolumeID, "prod-web-02-data")}
	ops := make([]*scenario.Op, n)
	for i := range ops {
		op := f.op(scenario.Read, actors[i%len(actors)])
		op.Name = reads[f.r.IntN(len(reads))]
		if everyWrite > 0 && i%everyWrite == 0 {
			switch i / everyWrite % 3 {
			case 0:
				op.Kind, op.Source, op.Created = scenario.SnapshotCreate, vols[i%2], f.id(scenario.SnapshotID, "bench")
			case 1:
				op.Kind, op.Created = scenario.VolumeCreate, f.id(scenario.VolumeID, "bench")
			default:
				op.Kind, op.Created, op.Net = scenario.InstanceCreate, f.id(scenario.InstanceID, "bench"), f.id(scenario.NetID, "bench")
			}
		}
		ops[i] = op
	}
	return ops
}

// BenchmarkWriter writes ops to real files on one core; MB/s counts the
// uncompressed JSON written. plain=true is the throughput target (at least
// 100 MB/s); plain=false adds gzip at its fastest level.
func BenchmarkWriter(b *testing.B) {
	for _, bc := range []struct {
		name       string
		everyWrite int
		plain      bool
	}{
		{"mix=reads/plain=true", 0, true},
		{"mix=background/plain=true", 20, true},
		{"mix=background/plain=false", 20, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ops := benchOps(b, 4096, bc.everyWrite)
			c := &aws.Cloud{Plain: bc.plain}
			// A first pass measures the JSON an op makes on average.
			_, n := write(b, c, ops...)
			b.SetBytes(n / int64(len(ops)))
			w, err := c.NewWriter(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			// Time moves on 40 ms an op: a file fills before its five
			// minutes end, as in a busy account.
			at := ops[0].Time
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				op := ops[i%len(ops)]
				at = at.Add(40 * time.Millisecond)
				op.Time = at
				if err := w.Write(op); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if _, err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkGenerate runs the whole generator (core and this writer) for
// AWS alone, plain: MB/s of uncompressed JSON, as scripts/bench.sh uses it.
func BenchmarkGenerate(b *testing.B) {
	const events = 200_000
	var bytes int64
	for b.Loop() {
		st, err := scenario.Generate(scenario.Options{Out: b.TempDir(), Seed: 1, Days: 1, Events: events, Clouds: []scenario.Cloud{&aws.Cloud{Plain: true}}})
		if err != nil {
			b.Fatal(err)
		}
		bytes = st.Bytes
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

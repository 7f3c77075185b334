package openstack

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkRender_Read measures rendering alone: a read op's request and
// response records appended to the stream's buffer, which is then dropped
// instead of written.
func BenchmarkRender_Read(b *testing.B) {
	c := &Cloud{}
	r := rand.New(rand.NewPCG(1, 2))
	acct := c.Accounts(r, 1)[0]
	actor := c.NewPrincipal(r, scenario.Human, acct, "alice.ops")
	w := newWriter(c, b.TempDir())
	ops := make([]scenario.Op, 1024)
	for i := range ops {
		ops[i] = scenario.Op{ID: c.EventID(r), Kind: scenario.Read, Name: reads[i%len(reads)].name, Account: acct, Actor: actor,
			Time: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 20 * time.Millisecond)}
	}
	var n int64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		op := &ops[i%len(ops)]
		if err := w.Write(op); err != nil {
			b.Fatal(err)
		}
		n += int64(len(w.audit.buf))
		w.audit.buf = w.audit.buf[:0]
	}
	b.ReportMetric(float64(n)/1e6/b.Elapsed().Seconds(), "MB/s")
}

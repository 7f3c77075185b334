package gcp

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkRenderRead renders reads into a reused buffer: the cost of a
// record without the file system.
func BenchmarkRenderRead(b *testing.B) {
	c := Cloud{}
	r := rand.New(rand.NewPCG(1, 1))
	acct := c.Accounts(r, 3)[0]
	actors := []*scenario.Principal{
		c.NewPrincipal(r, scenario.Human, acct, "anna.ops"),
		c.NewPrincipal(r, scenario.Automation, acct, "terraform-ci"),
		c.NewPrincipal(r, scenario.Human, acct, "svc-sync-1"),
	}
	var ops []*scenario.Op
	for i, name := range c.Reads() {
		ops = append(ops, &scenario.Op{ID: c.EventID(r), Time: time.Date(2026, 11, 1, 3, 4, 5, 123456789, time.UTC),
			Kind: scenario.Read, Name: name, Account: acct, Region: acct.Regions[0], Actor: actors[i%len(actors)]})
	}
	who := callers{}
	var buf []byte
	n, total := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		op := ops[n%len(ops)]
		buf = renderRead(buf[:0], op, who.of(op.Actor))
		n++
		total += len(buf)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds()/1e6, "MB/s")
}

package azure

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkRender_Read measures rendering alone (no files): the cost the
// generator adds per background read.
func BenchmarkRender_Read(b *testing.B) {
	var c Cloud
	r := rand.New(rand.NewPCG(1, 2))
	acct := c.Accounts(r, 3)[0]
	actors := []*scenario.Principal{
		c.NewPrincipal(r, scenario.Human, acct, "anna.ops"),
		c.NewPrincipal(r, scenario.Automation, acct, "terraform-ci"),
	}
	w, err := newWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	reads := c.Reads()
	ops := make([]*scenario.Op, 1024)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range ops {
		ops[i] = &scenario.Op{ID: c.EventID(r), Time: t0.Add(time.Duration(i) * time.Second), Kind: scenario.Read,
			Name: reads[i%len(reads)], Account: acct, Region: acct.Regions[0], Actor: actors[i%len(actors)]}
	}
	var buf []byte
	var n int64
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf, err = w.render(buf[:0], ops[i%len(ops)])
		if err != nil {
			b.Fatal(err)
		}
		n += int64(len(buf))
		i++
	}
	b.SetBytes(n / int64(max(i, 1)))
}

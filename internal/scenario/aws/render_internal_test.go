package aws

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkRender renders records into the writer's buffer, without the
// file: the cost of the JSON alone, per read and per kind of writer
// identity.
func BenchmarkRender(b *testing.B) {
	c := &Cloud{Plain: true}
	r := rand.New(rand.NewPCG(1, 2))
	acct := c.Accounts(r, 1)[0]
	w, err := newWriter(c, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, who := range []struct {
		name string
		kind scenario.PrincipalKind
	}{{"user", scenario.Human}, {"role", scenario.Automation}} {
		p := c.NewPrincipal(r, who.kind, acct, "bench")
		for _, read := range []string{"DescribeInstances", "GetBucketAcl"} {
			b.Run("op="+read+"/actor="+who.name, func(b *testing.B) {
				op := &scenario.Op{ID: c.EventID(r), Kind: scenario.Read, Name: read, Account: acct, Region: acct.Regions[0], Actor: p,
					Time: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
				rec := &w.rec
				rec.op, rec.id = op, identOf(p)
				b.ReportAllocs()
				for b.Loop() {
					rec.b = rec.b[:0]
					if err := rec.render(); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(rec.b)))
			})
		}
	}
}

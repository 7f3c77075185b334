package yandex

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// BenchmarkRenderRead renders reads into memory, without the files: the
// writer's own cost, apart from the kernel's.
func BenchmarkRenderRead(b *testing.B) {
	c := &Cloud{}
	r := rand.New(rand.NewPCG(1, 2))
	acct := c.Accounts(r, 3)[0]
	actors := []*scenario.Principal{c.NewPrincipal(r, scenario.Human, acct, "alice"),
		c.NewPrincipal(r, scenario.Automation, acct, "terraform-ci")}
	ops := make([]scenario.Op, 4096)
	for i := range ops {
		ops[i] = scenario.Op{ID: c.EventID(r), Kind: scenario.Read, Name: readSpecs[i%len(readSpecs)].name,
			Account: acct, Region: "ru-central1-a", Actor: actors[i%len(actors)],
			Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)}
	}
	wr, err := c.NewWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	w := wr.(*writer)
	buf := make([]byte, 0, 4096)
	n := 0
	for i := range ops {
		op := &ops[i]
		n += len(w.call(op).readEvent(buf[:0], readsByName[op.Name], op.Time))
	}
	b.SetBytes(int64(n / len(ops)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		op := &ops[i%len(ops)]
		buf = w.call(op).readEvent(buf[:0], readsByName[op.Name], op.Time)
		i++
	}
}

package chain

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// resourceBytes measures the heap the lineage graph spends per tracked
// resource beyond its id string, with realistic ids: Azure resource ids
// (long), each disk restored from a snapshot of another, created by one of
// a few hundred actors. It returns bytes per resource and the id bytes.
func resourceBytes(n int) (perResource, idBytes float64) {
	ids := make([]string, n)
	total := 0
	for i := range ids {
		ids[i] = fmt.Sprintf("/subscriptions/3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f/resourcegroups/rg-northwind-prod-%03d/providers/microsoft.compute/disks/prod-db-%06d-data", i%500, i)
		total += len(ids[i])
	}
	actors := make([]string, 300)
	for i := range actors {
		actors[i] = fmt.Sprintf("6a7b8c9d-0e1f-4a2b-9c3d-%012d", i)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g := newGraph(n+1, &changes{}) // tracking changes, as serve does
	t := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC).UnixNano()
	var prev *node
	for i, id := range ids {
		r := event.Resource{Role: event.RoleCreated, Type: event.Volume, ID: id}
		x := g.node(event.Azure, "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f", &r, t)
		x.created, x.creator, x.event = t, g.intern(actors[i%len(actors)]), ""
		if prev != nil {
			x.parent = prev.id
		}
		prev = x
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(g)
	runtime.KeepAlive(ids) // else the originals die and hide the copies' cost
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	// The ids were allocated before measuring; the graph interns a copy of
	// each, which is the id string the budget excludes.
	return (heap - float64(total)) / float64(n), float64(total) / float64(n)
}

// TestResourceMemory: a tracked resource costs at most 256 bytes beyond its
// interned id string (issue: lineage state must stay small for months of
// logs).
func TestResourceMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~100 MB")
	}
	per, id := resourceBytes(200_000)
	t.Logf("%.0f bytes per resource beyond its %.0f-byte id", per, id)
	if per > 256 {
		t.Errorf("%.0f bytes per tracked resource beyond the id, want ≤ 256", per)
	}
}

// BenchmarkResourceMemory reports the same figure as a metric:
//
//	go test -run '^$' -bench ResourceMemory ./internal/chain/
func BenchmarkResourceMemory(b *testing.B) {
	for b.Loop() {
		per, _ := resourceBytes(100_000)
		b.ReportMetric(per, "bytes/resource")
	}
}

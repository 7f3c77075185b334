package store_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// BenchmarkSaveState replaces a state of n resources, n/10 principals and
// n/100 chains (bulkState) with itself: the cost of a full checkpoint.
func BenchmarkSaveState(b *testing.B) {
	for _, be := range storetest.All() {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("backend=%s/resources=%d", be.Name, n), func(b *testing.B) {
				s, dsn := openTemp(b, be)
				snap := bulkState("a", n)
				b.ReportAllocs()
				for b.Loop() {
					if err := s.SaveState(b.Context(), snap); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/resource")
				if st, err := os.Stat(dsn); err == nil { // SQLite's file
					b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
				}
			})
		}
	}
}

func BenchmarkLoadState(b *testing.B) {
	for _, be := range storetest.All() {
		for _, n := range []int{100_000} {
			b.Run(fmt.Sprintf("backend=%s/resources=%d", be.Name, n), func(b *testing.B) {
				s, _ := openTemp(b, be)
				if err := s.SaveState(b.Context(), bulkState("a", n)); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					snap, err := s.LoadState(b.Context())
					if err != nil || len(snap.Resources) != n {
						b.Fatalf("%d resources, %v", len(snap.Resources), err)
					}
				}
			})
		}
	}
}

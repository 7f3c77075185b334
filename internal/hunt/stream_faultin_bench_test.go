package hunt_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// faultInBench is B's side of BenchmarkStream_FaultIn: 10,000 events, 1%
// restoring a snapshot A shared (in the store, not in B's engine), the
// rest snapshots of B's own volumes (known: restored from B's checkpoint).
func faultInBench() (known *store.Snapshot, evs []*event.Event) {
	known = &store.Snapshot{}
	for i := range 500 {
		known.Resources = append(known.Resources, store.Resource{Cloud: "aws", ID: fmt.Sprint("vol-b-", i), Type: "volume", Account: exB, Seen: seen})
	}
	at := seen.Add(time.Hour)
	for i := range 10_000 {
		var ev *event.Event
		if i%100 == 0 {
			ev = synth(fmt.Sprint("r", i), 0, "CreateVolume", event.VolumeRestore,
				res(event.RoleSource, event.Snapshot, fmt.Sprint("snap-a-", i/100)), res(event.RoleCreated, event.Volume, fmt.Sprint("vol-r-", i)))
		} else {
			ev = synth(fmt.Sprint("s", i), 0, "CreateSnapshot", event.SnapshotCreate,
				res(event.RoleSource, event.Volume, fmt.Sprint("vol-b-", i%500)), res(event.RoleCreated, event.Snapshot, fmt.Sprint("snap-b-", i)))
		}
		ev.Time = at.Add(time.Duration(i) * 10 * time.Millisecond)
		evs = append(evs, ev)
	}
	return known, evs
}

// sharedByA stores A's 100 snapshots, each shared with B, as A's
// partition checkpoints them.
func sharedByA(b *testing.B, d *hunt.Detector, st *store.Store) {
	var evs []*event.Event
	for i := range 100 {
		c := synth(fmt.Sprint("a", i), 0, "CreateSnapshot", event.SnapshotCreate,
			res(event.RoleSource, event.Volume, fmt.Sprint("vol-a-", i)), res(event.RoleCreated, event.Snapshot, fmt.Sprint("snap-a-", i)))
		sh := synth(fmt.Sprint("h", i), 0, "ModifySnapshotAttribute", event.SnapshotShare, res(event.RoleTarget, event.Snapshot, fmt.Sprint("snap-a-", i)))
		sh.Shares = []event.Share{{Target: exB, Kind: "account"}}
		for j, ev := range []*event.Event{c, sh} {
			ev.Account, ev.Actor.ID = exA, "alice"
			ev.Time = seen.Add(time.Duration(2*i+j) * time.Second)
			evs = append(evs, ev)
		}
	}
	a := newPartition(d)
	a.run(b, evs, 50)
	delta, err := a.s.Checkpoint()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.ApplyState(b.Context(), delta, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStream_FaultIn: Release of 10,000 held events of which 1% refer
// to a resource another partition stored, in 1 or 10 Releases; lookup=none
// is the cost without faulting in (those chains missed).
func BenchmarkStream_FaultIn(b *testing.B) {
	d := chainDetector(&testing.T{}, nil)
	known, evs := faultInBench()
	backends := []string{"none", "sqlite"}
	if os.Getenv(storetest.PostgresDSN) != "" {
		backends = append(backends, "postgres")
	}
	for _, backend := range backends {
		var st *store.Store
		if backend != "none" {
			bk := storetest.SQLite
			if backend == "postgres" {
				bk = storetest.Postgres
			}
			var err error
			if st, err = store.Open(b.Context(), bk.Fresh(b)); err != nil {
				b.Fatal(err)
			}
			sharedByA(b, d, st)
		}
		for _, releases := range []int{1, 10} {
			b.Run(fmt.Sprintf("lookup=%s/releases=%d", backend, releases), func(b *testing.B) {
				lookups, asked, chains := 0, 0, 0 // chains: findings yielded
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					s, w := d.NewStream(0), d.NewWorker()
					s.Attach(w)
					if err := s.Restore(known); err != nil {
						b.Fatal(err)
					}
					if st != nil {
						s.SetLookup(func(ids []string) (*store.Snapshot, error) { return st.LoadStateOf(b.Context(), ids) })
					}
					found := map[string]bool{}
					keep := func(f finding.Finding, _ int64) error { found[f.ID] = true; return nil }
					now := seen
					per := len(evs) / releases
					for r := range releases {
						s.Begin(int64(r+1), now)
						for _, ev := range evs[r*per : (r+1)*per] {
							w.Findings(ev, func(finding.Finding) error { return nil })
						}
						b.StartTimer()
						if err := s.Release(now, r == releases-1, keep); err != nil {
							b.Fatal(err)
						}
						b.StopTimer()
					}
					ss, _ := s.Stats()
					lookups, asked, chains = lookups+ss.Lookups, asked+ss.Asked, chains+len(found)
					b.StartTimer()
				}
				b.ReportMetric(float64(lookups)/float64(b.N), "lookups/op")
				b.ReportMetric(float64(asked)/float64(b.N), "ids/op")
				b.ReportMetric(float64(chains)/float64(b.N), "findings/op")
			})
		}
		if st != nil {
			st.Close()
		}
	}
}

package store_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// assertSnapshot checks that got is want as LoadState should return it:
// times in UTC, keys sorted, empty lists nil.
func assertSnapshot(tb testing.TB, got, want *store.Snapshot) {
	tb.Helper()
	w := normalize(want)
	if !got.HistoryStart.Equal(w.HistoryStart) || !got.HistoryEnd.Equal(w.HistoryEnd) {
		tb.Errorf("history %v – %v, want %v – %v", got.HistoryStart, got.HistoryEnd, w.HistoryStart, w.HistoryEnd)
	}
	diff(tb, "principal", got.Principals, w.Principals)
	diff(tb, "resource", got.Resources, w.Resources)
	diff(tb, "chain", got.Chains, w.Chains)
	if !reflect.DeepEqual(got, w) {
		tb.Errorf("snapshots differ beyond the fields listed (locations, nil lists?)\n got %+v\nwant %+v", got, w)
	}
}

func diff[T any](tb testing.TB, what string, got, want []T) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Errorf("%d %ss, want %d", len(got), what, len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			tb.Errorf("%s %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// normalize returns snap as a load gives it back.
func normalize(snap *store.Snapshot) *store.Snapshot {
	n := &store.Snapshot{HistoryStart: snap.HistoryStart.UTC(), HistoryEnd: snap.HistoryEnd.UTC()}
	for _, p := range snap.Principals {
		p.FirstSeen, p.Created = p.FirstSeen.UTC(), p.Created.UTC()
		n.Principals = append(n.Principals, p)
	}
	for _, r := range snap.Resources {
		r.Created, r.Seen = r.Created.UTC(), r.Seen.UTC()
		if len(r.Links) == 0 {
			r.Links = nil
		}
		n.Resources = append(n.Resources, r)
	}
	for _, c := range snap.Chains {
		c.Updated = c.Updated.UTC()
		if len(c.State) == 0 {
			c.State = nil
		}
		n.Chains = append(n.Chains, c)
	}
	slices.SortFunc(n.Principals, func(a, b store.Principal) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(n.Resources, func(a, b store.Resource) int {
		return cmp.Or(strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.ID, b.ID))
	})
	slices.SortFunc(n.Chains, func(a, b store.Chain) int { return strings.Compare(a.ID, b.ID) })
	return n
}

// richSnapshot exercises every field: nanoseconds, other zones, zero times,
// ids with bytes a hostile log can carry, links that need escaping.
func richSnapshot() *store.Snapshot {
	msk := time.FixedZone("MSK", 3*3600)
	at := time.Date(2026, 2, 3, 4, 5, 6, 789012345, msk)
	return &store.Snapshot{
		HistoryStart: at.Add(-30 * 24 * time.Hour),
		HistoryEnd:   at.Add(time.Nanosecond),
		Principals: []store.Principal{
			{Cloud: "yandex", ID: "ajeabc", FirstSeen: at, Created: at.Add(-time.Hour), CreatedBy: "ev-create"},
			{Cloud: "aws", ID: "arn:aws:iam::111122223333:role/ops", FirstSeen: time.Date(2025, 12, 31, 23, 59, 59, 1, time.UTC)},
			{Cloud: "gcp", ID: "bad\xff\x00utf8@example.ru", FirstSeen: at},
		},
		Resources: []store.Resource{
			{Cloud: "aws", ID: "snap-1", Type: "snapshot", Account: "111122223333", Created: at, Creator: "arn:aws:iam::1:user/a", CreatedBy: "ev1",
				Parent: "vol-1", Critical: true, Links: []string{"i-1", "sg-1"}, Seen: at.Add(time.Minute), Open: []byte(`{"at":1}`)},
			{Cloud: "aws", ID: "vol-1", Type: "volume", Account: "111122223333", Critical: true, Seen: at},
			{Cloud: "azure", ID: "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/disks/d", Type: "volume", Account: "s",
				Links: []string{"", `back\slash`, "new\nline", `\n literal`, "tail\\", "\xfe"}},
			{Cloud: "aws", ID: "vol-2", Type: "volume", Links: []string{}},
		},
		Chains: []store.Chain{
			{ID: "c2", Rule: "snapshot-restore-chain", Cloud: "aws", Account: "111122223333", Updated: at, Open: true, State: []byte(`{"step":2}`)},
			{ID: "c1", Rule: "snapshot-restore-chain", Cloud: "aws", Account: "111122223333", Updated: at.Add(-time.Hour), State: []byte{}},
			{ID: "c3", Rule: "r", State: []byte{0, 1, 2, 0xff}},
		},
	}
}

func TestStore_SaveStateRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)

		empty, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, empty, &store.Snapshot{})

		want := richSnapshot()
		if err := s.SaveState(t.Context(), want); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, got, want)
		for _, p := range got.Principals {
			if p.FirstSeen.Location() != time.UTC {
				t.Errorf("%s: FirstSeen in %v, want UTC", p.ID, p.FirstSeen.Location())
			}
		}
		if got.Principals[0].FirstSeen.Nanosecond() != 1 {
			t.Errorf("nanoseconds lost: %v", got.Principals[0].FirstSeen)
		}
	})
}

func TestStore_SaveStateReplaces(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		first := richSnapshot()
		if err := s.SaveState(t.Context(), first); err != nil {
			t.Fatal(err)
		}

		// The second state drops some rows, changes others and adds one.
		second := &store.Snapshot{
			HistoryStart: first.HistoryStart, // HistoryEnd unset: it must not survive from the first save
			Principals:   first.Principals[:1],
			Resources: []store.Resource{
				{Cloud: "aws", ID: "snap-1", Type: "snapshot", Account: "111122223333", Parent: "vol-9"}, // critical, links and times dropped
				{Cloud: "openstack", ID: "5f0c3d0e-0000-4000-8000-000000000001", Type: "volume", Account: "p"},
			},
		}
		if err := s.SaveState(t.Context(), second); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, got, second)

		if err := s.SaveState(t.Context(), &store.Snapshot{}); err != nil {
			t.Fatal(err)
		}
		got, err = s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, got, &store.Snapshot{})
	})
}

// A save that fails part way, for whatever reason, leaves the previous
// state whole.
func TestStore_SaveStateFailureKeepsPrevious(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		bulk := func(n int) []store.Resource {
			rs := make([]store.Resource, n)
			for i := range rs {
				rs[i] = store.Resource{Cloud: "aws", ID: fmt.Sprintf("vol-%06d", i), Type: "volume"}
			}
			return rs
		}
		tests := []struct {
			name    string
			snap    func() *store.Snapshot
			ctx     func(context.Context) context.Context
			wantErr string
		}{
			{
				name: "duplicate resource after many rows",
				snap: func() *store.Snapshot {
					rs := append(bulk(1000), store.Resource{Cloud: "aws", ID: "vol-000007", Type: "volume"})
					return &store.Snapshot{Resources: rs}
				},
				wantErr: "resource aws/vol-000007 given twice",
			},
			{
				name: "duplicate principal",
				snap: func() *store.Snapshot {
					return &store.Snapshot{Principals: []store.Principal{{Cloud: "gcp", ID: "a@x"}, {Cloud: "gcp", ID: "a@x"}}}
				},
				wantErr: "principal gcp/a@x given twice",
			},
			{
				name: "duplicate chain",
				snap: func() *store.Snapshot {
					return &store.Snapshot{Chains: []store.Chain{{ID: "c"}, {ID: "c", Rule: "other"}}}
				},
				wantErr: "chain c given twice",
			},
			{
				name: "empty id",
				snap: func() *store.Snapshot {
					return &store.Snapshot{Resources: append(bulk(600), store.Resource{Cloud: "aws", Type: "volume"})}
				},
				wantErr: "empty id",
			},
			{
				name: "time without a four-digit year",
				snap: func() *store.Snapshot {
					return &store.Snapshot{Chains: []store.Chain{{ID: "c", Updated: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}
				},
				wantErr: "year outside 0-9999",
			},
			{
				name: "context canceled",
				snap: func() *store.Snapshot { return &store.Snapshot{Resources: bulk(5000)} },
				ctx: func(ctx context.Context) context.Context {
					ctx, cancel := context.WithCancel(ctx)
					cancel()
					return ctx
				},
				wantErr: "context canceled",
			},
			{
				name:    "nil snapshot",
				snap:    func() *store.Snapshot { return nil },
				wantErr: "nil snapshot",
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s, _ := openTemp(t, b)
				prev := richSnapshot()
				if err := s.SaveState(t.Context(), prev); err != nil {
					t.Fatal(err)
				}
				ctx := t.Context()
				if tt.ctx != nil {
					ctx = tt.ctx(ctx)
				}
				err := s.SaveState(ctx, tt.snap())
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SaveState error %v, want one containing %q", err, tt.wantErr)
				}
				got, err := s.LoadState(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				assertSnapshot(t, got, prev)
			})
		}
	})
}

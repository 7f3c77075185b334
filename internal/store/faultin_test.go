package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// faultInState: account A's snapshot shared with B (chain ch-shared, which
// reaches B), a copy made public (chain ch-public, reaching no other
// account), a closed chain, unrelated rows, and an Azure resource whose id
// equals an AWS one's.
func faultInState() *store.Snapshot {
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	res := func(cloud, id, typ, acct, parent, creator string) store.Resource {
		return store.Resource{Cloud: cloud, ID: id, Type: typ, Account: acct, Parent: parent, Creator: creator,
			CreatedBy: "ev-" + id, Created: at, Seen: at}
	}
	return &store.Snapshot{
		HistoryStart: at, HistoryEnd: at.Add(time.Hour),
		Principals: []store.Principal{
			{Cloud: "aws", ID: "alice", FirstSeen: at},
			{Cloud: "aws", ID: "bob", FirstSeen: at},
			{Cloud: "aws", ID: "carol", FirstSeen: at, Created: at, CreatedBy: "ev-c"},
		},
		Resources: []store.Resource{
			res("aws", "vol-1", "volume", "A", "", ""),
			res("aws", "snap-1", "snapshot", "A", "vol-1", "alice"),
			res("aws", "vol-2", "volume", "A", "", ""),
			res("aws", "snap-2", "snapshot", "A", "vol-2", "bob"),
			res("aws", "snap-old", "snapshot", "A", "", "carol"),
			res("aws", "vol-x", "volume", "C", "", "carol"),
			res("azure", "snap-1", "snapshot", "S", "", ""),
		},
		Chains: []store.Chain{
			{ID: "ch-shared", Rule: "r", Cloud: "aws", Account: "A", Updated: at, Open: true, State: []byte(`{}`),
				Accounts: []string{"B"}, Resources: []string{"snap-1", "vol-1"}},
			{ID: "ch-public", Rule: "r", Cloud: "aws", Account: "A", Updated: at, Open: true, State: []byte(`{}`),
				Resources: []string{"snap-2", "vol-2"}},
			{ID: "ch-closed", Rule: "r", Cloud: "aws", Account: "A", Updated: at, Open: false, State: []byte(`{}`),
				Resources: []string{"snap-old"}},
		},
	}
}

func keysOf[T any](rows []T, key func(T) string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, key(r))
	}
	return out
}

func TestStore_LoadStateOf(t *testing.T) {
	resKey := func(r store.Resource) string { return r.Cloud + "/" + r.ID }
	chainKey := func(c store.Chain) string { return c.ID }
	prinKey := func(p store.Principal) string { return p.ID }
	tests := []struct {
		name                         string
		ids                          []string
		resources, chains, principal []string
	}{
		{"none", nil, nil, nil, nil},
		{"not stored", []string{"snap-zzz", ""}, nil, nil, nil},
		// Any cloud: both snap-1s; the shared chain brings vol-1.
		{"shared copy", []string{"snap-1"}, []string{"aws/snap-1", "aws/vol-1", "azure/snap-1"}, []string{"ch-shared"}, []string{"alice"}},
		// A chain that reaches no other account is found by what it holds.
		{"public copy", []string{"snap-2"}, []string{"aws/snap-2", "aws/vol-2"}, []string{"ch-public"}, []string{"bob"}},
		{"a chain's source", []string{"vol-2", "vol-2"}, []string{"aws/snap-2", "aws/vol-2"}, []string{"ch-public"}, []string{"bob"}},
		// A closed chain is not returned; its resource is.
		{"closed chain", []string{"snap-old"}, []string{"aws/snap-old"}, nil, []string{"carol"}},
		{"several", []string{"vol-x", "snap-2", "snap-1", "nope"},
			[]string{"aws/snap-1", "aws/snap-2", "aws/vol-1", "aws/vol-2", "aws/vol-x", "azure/snap-1"},
			[]string{"ch-public", "ch-shared"}, []string{"alice", "bob", "carol"}},
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		// Written whole, and as a delta onto an empty store: the links
		// LoadStateOf reads come from either.
		for _, how := range []string{"save", "apply"} {
			s, _ := openTemp(t, b)
			var err error
			if how == "save" {
				err = s.SaveState(t.Context(), faultInState())
			} else {
				st := faultInState()
				err = s.ApplyState(t.Context(), &store.StateDelta{HistoryStart: st.HistoryStart, HistoryEnd: st.HistoryEnd,
					Principals: st.Principals, Resources: st.Resources, Chains: st.Chains}, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, tt := range tests {
				t.Run(how+"/"+tt.name, func(t *testing.T) {
					got, err := s.LoadStateOf(t.Context(), tt.ids)
					if err != nil {
						t.Fatal(err)
					}
					if g := keysOf(got.Resources, resKey); !slices.Equal(g, tt.resources) {
						t.Errorf("resources %v, want %v", g, tt.resources)
					}
					if g := keysOf(got.Chains, chainKey); !slices.Equal(g, tt.chains) {
						t.Errorf("chains %v, want %v", g, tt.chains)
					}
					if g := keysOf(got.Principals, prinKey); !slices.Equal(g, tt.principal) {
						t.Errorf("principals %v, want %v", g, tt.principal)
					}
					if !got.HistoryStart.IsZero() || !got.HistoryEnd.IsZero() {
						t.Errorf("history %v–%v, want none", got.HistoryStart, got.HistoryEnd)
					}
					for _, c := range got.Chains {
						if string(c.State) != "{}" || !c.Open {
							t.Errorf("chain %s loaded as %+v", c.ID, c)
						}
					}
				})
			}
		}
	})
}

// TestStore_LoadStateOf_Changes: the chains found follow the deltas — a
// chain that lets go of a resource, or is deleted, is no longer found by
// it — and many ids go in several statements.
func TestStore_LoadStateOf_Changes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		if err := s.SaveState(t.Context(), faultInState()); err != nil {
			t.Fatal(err)
		}
		moved := faultInState().Chains[1]
		moved.Resources = []string{"snap-2"}
		if err := s.ApplyState(t.Context(), &store.StateDelta{Chains: []store.Chain{moved}, DeletedChains: []string{"ch-shared"}}, nil); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string][]string{"vol-2": nil, "snap-2": {"ch-public"}, "snap-1": nil} {
			got, err := s.LoadStateOf(t.Context(), []string{id})
			if err != nil {
				t.Fatal(err)
			}
			if g := keysOf(got.Chains, func(c store.Chain) string { return c.ID }); !slices.Equal(g, want) {
				t.Errorf("chains of %s: %v, want %v", id, g, want)
			}
		}
		var many []string
		for i := range 1000 {
			many = append(many, fmt.Sprintf("nope-%d", i))
		}
		many = append(many, "snap-2")
		got, err := s.LoadStateOf(t.Context(), many)
		if err != nil || len(got.Resources) != 1 || len(got.Chains) != 1 {
			t.Errorf("1,001 ids: %d resources, %d chains, %v; want 1, 1", len(got.Resources), len(got.Chains), err)
		}
		tooMany := make([]string, 10_001)
		for i := range tooMany {
			tooMany[i] = fmt.Sprint(i)
		}
		if _, err := s.LoadStateOf(t.Context(), tooMany); err == nil || !strings.Contains(err.Error(), "at most") {
			t.Errorf("10,001 ids: %v, want an error saying the limit", err)
		}
	})
}

// BenchmarkStore_LoadStateOf: one lookup of n ids among 10,000 stored
// resources and 5,000 open chains, half of the ids stored, analyzed.
func BenchmarkStore_LoadStateOf(b *testing.B) {
	at := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	snap := &store.Snapshot{}
	for i := range 5000 {
		v, s := fmt.Sprint("vol-", i), fmt.Sprint("snap-", i)
		snap.Resources = append(snap.Resources,
			store.Resource{Cloud: "aws", ID: v, Type: "volume", Account: "A", Seen: at},
			store.Resource{Cloud: "aws", ID: s, Type: "snapshot", Account: "A", Parent: v, Creator: "alice", Seen: at})
		snap.Chains = append(snap.Chains, store.Chain{ID: fmt.Sprint("ch-", i), Rule: "r", Cloud: "aws", Account: "A", Open: true,
			Updated: at, State: []byte(`{}`), Resources: []string{v, s}})
	}
	snap.Principals = []store.Principal{{Cloud: "aws", ID: "alice", FirstSeen: at}}
	for _, bk := range storetest.All() {
		s, dsn := openTemp(b, bk)
		if err := s.SaveState(b.Context(), snap); err != nil {
			b.Fatal(err)
		}
		// As autovacuum would: without statistics PostgreSQL scans.
		if _, err := bk.Raw(b, dsn).ExecContext(b.Context(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{10, 100} {
			var ids []string
			for i := range n {
				if i%2 == 0 {
					ids = append(ids, fmt.Sprint("snap-", i*37))
				} else {
					ids = append(ids, fmt.Sprint("nope-", i))
				}
			}
			b.Run(fmt.Sprintf("backend=%s/ids=%d", bk.Name, n), func(b *testing.B) {
				for b.Loop() {
					got, err := s.LoadStateOf(b.Context(), ids)
					if err != nil || len(got.Chains) != n/2 {
						b.Fatalf("%d chains, %v; want %d", len(got.Chains), err, n/2)
					}
				}
			})
		}
	}
}

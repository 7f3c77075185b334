package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// Text a hostile log or export can carry: NUL, invalid UTF-8, bytea's own
// escape syntax, SQL. PostgreSQL's text refuses the first two; the store
// keeps every byte on both backends (bytea on PostgreSQL).
var hostile = []string{
	"a\x00b",
	"\xff\xfe",
	"bad\xc3utf8",
	`\x41`,
	`\\x41`,
	`\101`,
	"'; DROP TABLE resources; --",
	"new\nline\\",
	"é",
}

func TestStore_anyBytesInState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		snap := &store.Snapshot{HistoryStart: at, HistoryEnd: at}
		for i, h := range hostile {
			snap.Principals = append(snap.Principals, store.Principal{Cloud: h, ID: h, FirstSeen: at, CreatedBy: h})
			snap.Resources = append(snap.Resources, store.Resource{Cloud: "aws", ID: h, Type: h, Account: h, Creator: "by " + h,
				CreatedBy: h, Parent: h, Links: []string{h, h + h}, Critical: i%2 == 0, Open: []byte(h)})
			snap.Chains = append(snap.Chains, store.Chain{ID: h, Rule: h, Cloud: h, Account: h, State: []byte(h)})
		}
		if err := s.SaveState(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertSnapshot(t, got, snap)

		creators, err := s.Creators(t.Context(), append(slices.Clone(hostile), "A", "\x00"))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hostile {
			if creators[h] != "by "+h {
				t.Errorf("creator of %q: %q", h, creators[h])
			}
		}
		if len(creators) != len(hostile) {
			t.Errorf("%d creators for %d resources: %q", len(creators), len(hostile), creators)
		}
	})
}

// Findings keep any bytes in their region column; the JSON body keeps what
// JSON can (NUL, not invalid UTF-8).
func TestStore_anyBytesInFindings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		var put []finding.Finding
		for i, h := range hostile {
			f := testFinding("f"+string(rune('a'+i))+"\x00"+h, at)
			f.Region = h
			put = append(put, f)
		}
		if err := s.PutFindings(t.Context(), put); err != nil {
			t.Fatal(err)
		}
		fs, err := s.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != len(put) {
			t.Fatalf("%d findings, want %d", len(fs), len(put))
		}
		for i := range put {
			if fs[i].Region != put[i].Region {
				t.Errorf("finding %d region %q, want %q", i, fs[i].Region, put[i].Region)
			}
			if want := viaJSON(t, put[i].ID); fs[i].ID != want {
				t.Errorf("finding %d id %q, want %q", i, fs[i].ID, want)
			}
		}
	})
}

func TestStore_anyBytesInInventory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		day1 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		var scopes []store.InventoryScope
		var recs []store.InventoryRecord
		for _, h := range hostile {
			sc := store.InventoryScope{Cloud: h, Account: h, Region: h, Kind: h}
			scopes = append(scopes, sc)
			recs = append(recs, store.InventoryRecord{InventoryScope: sc, ID: h, Record: []byte(h)})
		}
		if _, err := s.ApplyInventory(t.Context(), day1, scopes, recs); err != nil {
			t.Fatal(err)
		}
		cur, err := s.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(cur) != len(recs) {
			t.Fatalf("%d records, want %d", len(cur), len(recs))
		}
		for _, r := range cur {
			if r.Cloud != r.ID || r.Account != r.ID || r.Region != r.ID || r.Kind != r.ID || string(r.Record) != r.ID || !slices.Contains(hostile, r.ID) {
				t.Errorf("record %+v", r)
			}
		}
		// Seen again with one changed and the rest gone: each is found by
		// its exact bytes.
		recs[0].Record = []byte("v2")
		ch, err := s.ApplyInventory(t.Context(), day1.Add(time.Hour), scopes, recs[:1])
		if err != nil {
			t.Fatal(err)
		}
		var changed, removed int
		for _, c := range ch {
			switch c.Change {
			case "changed":
				changed++
				if c.ID != hostile[0] || string(c.Old) != hostile[0] || !c.FirstSeen.Equal(day1) {
					t.Errorf("changed %+v", c)
				}
			case "removed":
				removed++
			}
		}
		if changed != 1 || removed != len(hostile)-1 || len(ch) != len(hostile) {
			t.Errorf("changes %+v", ch)
		}
	})
}

// Ids come back in byte order, as Go compares strings, whatever the
// database's collation (CI creates its PostgreSQL database with ICU en-US,
// where "a" < "B" and "_" is ignored).
func TestStore_byteOrder(t *testing.T) {
	ids := []string{"vol-1a", "B", "a", "_c", "é", "f", "vol-10", "Z", "z", "A1", "a-b", "ab"}
	want := slices.Clone(ids)
	slices.Sort(want)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		snap := &store.Snapshot{}
		var fs []finding.Finding
		var recs []store.InventoryRecord
		for _, id := range ids {
			snap.Resources = append(snap.Resources, store.Resource{Cloud: "aws", ID: id, Type: "volume"})
			snap.Chains = append(snap.Chains, store.Chain{ID: id})
			fs = append(fs, testFinding(id, at))
			recs = append(recs, store.InventoryRecord{InventoryScope: store.InventoryScope{Cloud: "aws"}, ID: id, Record: []byte("{}")})
		}
		if err := s.SaveState(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		if err := s.PutFindings(t.Context(), fs); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyInventory(t.Context(), at, nil, recs); err != nil {
			t.Fatal(err)
		}
		got, err := s.LoadState(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		gotFs, err := s.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		gotInv, err := s.Inventory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for what, order := range map[string][]string{
			"resources": idsOf(got.Resources, func(r store.Resource) string { return r.ID }),
			"chains":    idsOf(got.Chains, func(c store.Chain) string { return c.ID }),
			"findings":  idsOf(gotFs, func(f finding.Finding) string { return f.ID }),
			"inventory": idsOf(gotInv, func(r store.InventoryRecord) string { return r.ID }),
		} {
			if !slices.Equal(order, want) {
				t.Errorf("%s in order %q, want %q", what, order, want)
			}
		}
	})
}

// viaJSON is s as a JSON string gives it back (invalid UTF-8 replaced).
func viaJSON(tb testing.TB, s string) string {
	b, err := json.Marshal(s)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestApplyInventory: an observation replaces its own scopes only; changes
// are added, removed and changed, and are kept in order for diff.
func TestApplyInventory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		euw := store.InventoryScope{Cloud: "aws", Account: "111122223333", Region: "eu-west-1", Kind: "snapshot"}
		use := store.InventoryScope{Cloud: "aws", Account: "111122223333", Region: "us-east-1", Kind: "snapshot"}
		rec := func(sc store.InventoryScope, id, body string) store.InventoryRecord {
			return store.InventoryRecord{InventoryScope: sc, ID: id, Record: []byte(body)}
		}
		day1 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
		ch, err := s.ApplyInventory(ctx, day1, []store.InventoryScope{euw, use}, []store.InventoryRecord{
			rec(euw, "snap-1", `{"v":1}`), rec(euw, "snap-2", `{"v":1}`), rec(use, "snap-9", `{"v":1}`)})
		if err != nil || len(ch) != 3 || ch[0].Change != "added" {
			t.Fatalf("first observation: %+v, %v", ch, err)
		}
		// Day 2: only eu-west-1 is observed: snap-2 gone, snap-1 changed, snap-3 new;
		// us-east-1's snap-9 stays.
		day2 := day1.Add(24 * time.Hour)
		ch, err = s.ApplyInventory(ctx, day2, []store.InventoryScope{euw}, []store.InventoryRecord{
			rec(euw, "snap-1", `{"v":2}`), rec(euw, "snap-3", `{"v":1}`), rec(euw, "snap-3", `{"v":9}`)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range ch {
			got = append(got, c.Change+" "+c.ID)
		}
		slices.Sort(got)
		if want := []string{"added snap-3", "changed snap-1", "removed snap-2"}; !slices.Equal(got, want) {
			t.Errorf("day 2 changes %v, want %v", got, want)
		}
		for _, c := range ch {
			if c.Change == "changed" && (string(c.Old) != `{"v":1}` || string(c.New) != `{"v":2}` || !c.FirstSeen.Equal(day1)) {
				t.Errorf("changed: %+v", c)
			}
		}
		cur, err := s.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range cur {
			ids = append(ids, r.ID)
		}
		if want := []string{"snap-1", "snap-3", "snap-9"}; !slices.Equal(ids, want) {
			t.Errorf("current picture %v, want %v", ids, want)
		}
		since, err := s.InventoryChanges(ctx, day2)
		if err != nil || len(since) != 3 {
			t.Errorf("changes since day 2: %d, %v", len(since), err)
		}
		all, _ := s.InventoryChanges(ctx, time.Time{})
		if len(all) != 6 {
			t.Errorf("all changes: %d, want 6", len(all))
		}
		if _, err := s.ApplyInventory(ctx, day2, nil, []store.InventoryRecord{rec(euw, "", `{}`)}); err == nil {
			t.Error("an empty id was accepted")
		}
	})
}

// TestCreators: the creating actor of a resource comes from the
// correlation state.
func TestCreators(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		snap := &store.Snapshot{Resources: []store.Resource{{Cloud: "aws", ID: "snap-1", Type: "snapshot", Creator: "arn:aws:iam::1:user/alice"}, {Cloud: "aws", ID: "vol-1", Type: "volume"}}}
		if err := s.SaveState(ctx, snap); err != nil {
			t.Fatal(err)
		}
		got, err := s.Creators(ctx, []string{"snap-1", "vol-1", "snap-404"})
		if err != nil || len(got) != 1 || got["snap-1"] != "arn:aws:iam::1:user/alice" {
			t.Errorf("creators %v, %v", got, err)
		}
	})
}

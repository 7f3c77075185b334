package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

// A run loads the state the previous run left, continues from it and saves
// it back whole.
func Example() {
	dir, _ := os.MkdirTemp("", "snapwarden")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	s, err := store.Open(ctx, filepath.Join(dir, "snapwarden.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	snap, _ := s.LoadState(ctx) // empty on the first run
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	snap.HistoryStart, snap.HistoryEnd = at, at
	snap.Resources = append(snap.Resources, store.Resource{
		Cloud: "aws", ID: "vol-0abc", Type: "volume", Account: "111122223333",
		Parent: "snap-0def", Created: at, Creator: "arn:aws:iam::111122223333:user/mallory", Seen: at,
	})
	if err := s.SaveState(ctx, snap); err != nil {
		fmt.Println(err)
		return
	}

	back, _ := s.LoadState(ctx)
	r := back.Resources[0]
	fmt.Println(r.ID, "restored from", r.Parent, "by", r.Creator, "at", r.Created)
	// Output: vol-0abc restored from snap-0def by arn:aws:iam::111122223333:user/mallory at 2026-03-01 09:30:00 +0000 UTC
}

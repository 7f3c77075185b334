package store_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestEventRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		hostile := []byte("{\"x\":\"<script>\x00\xff\"}")
		err := s.PutEventRecords(ctx, []store.EventRecord{
			{EventID: "e2", Time: now, Format: "cloudtrail", Raw: hostile},
			{EventID: "e1", Time: old, Format: "azureactivity", Raw: []byte(`[{"a":1},{"a":2}]`)},
			{EventID: "e0", Time: old, Format: "gcpaudit", Raw: []byte(`{}`)},
			{EventID: "e3", Time: old, Format: "gcpaudit", Raw: []byte(`{}`), Pinned: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		// Kept once: a second put of the same event changes nothing.
		if err := s.PutEventRecords(ctx, []store.EventRecord{{EventID: "e2", Time: now, Format: "x", Raw: []byte("{}")}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.EventRecords(ctx, []string{"e1", "e2", "missing"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !bytes.Equal(got["e2"].Raw, hostile) || got["e2"].Format != "cloudtrail" || !got["e1"].Time.Equal(old) || got["e1"].Pinned {
			t.Fatalf("records %+v", got)
		}
		// e1 is named by a finding now, e0 never: the unpinned old one goes.
		if err := s.PinEventRecords(ctx, []string{"e1", "e1", "missing"}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneEventRecords(ctx, now.Add(-time.Hour), old.Add(-time.Hour)); err != nil || n != 1 {
			t.Fatalf("prune unpinned %d %v", n, err)
		}
		if got, _ := s.EventRecords(ctx, []string{"e0", "e1", "e2", "e3"}); len(got) != 3 || !got["e1"].Pinned || !got["e3"].Pinned {
			t.Fatalf("after prune %+v", got)
		}
		// The findings' retention takes pinned ones too.
		if n, err := s.PruneEventRecords(ctx, now.Add(-time.Hour), now.Add(-time.Hour)); err != nil || n != 2 {
			t.Fatalf("prune pinned %d %v", n, err)
		}
		if err := s.PutEventRecords(ctx, []store.EventRecord{{Time: now, Raw: []byte("{}")}}); err == nil {
			t.Fatal("empty event id accepted")
		}
	})
}

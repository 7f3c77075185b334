package store_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

func TestQueue_EnqueueReadDelete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		at := time.Date(2026, 11, 27, 1, 2, 3, 4, time.UTC)
		hostile := []byte("{\"x\":\"\x00\xff\"}") // NUL and invalid UTF-8 survive
		seqs, err := s.Enqueue(ctx, "a", []store.Batch{
			{Received: at, Source: "http:ci", Format: "cloudtrail", Body: []byte(`{"Records":[]}`)},
			{Received: at, Source: "file:/var/log/\x01x", Format: "auto", Body: hostile},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(seqs) != 2 || seqs[1] <= seqs[0] {
			t.Fatalf("seqs %v: want two increasing", seqs)
		}
		if _, err := s.Enqueue(ctx, "b", []store.Batch{{Received: at, Source: "x", Format: "auto", Body: []byte("{}")}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Queued(ctx, "a", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[1].Source != "file:/var/log/\x01x" || !bytes.Equal(got[1].Body, hostile) ||
			!got[0].Received.Equal(at) || got[0].Format != "cloudtrail" || got[0].Seq != seqs[0] {
			t.Fatalf("queued %+v", got)
		}
		if after, _ := s.Queued(ctx, "a", seqs[0], 10); len(after) != 1 || after[0].Seq != seqs[1] {
			t.Fatalf("after %d: %+v", seqs[0], after)
		}
		if n, depthBytes, err := s.QueueDepth(ctx, "a"); err != nil || n != 2 || depthBytes != int64(len(hostile)+len(`{"Records":[]}`)) {
			t.Fatalf("depth %d %d %v", n, depthBytes, err)
		}
		if n, err := s.DeleteQueued(ctx, "a", seqs[0]); err != nil || n != 1 {
			t.Fatalf("delete: %d %v", n, err)
		}
		if left, _ := s.Queued(ctx, "a", 0, 10); len(left) != 1 || left[0].Seq != seqs[1] {
			t.Fatalf("left %+v", left)
		}
		if other, _ := s.Queued(ctx, "b", 0, 10); len(other) != 1 {
			t.Fatalf("owner b's batch touched: %+v", other)
		}
	})
}

func TestOutbox_OnlyChangesAndCursors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		at := time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)
		f1, f2 := testFinding("f1", at), testFinding("f2", at)
		changed, err := s.PutFindingsOutbox(ctx, "a", []finding.Finding{f1, f2}, at)
		if err != nil || len(changed) != 2 {
			t.Fatalf("first put: %d changed, %v", len(changed), err)
		}
		// The same findings again (a replay): nothing changes, nothing queued.
		if changed, err = s.PutFindingsOutbox(ctx, "a", []finding.Finding{f1, f2}, at); err != nil || len(changed) != 0 {
			t.Fatalf("replay: %d changed, %v", len(changed), err)
		}
		f1.Revision, f1.Severity = 2, finding.High
		if changed, err = s.PutFindingsOutbox(ctx, "a", []finding.Finding{f1}, at); err != nil || len(changed) != 1 {
			t.Fatalf("revision: %d changed, %v", len(changed), err)
		}
		es, err := s.Outbox(ctx, "a", "siem", 10)
		if err != nil || len(es) != 3 {
			t.Fatalf("outbox: %d %v", len(es), err)
		}
		if es[2].Finding.ID != "f1" || es[2].Finding.Severity != finding.High || es[2].Finding.Revision != 2 {
			t.Fatalf("last entry %+v", es[2].Finding)
		}
		if err := s.AdvanceSink(ctx, "a", "siem", es[1].Seq); err != nil {
			t.Fatal(err)
		}
		if err := s.AdvanceSink(ctx, "a", "siem", es[0].Seq); err != nil { // never backwards
			t.Fatal(err)
		}
		if left, _ := s.Outbox(ctx, "a", "siem", 10); len(left) != 1 || left[0].Seq != es[2].Seq {
			t.Fatalf("after advance: %+v", left)
		}
		// A second sink that has sent nothing holds every entry.
		if n, err := s.PruneOutbox(ctx, "a", []string{"siem", "hook"}); err != nil || n != 0 {
			t.Fatalf("prune with a lagging sink: %d %v", n, err)
		}
		if n, err := s.PruneOutbox(ctx, "a", []string{"siem"}); err != nil || n != 2 {
			t.Fatalf("prune: %d %v", n, err)
		}
		if left, _ := s.Outbox(ctx, "a", "hook", 10); len(left) != 1 {
			t.Fatalf("after prune: %+v", left)
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, _ := openTemp(t, b)
		ctx := t.Context()
		at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
		if err := s.AddAPIToken(ctx, store.APIToken{Name: "first", Hash: "ab12", Created: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAPIToken(ctx, store.APIToken{Name: "first", Hash: "cd34", Created: at}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second token of one name: %v, want ErrExists", err)
		}
		ts, err := s.APITokens(ctx)
		if err != nil || len(ts) != 1 || ts[0].Hash != "ab12" || !ts[0].Created.Equal(at) {
			t.Fatalf("tokens %+v %v", ts, err)
		}
	})
}

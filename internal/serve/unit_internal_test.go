package serve

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestUnit_checkpointFailed: a checkpoint whose write fails — a stop
// cancels the context in the middle of one — loses nothing of the
// correlation state: the next checkpoint writes it. (It was lost: the chain
// engine had handed over its changes, and a restart missed the chain.)
func TestUnit_checkpointFailed(t *testing.T) {
	opts := hunt.Options{MinSeverity: finding.Low}
	rs, _, errs := hunt.LoadRules(opts)
	d, cerrs := hunt.New(rs, opts)
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	const records = `{"Records":[
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/svc","accountId":"111122223333","userName":"svc"},"eventTime":"2026-11-20T03:14:02Z","eventSource":"rds.amazonaws.com","eventName":"CreateDBSnapshot","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1","userAgent":"cli","requestParameters":{"dBSnapshotIdentifier":"snap-1","dBInstanceIdentifier":"db-1"},"responseElements":{"dBSnapshotArn":"arn:aws:rds:eu-west-1:111122223333:snapshot:snap-1","dBSnapshotIdentifier":"snap-1","dBInstanceIdentifier":"db-1"},"eventID":"e1","recipientAccountId":"111122223333"},
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/svc","accountId":"111122223333","userName":"svc"},"eventTime":"2026-11-20T03:21:37Z","eventSource":"rds.amazonaws.com","eventName":"ModifyDBSnapshotAttribute","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1","userAgent":"cli","requestParameters":{"dBSnapshotIdentifier":"snap-1","attributeName":"restore","valuesToAdd":["444455556666"]},"responseElements":null,"eventID":"e2","recipientAccountId":"111122223333"}]}`
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		st, err := store.Open(ctx, b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		u := newUnit(unitConfig{store: st, owner: "t", m: NewMetrics(), log: slog.New(slog.NewTextHandler(io.Discard, nil)), notify: func() {}, pairWait: time.Second}, d, 0, "t")
		if err := u.restore(ctx, nil, true); err != nil {
			t.Fatal(err)
		}
		if err := u.batch(ctx, 1, "test", "cloudtrail", []byte(records), time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := u.release(ctx, true); err != nil {
			t.Fatal(err)
		}
		stopped, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := u.checkpoint(stopped, nil); err == nil {
			t.Fatal("a checkpoint with a cancelled context succeeded")
		}
		if _, err := u.checkpoint(ctx, nil); err != nil {
			t.Fatal(err)
		}
		snap, err := st.LoadState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range snap.Resources {
			ids = append(ids, r.ID)
		}
		if len(snap.Chains) != 1 || len(snap.Resources) < 2 {
			t.Errorf("stored after the failed checkpoint and the next: %d chains, resources %v; want the chain and its snapshot and database", len(snap.Chains), ids)
		}
	})
}

package aws_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	awsinv "github.com/snapwarden/snapwarden/internal/inventory/aws"
)

// usEast1 returns the routes of us-east-1 only.
func usEast1() map[string]reply {
	rs := routes()
	for k := range rs {
		if strings.HasPrefix(k, "eu-west-1 ") {
			delete(rs, k)
		}
	}
	return rs
}

func ids(recs []inventory.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// TestCollector_Collect_partial: a call failing for good fails its scope
// in its region only; what the scope read before the failure is kept, and
// every other scope is complete.
func TestCollector_Collect_partial(t *testing.T) {
	const (
		snap1, snap2, snap3 = "snap-0a1b2c3d4e5f60001", "snap-0a1b2c3d4e5f60002", "snap-0a1b2c3d4e5f60003"
		efsPoint            = "arn:aws:backup:us-east-1:111122223333:recovery-point:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
		ebsPoint            = "snap-0d1e2f3a4b5c60001"
		cluster             = "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:billing-export"
		prodDB              = "arn:aws:rds:us-east-1:111122223333:snapshot:prod-db-before-migration"
	)
	unauthorized := fail("ec2/error-unauthorized.xml", http.StatusForbidden)
	tests := []struct {
		name       string
		change     func(rs map[string]reply)
		maxRetries int
		kind       inventory.Kind // the scope that fails
		err        string         // in its error
		kept       []string       // its records kept
		lost       []string       // its records not kept
		calls      map[string]int
	}{
		{
			name:       "throttled beyond MaxRetries",
			change:     func(rs map[string]reply) { rs[snapsPage1] = reply{file: "ec2/snapshots-1.xml", throttle: 100} },
			maxRetries: 2,
			kind:       inventory.Snapshot, err: "RequestLimitExceeded",
			lost:  []string{snap1, snap2, snap3},
			calls: map[string]int{snapsPage1: 3, snapsPage2: 0},
		},
		{
			name: "negative MaxRetries never retries",
			change: func(rs map[string]reply) {
				for k, r := range rs { // only the first snapshot page throttles
					r.throttle = min(r.throttle, boolInt(k == snapsPage1))
					rs[k] = r
				}
			},
			maxRetries: -1,
			kind:       inventory.Snapshot, err: "RequestLimitExceeded",
			lost:  []string{snap1, snap2, snap3},
			calls: map[string]int{snapsPage1: 1},
		},
		{
			name:   "second page denied: the first page is still read",
			change: func(rs map[string]reply) { rs[snapsPage2] = unauthorized },
			kind:   inventory.Snapshot, err: "UnauthorizedOperation",
			kept:  []string{snap1, snap2},
			lost:  []string{snap3},
			calls: map[string]int{snapAttr1: 1, snapAttr2: 1, snapAttr3: 0},
		},
		{
			name:   "attribute denied: the snapshots read before it are kept, no call starts after it",
			change: func(rs map[string]reply) { rs[snapAttr2] = unauthorized },
			kind:   inventory.Snapshot, err: "snap-0a1b2c3d4e5f60002",
			kept:  []string{snap1},
			lost:  []string{snap2, snap3},
			calls: map[string]int{snapAttr3: 0},
		},
		{
			name:   "one vault denied: the other vault's recovery points survive",
			change: func(rs map[string]reply) { rs[rpProd] = fail("backup/error-access-denied.json", http.StatusForbidden) },
			kind:   inventory.Backup, err: "vault prod-vault",
			kept: []string{ebsPoint},
			lost: []string{efsPoint},
		},
		{
			name:   "cluster snapshots denied: DB snapshots survive",
			change: func(rs map[string]reply) { rs[clusters] = fail("rds/error-access-denied.xml", http.StatusForbidden) },
			kind:   inventory.DBSnapshot, err: "AccessDenied",
			kept:  []string{prodDB},
			lost:  []string{cluster},
			calls: map[string]int{clusterAttr: 0},
		},
		{
			name:   "AMI block public access unknown to the endpoint",
			change: func(rs map[string]reply) { rs[imageBPA] = fail("ec2/error-invalid-action.xml", http.StatusBadRequest) },
			kind:   inventory.Guardrail, err: "InvalidAction",
			kept: []string{awsinv.SnapshotBlockPublicAccess},
			lost: []string{awsinv.ImageBlockPublicAccess},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := usEast1()
			tt.change(rs)
			fake, endpoint := newFakeAWS(t, rs)
			c := collector(nil)
			c.Parallel = 1 // attribute calls in order
			res, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: endpoint, MaxRetries: tt.maxRetries})
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(res.Failures) != 1 || res.Failures[0].Scope != scope("us-east-1", tt.kind) || !strings.Contains(res.Failures[0].Err.Error(), tt.err) {
				t.Fatalf("Failures = %v, want one of %s containing %q", res.Failures, tt.kind, tt.err)
			}
			if want := scopes("us-east-1", tt.kind); !slices.Equal(res.Complete, want) {
				t.Errorf("Complete = %v, want %v", res.Complete, want)
			}
			got := ids(res.Records)
			for _, id := range tt.kept {
				if !slices.Contains(got, id) {
					t.Errorf("record %s lost", id)
				}
			}
			for _, id := range tt.lost {
				if slices.Contains(got, id) {
					t.Errorf("record %s kept", id)
				}
			}
			// Other kinds are whole: every record of theirs is there.
			for _, w := range wantUSEast1 {
				if w.Kind != tt.kind && !slices.Contains(got, w.ID) {
					t.Errorf("record %s of complete kind %s lost", w.ID, w.Kind)
				}
			}
			for key, n := range tt.calls {
				if got := fake.calls(key); got != n {
					t.Errorf("%s asked %d times, want %d", key, got, n)
				}
			}
		})
	}
}

// TestCollector_Collect_account: the account comes from STS; without it,
// from the one account asked for or from the owner fields; an account
// other than the one asked for stops the run.
func TestCollector_Collect_account(t *testing.T) {
	stsDenied := fail("sts/error-invalid-token.xml", http.StatusForbidden)
	tests := []struct {
		name     string
		sts      reply
		regions  []string
		accounts []string
		wantErr  string
		// wantAccount is every record's and scope's account; "" when none
		// may be complete.
		wantAccount string
		wantRecords int
	}{
		{name: "from STS", sts: reply{file: "sts/GetCallerIdentity.xml"}, wantAccount: account, wantRecords: len(wantUSEast1)},
		{name: "STS denied: from the owner fields", sts: stsDenied, wantAccount: account, wantRecords: len(wantUSEast1)},
		{name: "STS denied: the one account asked for", sts: stsDenied, accounts: []string{account}, wantAccount: account, wantRecords: len(wantUSEast1)},
		{name: "another account asked for", sts: reply{file: "sts/GetCallerIdentity.xml"}, accounts: []string{"999988887777"}, wantErr: "belong to account 111122223333"},
		{name: "STS denied and no owner field", sts: stsDenied, regions: []string{"eu-west-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := routes()
			rs[stsIdentity] = tt.sts
			fake, endpoint := newFakeAWS(t, rs)
			res, err := collector(nil).Collect(t.Context(), inventory.CollectOptions{
				Endpoint: endpoint, Regions: tt.regions, Accounts: tt.accounts,
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Collect error = %v, want %q", err, tt.wantErr)
				}
				if keys := fake.keys(); !slices.Equal(keys, []string{stsIdentity}) {
					t.Errorf("asked %q after the account mismatch", keys)
				}
				return
			}
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(res.Records) != tt.wantRecords {
				t.Errorf("%d records, want %d", len(res.Records), tt.wantRecords)
			}
			for _, r := range res.Records {
				if r.Account != tt.wantAccount {
					t.Errorf("record %s: account %q, want %q", r.ID, r.Account, tt.wantAccount)
				}
			}
			for _, s := range res.Complete {
				if s.Account != tt.wantAccount || s.Account == "" {
					t.Errorf("complete scope %v, want account %q", s, tt.wantAccount)
				}
			}
			if tt.wantAccount == "" {
				if len(res.Complete) != 0 || len(res.Failures) != len(scopes("eu-west-1")) {
					t.Errorf("Complete %v, Failures %v: want every scope failed", res.Complete, res.Failures)
				}
			} else if len(res.Complete) != len(scopes("us-east-1")) {
				t.Errorf("Complete = %v, want every us-east-1 scope", res.Complete)
			}
		})
	}
}

func TestCollector_Collect_noRegion(t *testing.T) {
	for _, regions := range [][]string{nil, {""}} {
		c := collector(nil)
		c.Config.Region = ""
		_, err := c.Collect(t.Context(), inventory.CollectOptions{Endpoint: "http://127.0.0.1:1", Regions: regions})
		if !errors.Is(err, awsinv.ErrNoRegion) {
			t.Errorf("regions %q: Collect error = %v, want ErrNoRegion", regions, err)
		}
	}
}

func TestCollector_Collect_cancelled(t *testing.T) {
	fake, endpoint := newFakeAWS(t, routes())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := collector(nil).Collect(ctx, inventory.CollectOptions{Endpoint: endpoint})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Collect error = %v, want context.Canceled", err)
	}
	if keys := fake.keys(); len(keys) != 0 {
		t.Errorf("asked %q after cancellation", keys)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

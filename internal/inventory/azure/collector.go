// Package azure collects the Azure side of the inventory through armcompute:
// managed snapshots, disks copied or restored from something (Kind Volume),
// managed images and gallery image versions, per subscription. Ids are
// event.AzureID forms (full ARM ids, lower-cased), accounts are subscription
// ids and regions ARM location names, as the activity-log decoder gives them.
// The API does not name who created a copy: Creator stays "".
//
// It imports internal/inventory and internal/event only, besides the SDK.
package azure

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Collector reads Azure snapshots, restored disks, images and gallery image
// versions. The zero value uses azidentity's default credential chain and
// azcore's default HTTP transport and retry delays.
type Collector struct {
	// Credential overrides the default chain (tests: a fake one).
	Credential azcore.TokenCredential
	// Transport overrides the HTTP client (tests: an httptest TLS client).
	Transport policy.Transporter
	// RetryDelay is the base of the exponential backoff (0: azcore's 800ms);
	// MaxRetryDelay caps one wait, and a Retry-After beyond it is not waited
	// for (0: azcore's 60s).
	RetryDelay    time.Duration
	MaxRetryDelay time.Duration
	// Logger receives progress and warnings; nil discards them.
	Logger *slog.Logger
}

var _ inventory.Collector = (*Collector)(nil)

// Cloud is event.Azure.
func (c *Collector) Cloud() event.Cloud { return event.Azure }

// step is one list call of a subscription: the kind it fills, and the
// lister, which may report a region it could not read in full.
type step struct {
	kind inventory.Kind
	what string
	list func(context.Context, *armcompute.ClientFactory, string) ([]inventory.Record, []regionFailure, error)
}

// whole adapts a lister that reads a kind in one go.
func whole(f func(context.Context, *armcompute.ClientFactory, string) ([]inventory.Record, error)) func(context.Context, *armcompute.ClientFactory, string) ([]inventory.Record, []regionFailure, error) {
	return func(ctx context.Context, cf *armcompute.ClientFactory, sub string) ([]inventory.Record, []regionFailure, error) {
		recs, err := f(ctx, cf, sub)
		return recs, nil, err
	}
}

var steps = []step{
	{inventory.Snapshot, "list snapshots", whole(listSnapshots)},
	{inventory.Volume, "list disks", whole(listDisks)},
	{inventory.Image, "list images", whole(listImages)},
	{inventory.Image, "list galleries", listGalleryVersions},
}

// Collect reads opts.Accounts (subscription ids; empty: every subscription
// the credentials reach), keeping records located in opts.Regions (empty:
// all). A list that fails is a Failure for its subscription and kind (Region
// "": every region), or for one region when one gallery fails; what was read
// elsewhere is kept. Complete names, per subscription and kind read in full,
// each region asked for — or, with no Regions, each region of the
// subscription. On cancellation it returns what it read and ctx's error.
func (c *Collector) Collect(ctx context.Context, opts inventory.CollectOptions) (*inventory.Result, error) {
	copts, err := c.clientOptions(opts)
	if err != nil {
		return nil, err
	}
	cred, err := c.credential(ctx, copts)
	if err != nil {
		return nil, fmt.Errorf("azure credentials: %w", err)
	}
	rc, err := arm.NewClient("snapwarden/inventory", "v1.0.0", cred, copts)
	if err != nil {
		return nil, fmt.Errorf("azure client: %w", err)
	}
	subs := accounts(opts.Accounts)
	if len(subs) == 0 {
		if subs, err = listSubscriptions(ctx, rc); err != nil {
			return nil, fmt.Errorf("list subscriptions: %w", err)
		}
	}
	var regions []string
	for _, r := range opts.Regions {
		if r = region(r); r != "" && !slices.Contains(regions, r) {
			regions = append(regions, r)
		}
	}
	res := &inventory.Result{}
	for _, sub := range subs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		f, err := armcompute.NewClientFactory(sub, cred, copts)
		if err != nil {
			return res, fmt.Errorf("azure client: %w", err)
		}
		c.collectSubscription(ctx, rc, f, sub, regions, res)
	}
	return res, ctx.Err()
}

// collectSubscription runs every step for one subscription and adds its
// records, failures and complete scopes to res.
func (c *Collector) collectSubscription(ctx context.Context, rc *arm.Client, f *armcompute.ClientFactory, sub string, regions []string, res *inventory.Result) {
	log := c.logger().With("account", sub)
	failedKind := map[inventory.Kind]bool{}
	partial := map[inventory.Scope]bool{}
	seen := map[string]bool{}
	fail := func(s inventory.Scope, err error) {
		if ctx.Err() == nil { // cancellation is not a failure of the scope
			res.Failures = append(res.Failures, inventory.Failure{Scope: s, Err: err})
			log.Warn("azure list failed", "kind", s.Kind, "region", s.Region, "err", err)
		}
	}
	n := 0
	for _, st := range steps {
		recs, regionFails, err := st.list(ctx, f, sub)
		for _, r := range recs {
			if len(regions) > 0 && !slices.Contains(regions, r.Region) {
				continue
			}
			seen[r.Region] = true
			res.Records = append(res.Records, r)
			n++
		}
		if err != nil {
			failedKind[st.kind] = true
			fail(inventory.Scope{Cloud: event.Azure, Account: sub, Kind: st.kind}, fmt.Errorf("%s: %w", st.what, err))
		}
		for _, rf := range regionFails {
			s := inventory.Scope{Cloud: event.Azure, Account: sub, Region: rf.region, Kind: st.kind}
			if rf.region == "" { // a part without a location: no region is known complete
				failedKind[st.kind] = true
			} else if len(regions) > 0 && !slices.Contains(regions, rf.region) {
				continue
			}
			partial[s] = true
			fail(s, fmt.Errorf("%s: %w", st.what, rf.err))
		}
	}
	log.Debug("azure subscription read", "records", n)
	var kinds []inventory.Kind
	for _, k := range []inventory.Kind{inventory.Snapshot, inventory.Volume, inventory.Image} {
		if !failedKind[k] {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 || ctx.Err() != nil {
		return
	}
	scopeRegions := regions
	if len(scopeRegions) == 0 {
		locs, err := listLocations(ctx, rc, sub)
		if err != nil {
			// Without the list, only regions that still hold a copy are known
			// to be complete; a region emptied since is left as it was.
			if ctx.Err() != nil {
				return
			}
			log.Warn("azure list locations failed; completeness limited to regions seen", "err", err)
		}
		for r := range seen {
			if r != "" && !slices.Contains(locs, r) {
				locs = append(locs, r)
			}
		}
		slices.Sort(locs)
		scopeRegions = locs
	}
	for _, k := range kinds {
		for _, r := range scopeRegions {
			s := inventory.Scope{Cloud: event.Azure, Account: sub, Region: r, Kind: k}
			if !partial[s] {
				res.Complete = append(res.Complete, s)
			}
		}
	}
}

func (c *Collector) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

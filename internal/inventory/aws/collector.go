// Package aws collects an AWS account's copies through aws-sdk-go-v2: EBS
// snapshots and AMIs with who may use them, RDS DB and cluster snapshots
// with their restore attribute, AWS Backup recovery points, volumes
// restored from snapshots, and the account's EBS snapshot and AMI block
// public access settings. Ids are the canonical ones the CloudTrail decoder
// gives (internal/event/ids.go), so inventory and event history join. It
// imports the inventory model and event; nothing of ours imports it but cmd.
package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"golang.org/x/sync/errgroup"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Defaults of the Collector's tunables.
const (
	DefaultBaseDelay  = 200 * time.Millisecond
	DefaultMaxDelay   = 20 * time.Second
	DefaultMaxRetries = 6
	DefaultParallel   = 4
)

// ErrNoRegion is returned when neither the options nor the SDK
// configuration name a region.
var ErrNoRegion = errors.New("no AWS region: pass one, or set AWS_REGION or a profile's region")

// Collector reads one AWS account, the one its credentials belong to, in
// each region asked for. The zero value is ready to use.
type Collector struct {
	// Config is the SDK configuration to start from; nil loads the standard
	// chain (environment, shared config and credentials files, SSO,
	// container and instance roles).
	Config *sdk.Config
	// BaseDelay is the first retry's backoff, doubled on each retry up to
	// MaxDelay (0: DefaultBaseDelay, DefaultMaxDelay).
	BaseDelay, MaxDelay time.Duration
	// Parallel bounds the regions read at once and, within a region, the
	// per-copy attribute calls in flight (0: DefaultParallel).
	Parallel int
	// Logger receives progress and partial failures (nil: silent).
	Logger *slog.Logger
}

var _ inventory.Collector = (*Collector)(nil)

// Cloud returns event.AWS.
func (c *Collector) Cloud() event.Cloud { return event.AWS }

// Collect reads every kind in every region. A kind that fails in a region
// is a Failure of that scope; the records read before the failure are kept
// (the scope is not Complete, so nothing there counts as removed). The
// error is for what stops the whole run: no configuration, no region, an
// account outside opts.Accounts, or ctx ending.
func (c *Collector) Collect(ctx context.Context, opts inventory.CollectOptions) (*inventory.Result, error) {
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := c.config(ctx, opts)
	if err != nil {
		return nil, err
	}
	regions := slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(opts.Regions))), func(r string) bool { return r == "" })
	if len(regions) == 0 {
		if cfg.Region == "" {
			return nil, ErrNoRegion
		}
		regions = []string{cfg.Region}
	}
	acct, err := callerAccount(ctx, cfg, regions[0])
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil && len(opts.Accounts) == 1:
		log.Warn("caller identity unknown; using the account asked for", "account", opts.Accounts[0], "err", err)
		acct = opts.Accounts[0]
	case err != nil:
		log.Warn("caller identity unknown; accounts come from owner fields", "err", err)
	case len(opts.Accounts) > 0 && !slices.Contains(opts.Accounts, acct):
		return nil, fmt.Errorf("the credentials belong to account %s, not to %v", acct, opts.Accounts)
	}

	parts := make([]inventory.Result, len(regions))
	var g errgroup.Group
	g.SetLimit(c.parallel())
	for i, region := range regions {
		g.Go(func() error {
			r := &reader{cfg: cfg, account: acct, region: region, parallel: c.parallel(), log: log.With("region", region)}
			parts[i] = r.read(ctx)
			return nil
		})
	}
	_ = g.Wait() // readers report failures in their part, never an error

	res := &inventory.Result{}
	for _, p := range parts {
		res.Records = append(res.Records, p.Records...)
		res.Complete = append(res.Complete, p.Complete...)
		res.Failures = append(res.Failures, p.Failures...)
	}
	if acct == "" {
		fillAccount(res)
	}
	log.Info("AWS inventory read", "regions", len(regions), "records", len(res.Records),
		"complete", len(res.Complete), "failed", len(res.Failures))
	return res, ctx.Err()
}

func (c *Collector) parallel() int { return max(1, cmp.Or(c.Parallel, DefaultParallel)) }

// config returns the SDK configuration with the endpoint override and the
// collector's retryer.
func (c *Collector) config(ctx context.Context, opts inventory.CollectOptions) (sdk.Config, error) {
	var cfg sdk.Config
	if c.Config != nil {
		cfg = c.Config.Copy()
	} else {
		var err error
		if cfg, err = config.LoadDefaultConfig(ctx); err != nil {
			return sdk.Config{}, fmt.Errorf("load AWS configuration: %w", err)
		}
	}
	if opts.Endpoint != "" {
		cfg.BaseEndpoint = sdk.String(opts.Endpoint)
	}
	cfg.Retryer = retryer(opts.MaxRetries, cmp.Or(c.BaseDelay, DefaultBaseDelay), cmp.Or(c.MaxDelay, DefaultMaxDelay))
	return cfg, nil
}

// fillAccount gives records and scopes without an account (read when the
// caller's identity was unknown) the account the owner fields named. When
// none did, such records are dropped and their complete scopes become
// failures: a scope without its account would replace nothing real.
func fillAccount(res *inventory.Result) {
	var acct string
	for _, r := range res.Records {
		if r.Account != "" {
			acct = r.Account
			break
		}
	}
	if acct != "" {
		for i := range res.Records {
			res.Records[i].Account = cmp.Or(res.Records[i].Account, acct)
		}
		for i := range res.Complete {
			res.Complete[i].Account = cmp.Or(res.Complete[i].Account, acct)
		}
		for i := range res.Failures {
			res.Failures[i].Scope.Account = cmp.Or(res.Failures[i].Scope.Account, acct)
		}
		return
	}
	res.Records = slices.DeleteFunc(res.Records, func(r inventory.Record) bool { return r.Account == "" })
	for _, s := range res.Complete {
		res.Failures = append(res.Failures, inventory.Failure{Scope: s, Err: errUnknownAccount})
	}
	res.Complete = nil
}

var errUnknownAccount = errors.New("account unknown: the caller identity could not be read and no record names its owner")

// reader reads one region.
type reader struct {
	cfg      sdk.Config
	account  string // "" when the caller identity is unknown
	region   string
	parallel int
	log      *slog.Logger

	once sync.Once
	api  *clients
}

// kindReader reads one kind of a region; it returns what it read even when
// it fails part way.
type kindReader func(ctx context.Context, r *reader) ([]inventory.Record, error)

// kinds lists what a region holds, in the order it is read.
var kinds = []struct {
	kind inventory.Kind
	read kindReader
}{
	{inventory.Snapshot, readSnapshots},
	{inventory.Image, readImages},
	{inventory.DBSnapshot, readDBSnapshots},
	{inventory.Backup, readBackups},
	{inventory.Volume, readVolumes},
	{inventory.Guardrail, readGuardrails},
}

func (r *reader) read(ctx context.Context) inventory.Result {
	var res inventory.Result
	for _, k := range kinds {
		if ctx.Err() != nil {
			break
		}
		recs, err := k.read(ctx, r)
		res.Records = append(res.Records, recs...)
		scope := inventory.Scope{Cloud: event.AWS, Account: r.account, Region: r.region, Kind: k.kind}
		if err != nil {
			if ctx.Err() != nil {
				break // cancelled: not a failure of the scope
			}
			r.log.Warn("partial inventory", "kind", k.kind, "records", len(recs), "err", err)
			res.Failures = append(res.Failures, inventory.Failure{Scope: scope, Err: err})
			continue
		}
		r.log.Debug("inventory read", "kind", k.kind, "records", len(recs))
		res.Complete = append(res.Complete, scope)
	}
	backupCreators(res.Records)
	return res
}

// backupCreators gives the EBS snapshots, AMIs and DB snapshots that AWS
// Backup made (which EC2 and RDS list too, under the same id) the creator
// their recovery point names: the role AWS Backup assumed.
func backupCreators(recs []inventory.Record) {
	creators := map[string]string{}
	for _, r := range recs {
		if r.Kind == inventory.Backup && r.Creator != "" {
			creators[r.ID] = r.Creator
		}
	}
	for i := range recs {
		if r := &recs[i]; r.Kind != inventory.Backup && r.Creator == "" {
			r.Creator = creators[r.ID]
		}
	}
}

// record starts a record of the region; owner is the account the API names
// as the owner, used when the caller's is unknown.
func (r *reader) record(kind inventory.Kind, id, owner string) inventory.Record {
	return inventory.Record{Cloud: event.AWS, Account: cmp.Or(r.account, owner), Region: r.region, Kind: kind, ID: id}
}

// forEach calls fn for each index below n, at most r.parallel at once, and
// returns the first error; after it no new call starts.
func (r *reader) forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.parallel)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err() // cancelled before every call started
}

package openstack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Defaults of the Collector's tunables.
const (
	DefaultBaseDelay  = 500 * time.Millisecond
	DefaultMaxDelay   = 30 * time.Second
	DefaultMaxRetries = 5
	DefaultPageSize   = 500
)

// Collector reads the inventory of one OpenStack-API cloud, project by
// project and region by region.
type Collector struct {
	cloud event.Cloud
	// Auth are the Keystone credentials; nil reads the standard OS_*
	// environment of an openrc file.
	Auth *gophercloud.AuthOptions
	// HTTPClient sends every request (nil: http.DefaultClient's settings).
	HTTPClient *http.Client
	// Availability chooses the catalog's endpoints: public (default),
	// internal or admin.
	Availability gophercloud.Availability
	// BaseDelay is the first retry's backoff of a throttled call, doubled
	// on each retry up to MaxDelay (0: DefaultBaseDelay, DefaultMaxDelay).
	BaseDelay, MaxDelay time.Duration
	// PageSize is the limit asked of each list call (0: DefaultPageSize);
	// the server may return fewer.
	PageSize int
	// Logger receives progress (nil: silent).
	Logger *slog.Logger
}

var _ inventory.Collector = (*Collector)(nil)

// New returns a collector for cloud, event.OpenStack or event.VKCloud.
func New(cloud event.Cloud) (*Collector, error) {
	if cloud != event.OpenStack && cloud != event.VKCloud {
		return nil, fmt.Errorf("openstack collector: cloud %q does not speak the OpenStack APIs (want %s or %s)",
			cloud, event.OpenStack, event.VKCloud)
	}
	return &Collector{cloud: cloud}, nil
}

// Cloud returns the cloud New was given.
func (c *Collector) Cloud() event.Cloud { return c.cloud }

// Collect reads every kind in every region of each project. opts.Accounts
// are project ids, each read with a token scoped to it (none: the project
// the credentials name); opts.Regions limit the catalog's regions (none:
// every region offering a block storage, image or database service);
// opts.Endpoint is the identity endpoint. A project that cannot
// authenticate, or a kind that fails in a region, is a Failure of that
// scope, and what was read elsewhere is kept. The error is for what stops
// the whole run: no credentials, or ctx ending.
func (c *Collector) Collect(ctx context.Context, opts inventory.CollectOptions) (*inventory.Result, error) {
	if c.cloud == "" {
		return nil, errors.New("openstack collector: made without New (no cloud)")
	}
	ao, err := c.authOptions(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	res := &inventory.Result{}
	projects := slices.Compact(slices.Sorted(slices.Values(opts.Accounts)))
	if len(projects) == 0 {
		projects = []string{""}
	}
	for _, project := range projects {
		if ctx.Err() != nil {
			break
		}
		c.collectProject(ctx, ao, id(project), opts, res)
	}
	return res, ctx.Err()
}

// collectProject authenticates to one project and reads its regions.
func (c *Collector) collectProject(ctx context.Context, ao gophercloud.AuthOptions, project string, opts inventory.CollectOptions, res *inventory.Result) {
	s, err := c.open(ctx, ao, project, c.retries(opts.MaxRetries))
	if err != nil {
		c.fail(ctx, res, inventory.Scope{Cloud: c.cloud, Account: project}, err)
		return
	}
	have := s.regions(c.availability())
	regions := have
	if len(opts.Regions) > 0 {
		regions = slices.Compact(slices.Sorted(slices.Values(opts.Regions)))
	}
	for _, region := range regions {
		if ctx.Err() != nil {
			return
		}
		if !slices.Contains(have, region) {
			c.fail(ctx, res, inventory.Scope{Cloud: c.cloud, Account: s.project, Region: region},
				fmt.Errorf("region %q offers none of block storage, image, database in the service catalog", region))
			continue
		}
		c.collectRegion(ctx, s, region, res)
	}
}

// collectRegion reads each kind in one region. Volumes come first: a
// snapshot's or backup's encryption is its volume's.
func (c *Collector) collectRegion(ctx context.Context, s *session, region string, res *inventory.Result) {
	r := &regionReader{c: c, s: s, region: region, volumes: map[string]volumeKey{}}
	steps := []struct {
		kind inventory.Kind
		read func(context.Context) ([]inventory.Record, error)
	}{
		{inventory.Volume, r.readVolumes},
		{inventory.Snapshot, r.readSnapshots},
		{inventory.Backup, r.readBackups},
		{inventory.Image, r.readImages},
		{inventory.DBSnapshot, r.readDBBackups},
	}
	log := c.logger()
	for _, st := range steps {
		if ctx.Err() != nil {
			return
		}
		scope := inventory.Scope{Cloud: c.cloud, Account: s.project, Region: region, Kind: st.kind}
		recs, err := st.read(ctx)
		res.Records = appendNew(res.Records, recs)
		switch {
		case errors.Is(err, errNoService):
			log.Debug("no service in the catalog", "account", scope.Account, "region", region, "kind", st.kind)
		case err != nil:
			c.fail(ctx, res, scope, err)
		default:
			log.Debug("scope read", "account", scope.Account, "region", region, "kind", st.kind, "records", len(recs))
			res.Complete = append(res.Complete, scope)
		}
	}
}

// fail records a partial failure, unless ctx ended (cancellation is not a
// failure of the scope).
func (c *Collector) fail(ctx context.Context, res *inventory.Result, scope inventory.Scope, err error) {
	if ctx.Err() != nil {
		return
	}
	c.logger().Debug("scope failed", "account", scope.Account, "region", scope.Region, "kind", scope.Kind, "err", err)
	res.Failures = append(res.Failures, inventory.Failure{Scope: scope, Err: err})
}

func (c *Collector) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Collector) availability() gophercloud.Availability {
	return cmp.Or(c.Availability, gophercloud.AvailabilityPublic)
}

func (c *Collector) pageSize() int { return max(1, cmp.Or(c.PageSize, DefaultPageSize)) }

// retries is how many times a throttled call is retried: the options', the
// default for 0, none for a negative count.
func (c *Collector) retries(n int) int {
	if n == 0 {
		return DefaultMaxRetries
	}
	return max(0, n)
}

// appendNew appends the records whose id the list has not yet given: a
// server that repeats items across pages does not duplicate them.
func appendNew(dst, recs []inventory.Record) []inventory.Record {
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		if !seen[r.ID] {
			seen[r.ID] = true
			dst = append(dst, r)
		}
	}
	return dst
}

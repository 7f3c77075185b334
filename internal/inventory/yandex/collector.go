package yandex

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// DefaultRegion is the region recorded when none is asked.
const DefaultRegion = "ru-central1"

// Defaults for the zero values of Collector's tunables.
const (
	DefaultMaxRetries  = 5
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 30 * time.Second
	DefaultPageSize    = 1000 // the API's maximum
	DefaultConcurrency = 8
	defaultTimeout     = 60 * time.Second
)

// Collector reads Yandex Cloud folders' snapshots, images and disks. The
// zero value is ready to use with the standard credential chain.
type Collector struct {
	// Token is an IAM token used as is; OAuthToken is a Yandex ID OAuth
	// token exchanged for one. Both empty: YC_TOKEN, then the metadata
	// service.
	Token      string
	OAuthToken string
	// HTTPClient makes the calls; nil uses a client with a 60 s timeout.
	HTTPClient *http.Client
	// MetadataURL overrides DefaultMetadataURL.
	MetadataURL string
	// Getenv reads the environment (nil: os.Getenv).
	Getenv func(string) string
	// BaseDelay is the first retry's wait, doubled per retry up to
	// MaxDelay; zero values use the defaults.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// PageSize is the pageSize of list calls (0: DefaultPageSize).
	PageSize int
	// Concurrency bounds the access-binding reads under way at once, one
	// per snapshot or image (0: DefaultConcurrency).
	Concurrency int
}

var _ inventory.Collector = (*Collector)(nil)

// Cloud returns event.Yandex.
func (*Collector) Cloud() event.Cloud { return event.Yandex }

// Collect reads every folder in opts.Accounts, or every folder of every
// cloud the credentials reach when there are none. opts.Regions keeps the
// disks of those regions (or zones); snapshots and images, which belong to
// no zone, are recorded under the first region (DefaultRegion when none).
// A folder or kind that fails is a Failure beside what was read elsewhere;
// the error is for a run that could not start (no credentials, no clouds
// listed) or was cancelled.
func (c *Collector) Collect(ctx context.Context, opts inventory.CollectOptions) (*inventory.Result, error) {
	r := &run{
		c:       c,
		res:     &inventory.Result{},
		regions: opts.Regions,
		page:    cmp.Or(c.PageSize, DefaultPageSize),
		workers: max(cmp.Or(c.Concurrency, DefaultConcurrency), 1),
	}
	if len(r.regions) == 0 {
		r.regions = []string{DefaultRegion}
	}
	r.cl = c.client(opts)
	token, err := c.token(ctx, r.cl)
	if err != nil {
		return nil, err
	}
	r.cl.token = token
	folders := dedupe(opts.Accounts)
	if len(folders) == 0 {
		if folders, err = r.folders(ctx); err != nil {
			return r.res, err
		}
	}
	r.zones(ctx)
	for _, f := range folders {
		if err := ctx.Err(); err != nil {
			return r.res, err
		}
		r.folder(ctx, f)
	}
	return r.res, ctx.Err()
}

func (c *Collector) client(opts inventory.CollectOptions) *client {
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	retries := opts.MaxRetries
	if retries == 0 {
		retries = DefaultMaxRetries
	}
	return &client{
		http:      hc,
		endpoint:  opts.Endpoint,
		retries:   max(retries, 0),
		baseDelay: cmp.Or(c.BaseDelay, DefaultBaseDelay),
		maxDelay:  cmp.Or(c.MaxDelay, DefaultMaxDelay),
	}
}

// run is one collection's state.
type run struct {
	c       *Collector
	cl      *client
	res     *inventory.Result
	regions []string
	page    int
	workers int
	// zoneRegion maps each zone the API lists to its region.
	zoneRegion map[string]string
	// zoneList is the zones in order of the listing.
	zoneList []string
}

// home is the region recorded for snapshots and images.
func (r *run) home() string { return r.regionOf(r.regions[0]) }

// regionOf returns a zone's region (from the zone listing, else the zone
// id without its last "-x" part); a region is its own.
func (r *run) regionOf(z string) string {
	if reg, ok := r.zoneRegion[z]; ok {
		return reg
	}
	for _, reg := range r.zoneRegion {
		if reg == z {
			return z
		}
	}
	if i := strings.LastIndexByte(z, '-'); i > 0 && len(z)-i == 2 {
		return z[:i]
	}
	return z
}

// wantZone reports whether a disk in zone z is asked for: its zone or its
// region is among the regions.
func (r *run) wantZone(z string) bool {
	reg := r.regionOf(z)
	for _, want := range r.regions {
		if want == z || want == reg {
			return true
		}
	}
	return false
}

func (r *run) fail(s inventory.Scope, err error) {
	r.res.Failures = append(r.res.Failures, inventory.Failure{Scope: s, Err: err})
}

func (r *run) scope(folder, region string, k inventory.Kind) inventory.Scope {
	return inventory.Scope{Cloud: event.Yandex, Account: folder, Region: region, Kind: k}
}

// dedupe drops empty and repeated folder ids, keeping the order.
func dedupe(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

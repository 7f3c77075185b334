// Package gcp collects a Google Cloud inventory through the Compute Engine
// API: snapshots, images and machine images of each project, with each
// one's IAM policy as its exposure. Ids are the relative names the
// audit-log decoder (internal/decode/gcpaudit) gives, so inventory and
// event history join. The API does not say who made a copy: Creator stays
// empty for the event history to fill.
//
// A list spans every location of a project, so a project and kind read in
// full is reported as complete for the whole project (Scope.Region "") and
// for each location seen; a failure is reported for the whole project and
// kind.
package gcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"google.golang.org/api/compute/v1"
	"google.golang.org/api/option"
)

// Defaults for a zero Collector and CollectOptions.
const (
	DefaultRetries   = 5
	DefaultBaseDelay = time.Second
	DefaultMaxDelay  = 32 * time.Second
	DefaultParallel  = 4

	pageSize = 500 // the API's largest page
)

// Collector reads GCP projects. The zero value uses Application Default
// Credentials and the defaults above.
type Collector struct {
	// ClientOptions go to the API clients after the collector's own (the
	// read-only scope, the endpoint): credentials, an HTTP client. None:
	// Application Default Credentials.
	ClientOptions []option.ClientOption
	// ProjectsEndpoint overrides the Cloud Resource Manager endpoint, which
	// lists the projects the credentials reach when no account is named.
	ProjectsEndpoint string
	// BaseDelay is the wait before the first retry of a throttled call;
	// each later retry waits twice as long, up to MaxDelay.
	BaseDelay, MaxDelay time.Duration
	// Parallel bounds the IAM policy reads in flight.
	Parallel int
	// Logger receives retries and skips at Debug; nil discards.
	Logger *slog.Logger
}

var _ inventory.Collector = (*Collector)(nil)

// Cloud returns event.GCP.
func (c *Collector) Cloud() event.Cloud { return event.GCP }

// collection is one Compute Engine list and its IAM policy getter.
type collection struct {
	name   string // the API's collection, in errors and logs
	kind   inventory.Kind
	list   func(ctx context.Context, s *compute.Service, project, token string) ([]inventory.Record, string, error)
	policy func(ctx context.Context, s *compute.Service, project, resource string) (*compute.Policy, error)
}

// kinds are what a project holds, in the order read, each with the lists
// that must all succeed for the kind to be complete.
var kinds = []struct {
	kind  inventory.Kind
	lists []collection
}{
	{inventory.Snapshot, []collection{snapshots}},
	{inventory.Image, []collection{images, machineImages}},
}

// run is one collection's settings.
type run struct {
	svc      *compute.Service
	retry    retrier
	parallel int
	log      *slog.Logger
}

// Collect reads the projects opts.Accounts names (none: every active
// project the credentials can list). A failure to read a project's kind is
// a Failure; the rest is kept. On cancellation it returns what it read and
// the context's error.
func (c *Collector) Collect(ctx context.Context, opts inventory.CollectOptions) (*inventory.Result, error) {
	r := &run{
		retry: retrier{
			tries: opts.MaxRetries,
			base:  c.BaseDelay,
			max:   c.MaxDelay,
			log:   c.Logger,
		},
		parallel: c.Parallel,
		log:      c.Logger,
	}
	if r.retry.tries <= 0 {
		r.retry.tries = DefaultRetries
	}
	if r.retry.base <= 0 {
		r.retry.base = DefaultBaseDelay
	}
	if r.retry.max <= 0 {
		r.retry.max = max(DefaultMaxDelay, r.retry.base)
	}
	if r.parallel <= 0 {
		r.parallel = DefaultParallel
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
		r.retry.log = r.log
	}

	svc, err := c.compute(ctx, opts.Endpoint)
	if err != nil {
		return nil, err
	}
	r.svc = svc
	projects := projectList(opts.Accounts)
	if len(projects) == 0 {
		if projects, err = c.projects(ctx, r.retry); err != nil {
			return nil, err
		}
	}

	res := &inventory.Result{}
	for _, p := range projects {
		for _, k := range kinds {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			r.collect(ctx, p, k.kind, k.lists, res)
		}
	}
	return res, ctx.Err()
}

// projectList trims the named projects, dropping blanks and repeats.
func projectList(names []string) []string {
	var out []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// collect reads one project's kind into res: its records, and either the
// scopes it read in full or a failure.
func (r *run) collect(ctx context.Context, project string, kind inventory.Kind, lists []collection, res *inventory.Result) {
	var recs []inventory.Record
	var errs []error
	for _, col := range lists {
		got, err := r.list(ctx, project, col)
		got, perr := r.withPolicies(ctx, project, col, got)
		recs = append(recs, got...)
		errs = append(errs, err, perr)
	}
	res.Records = append(res.Records, recs...)
	if ctx.Err() != nil {
		return // cancelled: neither complete nor failed
	}
	whole := inventory.Scope{Cloud: event.GCP, Account: project, Kind: kind}
	if err := errors.Join(errs...); err != nil {
		res.Failures = append(res.Failures, inventory.Failure{Scope: whole, Err: err})
		r.log.DebugContext(ctx, "gcp kind incomplete", keyAccount, project, keyCall, string(kind), keyCount, len(recs))
		return
	}
	res.Complete = append(res.Complete, whole)
	seen := map[string]bool{"": true}
	for _, rec := range recs {
		if !seen[rec.Region] {
			seen[rec.Region] = true
			s := whole
			s.Region = rec.Region
			res.Complete = append(res.Complete, s)
		}
	}
}

// list pages through one collection of a project. On an error it returns
// the pages read before it.
func (r *run) list(ctx context.Context, project string, col collection) ([]inventory.Record, error) {
	var out []inventory.Record
	token := ""
	for {
		type page struct {
			recs []inventory.Record
			next string
		}
		p, err := retry(ctx, r.retry, col.name+".list", func() (page, error) {
			recs, next, err := col.list(ctx, r.svc, project, token)
			return page{recs, next}, err
		})
		if err != nil {
			return out, fmt.Errorf("list %s of project %s: %w", col.name, project, err)
		}
		out = append(out, p.recs...)
		switch p.next {
		case "":
			return out, nil
		case token:
			return out, fmt.Errorf("list %s of project %s: the API repeated page token %q", col.name, project, token)
		}
		token = p.next
	}
}

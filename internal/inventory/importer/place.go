package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

// placer gives one export's records their cloud, kind, account and region —
// the export's own values, else the options' — and gathers the scopes the
// export covers in full.
type placer struct {
	file    string
	opts    Options
	format  format
	cloud   event.Cloud
	records []inventory.Record
	covered map[inventory.Scope]bool
	// oneRegion: the export names a single region (RDS ARNs), which
	// --region must then match; a list of many locations (az, gcloud)
	// takes --region only as a filler.
	oneRegion bool
	// partial: the export is one page of a longer list (NextToken set):
	// its records stand but its scopes are not complete.
	partial string
}

func newPlacer(file string, opts Options, f format) *placer {
	p := &placer{file: file, opts: opts, format: f, cloud: f.cloud, covered: map[inventory.Scope]bool{}}
	if f.name == OpenStackSnapshots && opts.Cloud == event.VKCloud {
		p.cloud = event.VKCloud
	}
	p.opts.Account = p.account(opts.Account)
	p.opts.Region = strings.TrimSpace(opts.Region)
	if p.opts.Region == "" && p.cloud == event.Yandex {
		// The API gives snapshots no zone: they go where the Yandex
		// collector puts them, so an import and a collection replace the
		// same scope.
		p.opts.Region = yandex.DefaultRegion
	}
	return p
}

// account returns an account id in the cloud's canonical form (Azure
// subscription ids are lower-case, as the decoders give them).
func (p *placer) account(s string) string {
	s = strings.TrimSpace(s)
	if p.cloud == event.Azure {
		s = strings.ToLower(s)
	}
	return s
}

func (p *placer) errorf(i int, format string, args ...any) error {
	return &Error{File: p.file, Index: i, Err: fmt.Errorf(format, args...)}
}

// add places r (element i of the export) and keeps it. account and region
// are what the export says ("" when it does not).
func (p *placer) add(i int, r inventory.Record, account, region string) error {
	if r.ID == "" {
		return p.errorf(i, "no id")
	}
	account, region = p.account(account), strings.TrimSpace(region)
	switch {
	case account == "":
		account = p.opts.Account
	case p.opts.Account != "" && account != p.opts.Account:
		return p.errorf(i, "%s: the export says %s %q, --account says %q", r.ID, p.format.account, account, p.opts.Account)
	}
	switch {
	case region == "":
		region = p.opts.Region
	case p.oneRegion && p.opts.Region != "" && region != p.opts.Region:
		return p.errorf(i, "%s: the export says region %q, --region says %q", r.ID, region, p.opts.Region)
	}
	if account == "" {
		return p.errorf(i, "%s: the export does not name the %s: give --account", r.ID, p.format.account)
	}
	if region == "" {
		return p.errorf(i, "%s: the export does not name the region: give --region", r.ID)
	}
	r.Cloud, r.Kind, r.Account, r.Region = p.cloud, p.format.kind, account, region
	p.covered[r.Scope()] = true
	p.records = append(p.records, r)
	return nil
}

// finish returns the scopes the export covers in full — its own records',
// and the one --account and --region name, which an export that lists
// nothing there empties — or, for one page of a list, those scopes as
// failures. An export that names no scope at all is an error.
func (p *placer) finish() (complete []inventory.Scope, partial []inventory.Failure, err error) {
	if p.opts.Account != "" && p.opts.Region != "" {
		p.covered[inventory.Scope{Cloud: p.cloud, Account: p.opts.Account, Region: p.opts.Region, Kind: p.format.kind}] = true
	}
	if len(p.covered) == 0 {
		var missing []string
		if p.opts.Account == "" {
			missing = append(missing, "--account ("+p.format.account+")")
		}
		if p.opts.Region == "" {
			missing = append(missing, "--region")
		}
		return nil, nil, &Error{File: p.file, Index: -1, Err: fmt.Errorf("the export lists no copy of the account's: give %s to say which scope it empties", strings.Join(missing, " and "))}
	}
	for s := range p.covered {
		complete = append(complete, s)
	}
	slices.SortFunc(complete, compareScopes)
	if p.partial == "" {
		return complete, nil, nil
	}
	for _, s := range complete {
		partial = append(partial, inventory.Failure{Scope: s, Err: &Error{File: p.file, Index: -1, Err: errors.New(p.partial)}})
	}
	return nil, partial, nil
}

// regionOfZone returns the region of an availability zone (us-east-1a →
// us-east-1).
func regionOfZone(zone string) string {
	zone = strings.TrimSpace(zone)
	if n := len(zone); n > 1 && zone[n-1] >= 'a' && zone[n-1] <= 'z' && zone[n-2] >= '0' && zone[n-2] <= '9' {
		return zone[:n-1]
	}
	return ""
}

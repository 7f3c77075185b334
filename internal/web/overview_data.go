package web

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// The overview reads findings page by page; these bound how much one view
// reads, so a store holding millions of findings still answers quickly.
const (
	overviewDays      = 14
	overviewMaxPages  = 20 // of store.MaxFindingLimit findings: counts past it say "at least"
	overviewChains    = 25 // open chains listed
	overviewChainScan = 10 // pages of open findings searched for chains
)

// overview is what the overview page shows.
type overview struct {
	From, To  time.Time // the days counted, from the first's midnight to now (UTC)
	Days      []dayCount
	Clouds    []cloudCount
	Total     int
	Truncated bool // more findings than overviewMaxPages pages: counts are a lower bound
	Max       int  // the highest day's total, for the chart's scale

	Chains          []finding.Finding // open, newest first
	ChainsTruncated bool              // the search for chains stopped before the oldest open finding
}

// dayCount is one day's findings by severity.
type dayCount struct {
	Day   time.Time
	BySev [finding.Critical + 1]int
	Total int
}

// cloudCount is one cloud's findings by severity over the whole period.
type cloudCount struct {
	Cloud event.Cloud
	BySev [finding.Critical + 1]int
	Total int
}

// loadOverview counts the findings of the last overviewDays days (by the
// time of their first event) and finds the open chains.
func loadOverview(ctx context.Context, st *store.Store, now time.Time) (*overview, error) {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1-overviewDays)
	o := &overview{From: first, To: now}
	for i := range overviewDays {
		o.Days = append(o.Days, dayCount{Day: first.AddDate(0, 0, i)})
	}
	clouds := map[event.Cloud]*cloudCount{}
	f := store.FindingFilter{Since: first, Limit: store.MaxFindingLimit}
	for page := 0; ; page++ {
		if page == overviewMaxPages {
			o.Truncated = true
			break
		}
		p, err := st.QueryFindings(ctx, f)
		if err != nil {
			return nil, err
		}
		for i := range p.Findings {
			o.count(&p.Findings[i], clouds)
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	for _, c := range clouds {
		o.Clouds = append(o.Clouds, *c)
	}
	slices.SortFunc(o.Clouds, func(a, b cloudCount) int {
		return cmp.Or(cloudOrder(a.Cloud)-cloudOrder(b.Cloud), strings.Compare(string(a.Cloud), string(b.Cloud)))
	})
	for _, d := range o.Days {
		o.Max = max(o.Max, d.Total)
	}
	return o, o.loadChains(ctx, st)
}

func (o *overview) count(f *finding.Finding, clouds map[event.Cloud]*cloudCount) {
	if !f.Severity.Valid() {
		return
	}
	day := int(f.Time.UTC().Sub(o.From) / (24 * time.Hour))
	if day < 0 || day >= len(o.Days) {
		return // a finding stamped in the future: not in any bar
	}
	o.Days[day].BySev[f.Severity]++
	o.Days[day].Total++
	c := clouds[f.Cloud]
	if c == nil {
		c = &cloudCount{Cloud: f.Cloud}
		clouds[f.Cloud] = c
	}
	c.BySev[f.Severity]++
	c.Total++
	o.Total++
}

// loadChains finds the newest open chain findings. The store filters by
// status but not by kind, so it reads open findings newest first and keeps
// the chains.
func (o *overview) loadChains(ctx context.Context, st *store.Store) error {
	f := store.FindingFilter{Status: finding.StatusOpen, Limit: store.MaxFindingLimit}
	for page := 0; len(o.Chains) < overviewChains; page++ {
		if page == overviewChainScan {
			o.ChainsTruncated = true
			return nil
		}
		p, err := st.QueryFindings(ctx, f)
		if err != nil {
			return err
		}
		for _, fd := range p.Findings {
			if fd.Rule.Kind == finding.KindChain && len(o.Chains) < overviewChains {
				o.Chains = append(o.Chains, fd)
			}
		}
		if p.Next == "" {
			return nil
		}
		f.Cursor = p.Next
	}
	return nil
}

// cloudOrder puts the clouds in event.Clouds order, unknown ones last.
func cloudOrder(c event.Cloud) int {
	if i := slices.Index(event.Clouds, c); i >= 0 {
		return i
	}
	return len(event.Clouds)
}

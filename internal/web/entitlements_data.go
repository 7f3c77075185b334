package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// The review rules whose findings mark a grant on the page (their ids are
// internal/entitlement's; each finding's id is finding.ID(rule, grant id)).
const (
	ruleUnexpectedHolder = "entitlement-unexpected-holder"
	ruleApprovalExpired  = "entitlement-approval-expired"
)

// entitlementsMaxFindings bounds the review findings read per rule.
const entitlementsMaxFindings = 20 * store.MaxFindingLimit

// entitlementsView is what the entitlements page shows.
type entitlementsView struct {
	Stored     bool // a run is stored
	At         time.Time
	Principals int // evaluated, as the run counted them
	Holders    []holder
	Unexpected int // holders with a grant no approval covers
	Notes      []string
}

// holder is one principal and the capabilities it holds.
type holder struct {
	Cloud, Principal, Type string
	Grants                 []heldGrant
	Unexpected             bool // a grant of it has an open-or-reviewed unexpected-holder finding
	Expired                bool // a grant of it is held past its approval
}

// heldGrant is a grant with the review finding about it, if any.
type heldGrant struct {
	entitlement.Grant
	Finding *finding.Finding // unexpected holder or expired approval, from this run
}

// loadEntitlements reads the newest stored run and the review findings it
// stored, and groups the grants by principal, unexpected holders first.
func loadEntitlements(ctx context.Context, st *store.Store) (*entitlementsView, error) {
	at, body, ok, err := st.LatestEntitlementRun(ctx)
	if err != nil || !ok {
		return &entitlementsView{}, err
	}
	var rep entitlement.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		return nil, fmt.Errorf("stored entitlement run of %s: %w", at.Format(time.RFC3339), err)
	}
	v := &entitlementsView{Stored: true, At: at, Principals: rep.Principals, Notes: rep.Notes}
	// The run's review findings carry its time: older ones belong to runs
	// whose grants may since be approved.
	reviewed := map[string]*finding.Finding{}
	for _, rule := range []string{ruleUnexpectedHolder, ruleApprovalExpired} {
		if err := readFindings(ctx, st, store.FindingFilter{Rule: rule, Since: at}, entitlementsMaxFindings, func(f *finding.Finding) {
			reviewed[f.ID] = f
		}); err != nil {
			return nil, err
		}
	}
	byKey := map[string]*holder{}
	var holders []*holder
	for _, g := range rep.Grants {
		k := string(g.Cloud) + "\x00" + g.Principal
		h := byKey[k]
		if h == nil {
			h = &holder{Cloud: string(g.Cloud), Principal: g.Principal, Type: g.PrincipalType}
			byKey[k] = h
			holders = append(holders, h)
		}
		hg := heldGrant{Grant: g}
		if f := reviewed[finding.ID(ruleUnexpectedHolder, g.ID)]; f != nil {
			hg.Finding, h.Unexpected = f, true
		} else if f := reviewed[finding.ID(ruleApprovalExpired, g.ID)]; f != nil {
			hg.Finding, h.Expired = f, true
		}
		h.Grants = append(h.Grants, hg)
	}
	for _, h := range holders {
		slices.SortStableFunc(h.Grants, func(a, b heldGrant) int {
			return slices.Index(entitlement.Capabilities, a.Capability) - slices.Index(entitlement.Capabilities, b.Capability)
		})
		if h.Unexpected {
			v.Unexpected++
		}
		v.Holders = append(v.Holders, *h)
	}
	// Unexpected holders first, then those past their approval, then the
	// rest; by cloud and principal within each.
	slices.SortStableFunc(v.Holders, func(a, b holder) int {
		return cmp.Or(boolFirst(a.Unexpected, b.Unexpected), boolFirst(a.Expired, b.Expired),
			strings.Compare(a.Cloud, b.Cloud), strings.Compare(a.Principal, b.Principal))
	})
	return v, nil
}

// readFindings pages through the findings f selects, at most max of them.
func readFindings(ctx context.Context, st *store.Store, f store.FindingFilter, max int, each func(*finding.Finding)) error {
	f.Limit = store.MaxFindingLimit
	for n := 0; n < max; {
		p, err := st.QueryFindings(ctx, f)
		if err != nil {
			return err
		}
		for i := range p.Findings {
			each(&p.Findings[i])
		}
		n += len(p.Findings)
		if p.Next == "" {
			return nil
		}
		f.Cursor = p.Next
	}
	return nil
}

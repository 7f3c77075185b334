package gcp

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"google.golang.org/api/compute/v1"
)

// policyVersion asks for conditional bindings too (version 1 would hide
// them behind an error).
const policyVersion = 3

// Exposure reads a resource's IAM policy: allUsers and
// allAuthenticatedUsers make it public; every other member is someone it
// is shared with, named as the audit-log decoder names a share target (the
// email of a user, group or service account, the domain, the project of a
// project convenience member, a principal:// identity as is), so that
// inventory and events join. A deleted principal grants nothing. Any role
// counts: a resource's own policy holds only grants made on it.
func Exposure(p *compute.Policy) inventory.Exposure {
	var x inventory.Exposure
	if p == nil {
		return x
	}
	for _, b := range p.Bindings {
		if b == nil {
			continue
		}
		for _, m := range b.Members {
			switch t := member(m); t {
			case "":
			case event.Public:
				x.Public = true
			default:
				x.Accounts = append(x.Accounts, t)
			}
		}
	}
	slices.Sort(x.Accounts)
	x.Accounts = slices.Compact(x.Accounts)
	return x
}

// member returns an IAM member as a share target: event.Public, an
// identity, or "" for one that grants nothing.
func member(m string) string {
	m = strings.TrimSpace(m)
	switch m {
	case "":
		return ""
	case "allUsers", "allAuthenticatedUsers":
		return event.Public
	}
	if strings.HasPrefix(m, "principal://") || strings.HasPrefix(m, "principalSet://") {
		return m
	}
	kind, rest, ok := strings.Cut(m, ":")
	if !ok {
		return m
	}
	switch kind {
	case "user", "group", "serviceAccount", "domain", "projectOwner", "projectEditor", "projectViewer":
		return rest
	case "deleted":
		return ""
	}
	return m
}

// withPolicies reads each record's IAM policy into its Exposure, r.parallel
// at a time. A record whose policy cannot be read is left out, with the
// error returned: an unread policy would pass for "shared with no one". A
// record deleted since it was listed (404) is left out silently.
func (r *run) withPolicies(ctx context.Context, project string, col collection, recs []inventory.Record) ([]inventory.Record, error) {
	type outcome struct {
		policy *compute.Policy
		err    error
	}
	got := make([]outcome, len(recs))
	sem := make(chan struct{}, r.parallel)
	var wg sync.WaitGroup
	for i := range recs {
		if ctx.Err() != nil {
			got[i].err = ctx.Err()
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			got[i].policy, got[i].err = retry(ctx, r.retry, col.name+".getIamPolicy", func() (*compute.Policy, error) {
				return col.policy(ctx, r.svc, project, recs[i].Name)
			})
		})
	}
	wg.Wait()

	out := recs[:0]
	var first error
	failed := 0
	for i, o := range got {
		switch {
		case o.err == nil:
			recs[i].Exposure = Exposure(o.policy)
			out = append(out, recs[i])
		case status(o.err) == http.StatusNotFound:
			r.log.DebugContext(ctx, "gcp copy gone before its policy was read", keyAccount, project, keyCall, col.name, keyResource, recs[i].ID)
		default:
			failed++
			if first == nil {
				first = fmt.Errorf("read IAM policy of %s: %w", recs[i].ID, o.err)
			}
		}
	}
	if failed == 0 {
		return out, nil
	}
	if failed == 1 {
		return out, first
	}
	return out, fmt.Errorf("IAM policies of %d %s unread, the first: %w", failed, col.name, first)
}

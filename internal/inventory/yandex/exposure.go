package yandex

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"golang.org/x/sync/errgroup"
)

// The system subjects that stand for anyone.
const (
	subjectSystem        = "system"
	allUsers             = "allUsers"
	allAuthenticatedUser = "allAuthenticatedUsers"
)

// exposureOf turns a copy's own access bindings into its exposure. Every
// role counts: a binding on the copy itself is a grant to someone besides
// the folder's holders, and over-reporting a viewer is safer than missing a
// user.
func exposureOf(bs []accessBinding) inventory.Exposure {
	var e inventory.Exposure
	for _, b := range bs {
		id := b.Subject.ID
		switch {
		case id == "":
		case b.Subject.Type == subjectSystem && (id == allUsers || id == allAuthenticatedUser):
			e.Public = true
		case !slices.Contains(e.Accounts, id):
			e.Accounts = append(e.Accounts, id)
		}
	}
	slices.Sort(e.Accounts)
	return e
}

// exposures fills each record's exposure from its access bindings, at most
// Concurrency calls at once, and returns the records whose exposure was
// read, with the number of failed reads and the first failure. A copy
// deleted since the listing (404) is left out without a failure.
func (r *run) exposures(ctx context.Context, kind string, recs []inventory.Record) ([]inventory.Record, int, error) {
	gone := make([]bool, len(recs))
	errs := make([]error, len(recs))
	var g errgroup.Group
	g.SetLimit(r.workers)
	for i := range recs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			gone[i], errs[i] = r.exposure(ctx, kind, &recs[i])
			return nil
		})
	}
	_ = g.Wait()
	kept := recs[:0]
	failed := 0
	var first error
	for i := range recs {
		switch {
		case gone[i]:
		case errs[i] != nil:
			failed++
			if first == nil {
				first = errs[i]
			}
		default:
			kept = append(kept, recs[i])
		}
	}
	return kept, failed, first
}

// exposure reads one copy's bindings
// (GET /compute/v1/<kind>/<id>:listAccessBindings) into rec.Exposure, and
// reports whether the copy is gone.
func (r *run) exposure(ctx context.Context, kind string, rec *inventory.Record) (gone bool, err error) {
	var bs []accessBinding
	path := "/compute/v1/" + kind + "/" + url.PathEscape(rec.ID) + ":listAccessBindings"
	err = list(ctx, r.cl, computeHost, path, nil, r.page, "accessBindings", func(page []accessBinding) {
		bs = append(bs, page...)
	})
	if err != nil {
		var api *APIError
		return errors.As(err, &api) && api.NotFound(), err
	}
	rec.Exposure = exposureOf(bs)
	return false, nil
}

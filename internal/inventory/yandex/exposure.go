package yandex

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"github.com/snapwarden/snapwarden/internal/inventory"
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

// exposures reads the access bindings of one scope's copies, counting
// failures.
type exposures struct {
	failed int
	first  error
}

// read fills rec.Exposure from GET /compute/v1/<kind>/<id>:listAccessBindings.
// It returns false when the copy is gone since it was listed; a failure
// leaves the exposure empty and is counted.
func (x *exposures) read(ctx context.Context, r *run, kind string, rec *inventory.Record) bool {
	var bs []accessBinding
	path := "/compute/v1/" + kind + "/" + url.PathEscape(rec.ID) + ":listAccessBindings"
	err := list(ctx, r.cl, computeHost, path, nil, r.page, "accessBindings", func(page []accessBinding) {
		bs = append(bs, page...)
	})
	if err != nil {
		var api *APIError
		if errors.As(err, &api) && api.NotFound() {
			return false
		}
		if ctx.Err() == nil {
			x.failed++
			if x.first == nil {
				x.first = err
			}
		}
		return true
	}
	rec.Exposure = exposureOf(bs)
	return true
}

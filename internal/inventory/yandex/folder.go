package yandex

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// folders lists the folders of every cloud the credentials reach. A cloud
// whose folders cannot be listed is a Failure; clouds that cannot be
// listed at all end the run.
func (r *run) folders(ctx context.Context) ([]string, error) {
	var clouds []string
	err := list(ctx, r.cl, managerHost, "/resource-manager/v1/clouds", nil, r.page, "clouds", func(cs []cloud) {
		for _, c := range cs {
			clouds = append(clouds, c.ID)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("list clouds: %w", err)
	}
	var folders []string
	for _, id := range clouds {
		q := url.Values{"cloudId": {id}}
		err := list(ctx, r.cl, managerHost, "/resource-manager/v1/folders", q, r.page, "folders", func(fs []folder) {
			for _, f := range fs {
				folders = append(folders, f.ID)
			}
		})
		if err != nil {
			if ctx.Err() != nil {
				return folders, ctx.Err()
			}
			r.fail(inventory.Scope{Cloud: event.Yandex, Account: id}, fmt.Errorf("list folders of cloud %s: %w", id, err))
		}
	}
	return folders, nil
}

// zones lists the availability zones, so that a region's disk scopes are
// complete even in zones where a folder has no disk left. Without the
// listing, only the zones where disks were seen are complete.
func (r *run) zones(ctx context.Context) {
	r.zoneRegion = map[string]string{}
	err := list(ctx, r.cl, computeHost, "/compute/v1/zones", nil, r.page, "zones", func(zs []zone) {
		for _, z := range zs {
			if z.ID == "" {
				continue
			}
			if _, dup := r.zoneRegion[z.ID]; !dup {
				r.zoneList = append(r.zoneList, z.ID)
			}
			r.zoneRegion[z.ID] = z.RegionID
		}
	})
	if err != nil && ctx.Err() == nil {
		r.fail(inventory.Scope{Cloud: event.Yandex, Region: r.home(), Kind: inventory.Volume}, fmt.Errorf("list zones: %w", err))
	}
}

// folder reads one folder's snapshots, images and disks, each kind a scope
// of its own.
func (r *run) folder(ctx context.Context, f string) {
	r.snapshots(ctx, f)
	if ctx.Err() != nil {
		return
	}
	r.images(ctx, f)
	if ctx.Err() != nil {
		return
	}
	r.disks(ctx, f)
}

func (r *run) snapshots(ctx context.Context, f string) {
	s := r.scope(f, r.home(), inventory.Snapshot)
	var recs []inventory.Record
	err := list(ctx, r.cl, computeHost, "/compute/v1/snapshots", url.Values{"folderId": {f}}, r.page, "snapshots",
		func(page []snapshot) {
			for i := range page {
				if page[i].ID != "" { // nothing to join on otherwise
					recs = append(recs, snapshotRecord(s, &page[i]))
				}
			}
		})
	r.copies(ctx, s, "snapshots", recs, err)
}

func (r *run) images(ctx context.Context, f string) {
	s := r.scope(f, r.home(), inventory.Image)
	var recs []inventory.Record
	err := list(ctx, r.cl, computeHost, "/compute/v1/images", url.Values{"folderId": {f}}, r.page, "images",
		func(page []image) {
			for i := range page {
				if page[i].ID != "" {
					recs = append(recs, imageRecord(s, &page[i]))
				}
			}
		})
	r.copies(ctx, s, "images", recs, err)
}

// copies finishes a snapshot or image scope: each listed copy's exposure
// is read and the record kept (also when the listing failed part way);
// the scope is complete only when the listing and every exposure were
// read. A copy whose exposure cannot be read is left out: an empty
// exposure would read as "not shared".
func (r *run) copies(ctx context.Context, s inventory.Scope, kind string, recs []inventory.Record, listErr error) {
	recs, failed, first := r.exposures(ctx, kind, recs)
	if ctx.Err() != nil {
		return
	}
	r.res.Records = append(r.res.Records, recs...)
	switch {
	case listErr != nil && failed > 0:
		r.fail(s, fmt.Errorf("list %s: %w (and the access bindings of %d listed could not be read)", kind, listErr, failed))
	case listErr != nil:
		r.fail(s, fmt.Errorf("list %s: %w", kind, listErr))
	case failed > 0:
		r.fail(s, fmt.Errorf("list access bindings of %s: %d failed, left out; the first: %w", kind, failed, first))
	default:
		r.res.Complete = append(r.res.Complete, s)
	}
}

// disks reads a folder's disks; each asked zone is a scope, complete when
// the listing succeeded. Disks listed before a listing failed are kept.
func (r *run) disks(ctx context.Context, f string) {
	var items []disk
	err := list(ctx, r.cl, computeHost, "/compute/v1/disks", url.Values{"folderId": {f}}, r.page, "disks",
		func(page []disk) { items = append(items, page...) })
	if ctx.Err() != nil {
		return
	}
	zones := slices.Clone(r.zoneList)
	for i := range items {
		d := &items[i]
		if d.ID == "" || !r.wantZone(d.ZoneID) {
			continue
		}
		if !slices.Contains(zones, d.ZoneID) {
			zones = append(zones, d.ZoneID)
		}
		r.res.Records = append(r.res.Records, diskRecord(r.scope(f, d.ZoneID, inventory.Volume), d))
	}
	if err != nil {
		r.fail(r.scope(f, r.home(), inventory.Volume), fmt.Errorf("list disks: %w", err))
		return
	}
	for _, z := range zones {
		if r.wantZone(z) {
			r.res.Complete = append(r.res.Complete, r.scope(f, z, inventory.Volume))
		}
	}
}

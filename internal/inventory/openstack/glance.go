package openstack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// glanceImage is an Image API v2 image, the fields read. Custom properties
// are top-level keys: Nova writes instance_uuid and user_id on instance
// snapshots, Cinder cinder_encryption_key_id on images of encrypted volumes,
// Glance's image encryption os_encrypt_key_id.
type glanceImage struct {
	ID           string `json:"id"`
	Name         text   `json:"name"`
	Status       string `json:"status"`
	Visibility   string `json:"visibility"`
	Owner        string `json:"owner"`
	Size         number `json:"size"` // bytes
	Created      stamp  `json:"created_at"`
	Tags         []text `json:"tags"`
	InstanceUUID text   `json:"instance_uuid"`
	UserID       text   `json:"user_id"`
	CinderKey    text   `json:"cinder_encryption_key_id"`
	EncryptKey   text   `json:"os_encrypt_key_id"`
}

type glanceMember struct {
	MemberID string `json:"member_id"`
	Status   string `json:"status"`
}

// readImages lists the images the project owns, hidden ones too (Glance
// leaves os_hidden images out of a plain list), with their members when
// shared.
func (r *regionReader) readImages(ctx context.Context) ([]inventory.Record, error) {
	sc, err := r.image()
	if err != nil {
		return nil, err
	}
	var imgs []glanceImage
	for _, hidden := range []bool{false, true} {
		q := url.Values{"owner": {r.s.project}, "limit": {strconv.Itoa(r.c.pageSize())}}
		if hidden {
			q.Set("os_hidden", "true")
		}
		page, err := list[glanceImage](ctx, sc, sc.ServiceURL("images"), q, listing{label: "images", next: pathNext("next")})
		imgs = append(imgs, page...)
		if err != nil {
			return r.images(ctx, sc, imgs, err)
		}
	}
	return r.images(ctx, sc, imgs, nil)
}

// images turns images into records, reading the members of shared ones.
// An image whose members cannot be read is left out (its exposure is
// unknown) and fails the scope; the others are kept. listErr is the
// listing's error.
func (r *regionReader) images(ctx context.Context, sc *gophercloud.ServiceClient, imgs []glanceImage, listErr error) ([]inventory.Record, error) {
	out := make([]inventory.Record, 0, len(imgs))
	seen := map[string]bool{}
	errs := []error{listErr}
	for _, img := range imgs {
		iid := id(img.ID)
		if iid == "" || seen[iid] {
			continue
		}
		seen[iid] = true
		rec := r.record(inventory.Image, img.Owner)
		rec.ID, rec.Name, rec.State = iid, string(img.Name), img.Status
		rec.Source = id(string(img.InstanceUUID))
		rec.Created, rec.Creator = img.Created.Time, id(string(img.UserID))
		key := string(cmp.Or(img.CinderKey, img.EncryptKey))
		rec.Encrypted, rec.KeyID = key != "", key
		rec.SizeGB = bytesGB(img.Size)
		for _, t := range img.Tags {
			if rec.Tags == nil {
				rec.Tags = map[string]string{}
			}
			rec.Tags[string(t)] = ""
		}
		switch v := strings.ToLower(img.Visibility); v {
		case "public", "community":
			// Anyone may boot it; community images are only left out of
			// others' lists.
			rec.Exposure.Public, rec.Exposure.Network = true, v
		case "shared":
			members, err := r.members(ctx, sc, iid)
			if err != nil {
				errs = append(errs, fmt.Errorf("members of image %s: %w", iid, err))
				if ctx.Err() != nil {
					return out, errors.Join(errs...)
				}
				continue
			}
			rec.Exposure.Accounts = members
		}
		out = append(out, rec)
	}
	return out, errors.Join(errs...)
}

// members lists the projects an image is shared with. Every member counts,
// whatever its status: pending and rejected only keep the image out of
// the member's list, not from being booted by id.
func (r *regionReader) members(ctx context.Context, sc *gophercloud.ServiceClient, image string) ([]string, error) {
	var body struct {
		Members []glanceMember `json:"members"`
	}
	_, err := sc.Get(ctx, sc.ServiceURL("images", url.PathEscape(image), "members"), &body, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range body.Members {
		if p := id(m.MemberID); p != "" && p != r.s.project {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

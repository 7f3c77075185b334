package azure

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// regionFailure is a part of one region that could not be read (a gallery):
// that region's kind is incomplete, the others are not.
type regionFailure struct {
	region string
	err    error
}

// listGalleryVersions reads every image version of every gallery of the
// subscription (galleries → image definitions → versions). A gallery that
// fails is reported against its region; the error is for the gallery list.
func listGalleryVersions(ctx context.Context, f *armcompute.ClientFactory, sub string) ([]inventory.Record, []regionFailure, error) {
	var galleries []*armcompute.Gallery
	err := pages(ctx, f.NewGalleriesClient().NewListPager(nil), func(page armcompute.GalleriesClientListResponse) *string {
		galleries = append(galleries, page.Value...)
		return page.NextLink
	})
	if err != nil {
		return nil, nil, err
	}
	var out []inventory.Record
	var failed []regionFailure
	for _, g := range galleries {
		if g == nil || str(g.ID) == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, failed, err
		}
		recs, err := galleryVersions(ctx, f, sub, g)
		if err != nil {
			failed = append(failed, regionFailure{region(str(g.Location)), fmt.Errorf("gallery %s: %w", str(g.Name), err)})
			continue
		}
		out = append(out, recs...)
	}
	return out, failed, nil
}

// galleryVersions reads one gallery's versions, all or none: a version
// recorded without its gallery's sharing would look private.
func galleryVersions(ctx context.Context, f *armcompute.ClientFactory, sub string, g *armcompute.Gallery) ([]inventory.Record, error) {
	id, err := arm.ParseResourceID(*g.ID)
	if err != nil {
		return nil, fmt.Errorf("parse id: %w", err)
	}
	rg, gallery := id.ResourceGroupName, id.Name
	exp, err := galleryExposure(ctx, f.NewGalleriesClient(), rg, gallery, g)
	if err != nil {
		return nil, fmt.Errorf("read sharing profile: %w", err)
	}
	var images []string
	err = pages(ctx, f.NewGalleryImagesClient().NewListByGalleryPager(rg, gallery, nil), func(page armcompute.GalleryImagesClientListByGalleryResponse) *string {
		for _, im := range page.Value {
			if im != nil && str(im.Name) != "" {
				images = append(images, *im.Name)
			}
		}
		return page.NextLink
	})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var out []inventory.Record
	vc := f.NewGalleryImageVersionsClient()
	for _, image := range images {
		err := pages(ctx, vc.NewListByGalleryImagePager(rg, gallery, image, nil), func(page armcompute.GalleryImageVersionsClientListByGalleryImageResponse) *string {
			for _, v := range page.Value {
				if r, ok := versionRecord(sub, gallery+"/"+image, v, exp); ok {
					out = append(out, r)
				}
			}
			return page.NextLink
		})
		if err != nil {
			return nil, fmt.Errorf("list versions of image %s: %w", image, err)
		}
	}
	return out, nil
}

// galleryExposure is who a gallery's images are shared with: the
// subscriptions and tenants of a Groups share (which only a GET with
// $select=Permissions returns), or everyone for a community gallery. RBAC
// grants on the gallery are not shown by this API.
func galleryExposure(ctx context.Context, c *armcompute.GalleriesClient, rg, name string, g *armcompute.Gallery) (inventory.Exposure, error) {
	var sp *armcompute.SharingProfile
	if g.Properties != nil {
		sp = g.Properties.SharingProfile
	}
	if sp == nil {
		return inventory.Exposure{}, nil
	}
	var e inventory.Exposure
	switch {
	case strings.EqualFold(str(sp.Permissions), string(armcompute.GallerySharingPermissionTypesCommunity)):
		e.Public, e.Network = true, NetworkCommunity
	case strings.EqualFold(str(sp.Permissions), string(armcompute.GallerySharingPermissionTypesGroups)) && len(sp.Groups) == 0:
		resp, err := c.Get(ctx, rg, name, &armcompute.GalleriesClientGetOptions{Select: to.Ptr(armcompute.SelectPermissionsPermissions)})
		if err != nil {
			return e, err
		}
		if resp.Properties != nil && resp.Properties.SharingProfile != nil {
			sp = resp.Properties.SharingProfile
		}
	}
	for _, grp := range sp.Groups {
		if grp == nil {
			continue
		}
		for _, id := range grp.IDs {
			if a := strings.ToLower(strings.TrimSpace(str(id))); a != "" && !slices.Contains(e.Accounts, a) {
				e.Accounts = append(e.Accounts, a)
			}
		}
	}
	slices.Sort(e.Accounts)
	return e, nil
}

// versionRecord maps a gallery image version, named gallery/image/version.
func versionRecord(sub, image string, v *armcompute.GalleryImageVersion, exp inventory.Exposure) (inventory.Record, bool) {
	if v == nil || str(v.ID) == "" {
		return inventory.Record{}, false
	}
	r := inventory.Record{
		Cloud:     event.Azure,
		Account:   sub,
		Region:    region(str(v.Location)),
		Kind:      inventory.Image,
		ID:        event.AzureID(*v.ID),
		Name:      image + "/" + str(v.Name),
		Encrypted: true,
		Tags:      tags(v.Tags),
		Exposure:  inventory.Exposure{Public: exp.Public, Network: exp.Network, Accounts: slices.Clone(exp.Accounts)},
	}
	p := v.Properties
	if p == nil {
		return r, true
	}
	r.State = str(p.ProvisioningState)
	if pp := p.PublishingProfile; pp != nil {
		r.Created = when(pp.PublishedDate)
		r.KeyID = versionKey(pp.TargetRegions, r.Region)
	}
	if sp := p.StorageProfile; sp != nil {
		r.Source = versionSource(sp)
		if d := sp.OSDiskImage; d != nil {
			r.SizeGB += gb(d.SizeInGB)
		}
		for _, d := range sp.DataDiskImages {
			if d != nil {
				r.SizeGB += gb(d.SizeInGB)
			}
		}
	}
	return r, true
}

// versionSource is what a version was made from: a VM, a managed image or
// another version, else its OS disk's disk, snapshot or blob.
func versionSource(sp *armcompute.GalleryImageVersionStorageProfile) string {
	var s string
	if src := sp.Source; src != nil {
		s = first(armID(src.VirtualMachineID), armID(src.ID), armID(src.CommunityGalleryImageID))
	}
	if s == "" && sp.OSDiskImage != nil && sp.OSDiskImage.Source != nil {
		ds := sp.OSDiskImage.Source
		s = armID(ds.ID)
		if s == "" && str(ds.URI) != "" {
			s = blobURL(*ds.URI)
		}
	}
	return s
}

// versionKey is the disk encryption set of the version's home region, else
// of any region it is replicated to.
func versionKey(regions []*armcompute.TargetRegion, home string) string {
	var other string
	for _, tr := range regions {
		if tr == nil || tr.Encryption == nil {
			continue
		}
		k := ""
		if od := tr.Encryption.OSDiskImage; od != nil {
			k = armID(od.DiskEncryptionSetID)
		}
		for _, d := range tr.Encryption.DataDiskImages {
			if k == "" && d != nil {
				k = armID(d.DiskEncryptionSetID)
			}
		}
		if k == "" {
			continue
		}
		if region(str(tr.Name)) == home {
			return k
		}
		if other == "" {
			other = k
		}
	}
	return other
}

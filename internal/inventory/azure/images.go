package azure

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// listImages reads the subscription's managed images.
func listImages(ctx context.Context, f *armcompute.ClientFactory, sub string) ([]inventory.Record, error) {
	var out []inventory.Record
	p := f.NewImagesClient().NewListPager(nil)
	err := pages(ctx, p, func(page armcompute.ImagesClientListResponse) *string {
		for _, im := range page.Value {
			if r, ok := imageRecord(sub, im); ok {
				out = append(out, r)
			}
		}
		return page.NextLink
	})
	return out, err
}

// imageRecord maps a managed image. The API gives no creation time, and a
// managed image is shared only through RBAC, which it does not show.
func imageRecord(sub string, im *armcompute.Image) (inventory.Record, bool) {
	if im == nil || str(im.ID) == "" {
		return inventory.Record{}, false
	}
	r := inventory.Record{
		Cloud:     event.Azure,
		Account:   sub,
		Region:    region(str(im.Location)),
		Kind:      inventory.Image,
		ID:        event.AzureID(*im.ID),
		Name:      str(im.Name),
		Encrypted: true,
		Tags:      tags(im.Tags),
	}
	p := im.Properties
	if p == nil {
		return r, true
	}
	r.State = str(p.ProvisioningState)
	if p.SourceVirtualMachine != nil {
		r.Source = armID(p.SourceVirtualMachine.ID)
	}
	sp := p.StorageProfile
	if sp == nil {
		return r, true
	}
	if d := sp.OSDisk; d != nil {
		r.Source = first(r.Source, imageDiskSource(d.Snapshot, d.ManagedDisk, d.BlobURI))
		r.SizeGB += gb(d.DiskSizeGB)
		if d.DiskEncryptionSet != nil {
			r.KeyID = armID(d.DiskEncryptionSet.ID)
		}
	}
	for _, d := range sp.DataDisks {
		if d == nil {
			continue
		}
		r.SizeGB += gb(d.DiskSizeGB)
		if r.KeyID == "" && d.DiskEncryptionSet != nil {
			r.KeyID = armID(d.DiskEncryptionSet.ID)
		}
	}
	return r, true
}

// imageDiskSource is an image disk's origin: a snapshot, a managed disk or
// a blob.
func imageDiskSource(snap, disk *armcompute.SubResource, blob *string) string {
	var s, d string
	if snap != nil {
		s = armID(snap.ID)
	}
	if disk != nil {
		d = armID(disk.ID)
	}
	var b string
	if u := str(blob); u != "" {
		b = blobURL(u)
	}
	return first(s, d, b)
}

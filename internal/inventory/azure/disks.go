package azure

import (
	"context"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// listSnapshots reads every snapshot of the subscription.
func listSnapshots(ctx context.Context, f *armcompute.ClientFactory, sub string) ([]inventory.Record, error) {
	var out []inventory.Record
	p := f.NewSnapshotsClient().NewListPager(nil)
	err := pages(ctx, p, func(page armcompute.SnapshotsClientListResponse) *string {
		for _, s := range page.Value {
			if r, ok := snapshotRecord(sub, s); ok {
				out = append(out, r)
			}
		}
		return page.NextLink
	})
	return out, err
}

// listDisks reads the subscription's disks that were copied or restored from
// something (a snapshot, a disk, an image, a blob); blank disks and disks of
// marketplace images are not copies and are left out.
func listDisks(ctx context.Context, f *armcompute.ClientFactory, sub string) ([]inventory.Record, error) {
	var out []inventory.Record
	p := f.NewDisksClient().NewListPager(nil)
	err := pages(ctx, p, func(page armcompute.DisksClientListResponse) *string {
		for _, d := range page.Value {
			if r, ok := diskRecord(sub, d); ok {
				out = append(out, r)
			}
		}
		return page.NextLink
	})
	return out, err
}

func snapshotRecord(sub string, s *armcompute.Snapshot) (inventory.Record, bool) {
	if s == nil || str(s.ID) == "" {
		return inventory.Record{}, false
	}
	r := inventory.Record{
		Cloud:     event.Azure,
		Account:   sub,
		Region:    region(str(s.Location)),
		Kind:      inventory.Snapshot,
		ID:        event.AzureID(*s.ID),
		Name:      str(s.Name),
		Encrypted: true, // every managed disk and snapshot is encrypted at rest
		Tags:      tags(s.Tags),
		Exposure:  DiskExposure("", "", "", ""),
	}
	if p := s.Properties; p != nil {
		r.Source = creationSource(p.CreationData)
		r.Created = when(p.TimeCreated)
		r.KeyID = keyOf(p.Encryption, p.SecurityProfile)
		r.SizeGB = sizeGB(p.DiskSizeGB, p.DiskSizeBytes)
		r.State = first(str(p.DiskState), str(p.ProvisioningState))
		r.Exposure = DiskExposure(str(p.NetworkAccessPolicy), str(p.PublicNetworkAccess), str(p.DiskState), str(p.DataAccessAuthMode))
	}
	return r, true
}

func diskRecord(sub string, d *armcompute.Disk) (inventory.Record, bool) {
	if d == nil || str(d.ID) == "" || d.Properties == nil {
		return inventory.Record{}, false
	}
	p := d.Properties
	src := creationSource(p.CreationData)
	if src == "" {
		return inventory.Record{}, false
	}
	return inventory.Record{
		Cloud:     event.Azure,
		Account:   sub,
		Region:    region(str(d.Location)),
		Kind:      inventory.Volume,
		ID:        event.AzureID(*d.ID),
		Name:      str(d.Name),
		Source:    src,
		Created:   when(p.TimeCreated),
		Encrypted: true,
		KeyID:     keyOf(p.Encryption, p.SecurityProfile),
		SizeGB:    sizeGB(p.DiskSizeGB, p.DiskSizeBytes),
		State:     first(str(p.DiskState), str(p.ProvisioningState)),
		Tags:      tags(d.Tags),
		Exposure:  DiskExposure(str(p.NetworkAccessPolicy), str(p.PublicNetworkAccess), str(p.DiskState), str(p.DataAccessAuthMode)),
	}, true
}

// creationSource is what a disk or snapshot was made from: a disk or
// snapshot (Copy, CopyStart, Restore), a user or gallery image (FromImage),
// or a storage blob (Import). Marketplace images are not sources of copies.
func creationSource(c *armcompute.CreationData) string {
	if c == nil {
		return ""
	}
	if id := armID(c.SourceResourceID); id != "" {
		return id
	}
	for _, ref := range []*armcompute.ImageDiskReference{c.GalleryImageReference, c.ImageReference} {
		if ref == nil {
			continue
		}
		id := first(armID(ref.ID), armID(ref.SharedGalleryImageID), armID(ref.CommunityGalleryImageID))
		if id != "" && !platformImage(id) {
			return id
		}
	}
	if u := str(c.SourceURI); u != "" {
		return blobURL(u)
	}
	return ""
}

// platformImage reports whether an image reference names a marketplace
// image (…/providers/microsoft.compute/locations/L/publishers/P/…).
func platformImage(id string) bool {
	return strings.Contains(id, "/providers/microsoft.compute/locations/") && strings.Contains(id, "/publishers/")
}

// keyOf is the customer-managed key's disk encryption set: the one the
// disk names, else the confidential-VM one; "" for platform keys.
func keyOf(e *armcompute.Encryption, sp *armcompute.DiskSecurityProfile) string {
	var id string
	if e != nil {
		id = armID(e.DiskEncryptionSetID)
	}
	if id == "" && sp != nil {
		id = armID(sp.SecureVMDiskEncryptionSetID)
	}
	return id
}

package gcp

import (
	"cmp"
	"context"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"google.golang.org/api/compute/v1"
)

// images lists a project's own disk images.
var images = collection{
	name: "images",
	kind: inventory.Image,
	list: func(ctx context.Context, s *compute.Service, project, token string) ([]inventory.Record, string, error) {
		page, err := s.Images.List(project).MaxResults(pageSize).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, "", err
		}
		var out []inventory.Record
		for _, it := range page.Items {
			if it != nil && it.Name != "" {
				out = append(out, imageRecord(project, it))
			}
		}
		return out, page.NextPageToken, nil
	},
	policy: func(ctx context.Context, s *compute.Service, project, resource string) (*compute.Policy, error) {
		return s.Images.GetIamPolicy(project, resource).OptionsRequestedPolicyVersion(policyVersion).Context(ctx).Do()
	},
}

// imageRecord reads an image. Its source is the disk, snapshot or image it
// was made from, or the Cloud Storage tarball it was imported from.
func imageRecord(project string, im *compute.Image) inventory.Record {
	src := event.GCPName(cmp.Or(im.SourceDisk, im.SourceSnapshot, im.SourceImage))
	if src == "" && im.RawDisk != nil {
		src = storageURI(im.RawDisk.Source)
	}
	return inventory.Record{
		Cloud:     event.GCP,
		Account:   project,
		Region:    location(im.StorageLocations),
		Kind:      inventory.Image,
		ID:        name(project, "images", im.Name),
		Name:      im.Name,
		Source:    src,
		Created:   created(im.CreationTimestamp),
		Encrypted: true,
		KeyID:     keyID(im.ImageEncryptionKey),
		SizeGB:    im.DiskSizeGb,
		State:     im.Status,
		Tags:      tags(im.Labels),
	}
}

// machineImages lists a project's machine images: a whole instance's disks
// and settings, so also of kind Image.
var machineImages = collection{
	name: "machineImages",
	kind: inventory.Image,
	list: func(ctx context.Context, s *compute.Service, project, token string) ([]inventory.Record, string, error) {
		page, err := s.MachineImages.List(project).MaxResults(pageSize).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, "", err
		}
		var out []inventory.Record
		for _, it := range page.Items {
			if it != nil && it.Name != "" {
				out = append(out, machineImageRecord(project, it))
			}
		}
		return out, page.NextPageToken, nil
	},
	policy: func(ctx context.Context, s *compute.Service, project, resource string) (*compute.Policy, error) {
		return s.MachineImages.GetIamPolicy(project, resource).OptionsRequestedPolicyVersion(policyVersion).Context(ctx).Do()
	},
}

// machineImageRecord reads a machine image: its source is the instance.
func machineImageRecord(project string, m *compute.MachineImage) inventory.Record {
	return inventory.Record{
		Cloud:     event.GCP,
		Account:   project,
		Region:    location(m.StorageLocations),
		Kind:      inventory.Image,
		ID:        name(project, "machineImages", m.Name),
		Name:      m.Name,
		Source:    event.GCPName(m.SourceInstance),
		Created:   created(m.CreationTimestamp),
		Encrypted: true,
		KeyID:     keyID(m.MachineImageEncryptionKey),
		SizeGB:    machineImageSize(m),
		State:     m.Status,
		Tags:      tags(m.Labels),
	}
}

// gib is a binary gigabyte, the unit of diskSizeGb.
const gib = 1 << 30

// machineImageSize is the size of the instance's disks, or (when the
// source's properties are missing) the stored bytes rounded up to GB.
func machineImageSize(m *compute.MachineImage) int64 {
	var n int64
	if p := m.SourceInstanceProperties; p != nil {
		for _, d := range p.Disks {
			if d != nil && d.DiskSizeGb > 0 {
				n += d.DiskSizeGb
			}
		}
	}
	if n == 0 && m.TotalStorageBytes > 0 {
		n = (m.TotalStorageBytes + gib - 1) / gib
	}
	return n
}

package gcp

import (
	"cmp"
	"context"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"google.golang.org/api/compute/v1"
)

// snapshots lists a project's (global) disk snapshots.
var snapshots = collection{
	name: "snapshots",
	kind: inventory.Snapshot,
	list: func(ctx context.Context, s *compute.Service, project, token string) ([]inventory.Record, string, error) {
		page, err := s.Snapshots.List(project).MaxResults(pageSize).PageToken(token).Context(ctx).Do()
		if err != nil {
			return nil, "", err
		}
		var out []inventory.Record
		for _, it := range page.Items {
			if it != nil && it.Name != "" {
				out = append(out, snapshotRecord(project, it))
			}
		}
		return out, page.NextPageToken, nil
	},
	policy: func(ctx context.Context, s *compute.Service, project, resource string) (*compute.Policy, error) {
		return s.Snapshots.GetIamPolicy(project, resource).OptionsRequestedPolicyVersion(policyVersion).Context(ctx).Do()
	},
}

// snapshotRecord reads a snapshot. Its source is the disk (or instant
// snapshot) it was taken from; who took it the API does not say.
func snapshotRecord(project string, s *compute.Snapshot) inventory.Record {
	return inventory.Record{
		Cloud:     event.GCP,
		Account:   project,
		Region:    location(s.StorageLocations),
		Kind:      inventory.Snapshot,
		ID:        name(project, "snapshots", s.Name),
		Name:      s.Name,
		Source:    event.GCPName(cmp.Or(s.SourceDisk, s.SourceInstantSnapshot)),
		Created:   created(s.CreationTimestamp),
		Encrypted: true, // at rest always: Google-managed unless a key is named
		KeyID:     keyID(s.SnapshotEncryptionKey),
		SizeGB:    s.DiskSizeGb,
		State:     s.Status,
		Tags:      tags(s.Labels),
	}
}

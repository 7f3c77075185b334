package importer

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// gcpSnapshot is an element of gcloud compute snapshots list --format=json:
// the API's Snapshot resource as is (int64 fields as strings). Sharing is
// in the snapshot's IAM policy, which the list does not carry.
type gcpSnapshot struct {
	Name                  string   `json:"name"`
	SelfLink              string   `json:"selfLink"`
	Status                string   `json:"status"`
	CreationTimestamp     string   `json:"creationTimestamp"`
	SourceDisk            string   `json:"sourceDisk"`
	SourceInstantSnapshot string   `json:"sourceInstantSnapshot"`
	DiskSizeGB            number   `json:"diskSizeGb"`
	StorageLocations      []string `json:"storageLocations"`
	Labels                labels   `json:"labels"`
	SnapshotEncryptionKey *struct {
		KmsKeyName string `json:"kmsKeyName"`
		Sha256     string `json:"sha256"`
	} `json:"snapshotEncryptionKey"`
}

func gcpSnapshots(data []byte, p *placer) error {
	elems, err := listOf(p, data, "")
	if err != nil {
		return err
	}
	return each(p, elems, func(i int, s *gcpSnapshot) error {
		id := event.GCPName(s.SelfLink)
		if id == "" && s.Name != "" && p.opts.Account != "" {
			id = "projects/" + p.opts.Account + "/global/snapshots/" + strings.TrimSpace(s.Name)
		}
		if id == "" {
			return p.errorf(i, "%q has no selfLink: give --account (project id)", s.Name)
		}
		created, err := parseTime(s.CreationTimestamp)
		if err != nil {
			return p.errorf(i, "creationTimestamp: %v", err)
		}
		source := event.GCPName(s.SourceDisk)
		if source == "" {
			source = event.GCPName(s.SourceInstantSnapshot)
		}
		r := inventory.Record{
			ID:      id,
			Name:    s.Name,
			Source:  source,
			Created: created,
			// Google encrypts every snapshot; a key is named only when the
			// customer manages it.
			Encrypted: true,
			SizeGB:    int64(s.DiskSizeGB),
			State:     s.Status,
			Tags:      s.Labels.tags(),
		}
		if k := s.SnapshotEncryptionKey; k != nil {
			// A customer-supplied key shows only its hash, named as the
			// GCP collector names it.
			switch {
			case k.KmsKeyName != "":
				r.KeyID = k.KmsKeyName
			case k.Sha256 != "":
				r.KeyID = "csek:" + k.Sha256
			}
		}
		var region string
		if len(s.StorageLocations) > 0 {
			region = s.StorageLocations[0]
		}
		return p.add(i, r, event.GCPProject(id), region)
	})
}

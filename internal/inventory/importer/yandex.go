package importer

import (
	"cmp"
	"strings"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// ycSnapshot is an element of yc compute snapshot list --format json: the
// API's Snapshot in the CLI's snake_case names (the REST API's camelCase,
// also read). Sizes are bytes, as strings. The API names no creator and no
// zone, and sharing is not a property of a snapshot. Records match the
// Yandex collector's (internal/inventory/yandex).
type ycSnapshot struct {
	ID          string `json:"id"`
	FolderID    string `json:"folder_id"`
	FolderIDC   string `json:"folderId"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
	CreatedAtC  string `json:"createdAt"`
	DiskSize    number `json:"disk_size"`
	DiskSizeC   number `json:"diskSize"`
	SourceDisk  string `json:"source_disk_id"`
	SourceDiskC string `json:"sourceDiskId"`
	Labels      labels `json:"labels"`
	KMSKey      *ycKey `json:"kms_key"`
	KMSKeyCamel *ycKey `json:"kmsKey"`
}

type ycKey struct {
	KeyID  string `json:"key_id"`
	KeyIDC string `json:"keyId"`
}

func yandexSnapshots(data []byte, p *placer) error {
	elems, err := listOf(p, data, "")
	if err != nil {
		return err
	}
	return each(p, elems, func(i int, s *ycSnapshot) error {
		created, err := parseTime(cmp.Or(s.CreatedAt, s.CreatedAtC))
		if err != nil {
			return p.errorf(i, "created_at: %v", err)
		}
		r := inventory.Record{
			ID:      strings.TrimSpace(s.ID),
			Name:    s.Name,
			Source:  strings.TrimSpace(cmp.Or(s.SourceDisk, s.SourceDiskC)),
			Created: created,
			// Yandex encrypts all data at rest; KeyID is the customer's
			// KMS key when one was chosen.
			Encrypted: true,
			// The disk's size, as other clouds give it; storage_size is
			// only the delta kept.
			SizeGB: gib(cmp.Or(s.DiskSize, s.DiskSizeC)),
			State:  s.Status,
			Tags:   s.Labels.tags(),
		}
		if k := cmp.Or(s.KMSKey, s.KMSKeyCamel); k != nil {
			r.KeyID = cmp.Or(k.KeyID, k.KeyIDC)
		}
		return p.add(i, r, cmp.Or(s.FolderID, s.FolderIDC), "")
	})
}

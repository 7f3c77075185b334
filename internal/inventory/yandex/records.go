package yandex

import "github.com/snapwarden/snapwarden/internal/inventory"

// Records from the API's resources. Yandex encrypts all data at rest with
// its own keys, so every copy is encrypted; KeyID is the customer's KMS key
// when one was chosen. Creator stays empty: no resource names its creator.

func snapshotRecord(s inventory.Scope, v *snapshot) inventory.Record {
	return inventory.Record{
		Cloud:     s.Cloud,
		Account:   s.Account,
		Region:    s.Region,
		Kind:      s.Kind,
		ID:        v.ID,
		Name:      v.Name,
		Source:    v.SourceDiskID,
		Created:   v.CreatedAt.time(),
		Encrypted: true,
		KeyID:     v.KMSKey.id(),
		// The disk's size, as other clouds give a snapshot's volume size;
		// storageSize is only the delta kept.
		SizeGB: v.DiskSize.gib(),
		State:  v.Status,
		Tags:   v.Labels,
	}
}

// imageRecord leaves Source empty: an image does not say what it was made
// from.
func imageRecord(s inventory.Scope, v *image) inventory.Record {
	size := v.MinDiskSize
	if size == 0 {
		size = v.StorageSize
	}
	return inventory.Record{
		Cloud:     s.Cloud,
		Account:   s.Account,
		Region:    s.Region,
		Kind:      s.Kind,
		ID:        v.ID,
		Name:      v.Name,
		Created:   v.CreatedAt.time(),
		Encrypted: true,
		KeyID:     v.KMSKey.id(),
		SizeGB:    size.gib(),
		State:     v.Status,
		Tags:      v.Labels,
	}
}

// diskRecord's Source is the snapshot or image the disk was restored from;
// empty for a blank disk.
func diskRecord(s inventory.Scope, v *disk) inventory.Record {
	src := v.SourceSnapshotID
	if src == "" {
		src = v.SourceImageID
	}
	return inventory.Record{
		Cloud:     s.Cloud,
		Account:   s.Account,
		Region:    s.Region,
		Kind:      s.Kind,
		ID:        v.ID,
		Name:      v.Name,
		Source:    src,
		Created:   v.CreatedAt.time(),
		Encrypted: true,
		KeyID:     v.KMSKey.id(),
		SizeGB:    v.Size.gib(),
		State:     v.Status,
		Tags:      v.Labels,
	}
}

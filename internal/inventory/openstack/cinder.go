package openstack

import (
	"cmp"
	"context"
	"net/url"
	"strconv"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// Cinder's list-detail responses (Block Storage API v3), the fields read.

type cinderVolume struct {
	ID          string          `json:"id"`
	Name        text            `json:"name"`
	Status      string          `json:"status"`
	Size        number          `json:"size"`
	Created     stamp           `json:"created_at"`
	UserID      string          `json:"user_id"`
	SnapshotID  string          `json:"snapshot_id"`
	SourceVolID string          `json:"source_volid"`
	BackupID    string          `json:"backup_id"` // 3.47
	Encrypted   bool            `json:"encrypted"`
	KeyID       string          `json:"encryption_key_id"` // 3.64
	Metadata    map[string]text `json:"metadata"`
	ImageMeta   map[string]text `json:"volume_image_metadata"`
	ProjectID   string          `json:"os-vol-tenant-attr:tenant_id"` // admin only
}

type cinderSnapshot struct {
	ID        string          `json:"id"`
	Name      text            `json:"name"`
	Status    string          `json:"status"`
	Size      number          `json:"size"`
	Created   stamp           `json:"created_at"`
	VolumeID  string          `json:"volume_id"`
	UserID    string          `json:"user_id"` // 3.41
	Metadata  map[string]text `json:"metadata"`
	ProjectID string          `json:"os-extended-snapshot-attributes:project_id"`
}

type cinderBackup struct {
	ID        string          `json:"id"`
	Name      text            `json:"name"`
	Status    string          `json:"status"`
	Size      number          `json:"size"`
	Created   stamp           `json:"created_at"`
	VolumeID  string          `json:"volume_id"`
	UserID    string          `json:"user_id"`           // 3.56
	KeyID     string          `json:"encryption_key_id"` // 3.64
	Metadata  map[string]text `json:"metadata"`          // 3.43
	ProjectID string          `json:"os-backup-project-attr:project_id"`
}

func (r *regionReader) pageQuery() url.Values {
	return url.Values{"limit": {strconv.Itoa(r.c.pageSize())}}
}

// readVolumes lists volumes (Kind Volume) with what each was made from:
// a snapshot, another volume, a backup or an image.
func (r *regionReader) readVolumes(ctx context.Context) ([]inventory.Record, error) {
	sc, err := r.blockStorage(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := list[cinderVolume](ctx, sc, sc.ServiceURL("volumes", "detail"), r.pageQuery(),
		listing{label: "volumes", next: linksNext("volumes_links")})
	out := make([]inventory.Record, 0, len(vols))
	for _, v := range vols {
		if id(v.ID) == "" {
			continue
		}
		r.volumes[id(v.ID)] = volumeKey{encrypted: v.Encrypted || v.KeyID != "", keyID: v.KeyID}
		rec := r.record(inventory.Volume, v.ProjectID)
		rec.ID, rec.Name, rec.State = id(v.ID), string(v.Name), v.Status
		rec.Source = id(cmp.Or(v.SnapshotID, v.SourceVolID, v.BackupID, string(v.ImageMeta["image_id"])))
		rec.Created, rec.Creator = v.Created.Time, v.UserID
		rec.Encrypted, rec.KeyID = v.Encrypted || v.KeyID != "", v.KeyID
		rec.SizeGB, rec.Tags = gb(v.Size), tags(v.Metadata)
		out = append(out, rec)
	}
	return out, err
}

// readSnapshots lists volume snapshots; each is encrypted as its volume is.
func (r *regionReader) readSnapshots(ctx context.Context) ([]inventory.Record, error) {
	sc, err := r.blockStorage(ctx)
	if err != nil {
		return nil, err
	}
	snaps, err := list[cinderSnapshot](ctx, sc, sc.ServiceURL("snapshots", "detail"), r.pageQuery(),
		listing{label: "snapshots", next: linksNext("snapshots_links")})
	out := make([]inventory.Record, 0, len(snaps))
	for _, s := range snaps {
		if id(s.ID) == "" {
			continue
		}
		rec := r.record(inventory.Snapshot, s.ProjectID)
		rec.ID, rec.Name, rec.State = id(s.ID), string(s.Name), s.Status
		rec.Source = id(s.VolumeID)
		rec.Created, rec.Creator = s.Created.Time, s.UserID
		key := r.volumes[rec.Source]
		rec.Encrypted, rec.KeyID = key.encrypted, key.keyID
		rec.SizeGB, rec.Tags = gb(s.Size), tags(s.Metadata)
		out = append(out, rec)
	}
	return out, err
}

// readBackups lists volume backups. A backup names its own (cloned) key
// from 3.64; below that it is encrypted as its volume is, key unknown.
func (r *regionReader) readBackups(ctx context.Context) ([]inventory.Record, error) {
	sc, err := r.blockStorage(ctx)
	if err != nil {
		return nil, err
	}
	backups, err := list[cinderBackup](ctx, sc, sc.ServiceURL("backups", "detail"), r.pageQuery(),
		listing{label: "backups", next: linksNext("backups_links")})
	out := make([]inventory.Record, 0, len(backups))
	for _, b := range backups {
		if id(b.ID) == "" {
			continue
		}
		rec := r.record(inventory.Backup, b.ProjectID)
		rec.ID, rec.Name, rec.State = id(b.ID), string(b.Name), b.Status
		rec.Source = id(b.VolumeID)
		rec.Created, rec.Creator = b.Created.Time, b.UserID
		key := r.volumes[rec.Source]
		rec.Encrypted, rec.KeyID = b.KeyID != "" || key.encrypted, b.KeyID
		rec.SizeGB, rec.Tags = gb(b.Size), tags(b.Metadata)
		out = append(out, rec)
	}
	return out, err
}

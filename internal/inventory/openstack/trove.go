package openstack

import (
	"cmp"
	"context"
	"strings"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// troveBackup is a Trove (Database API v1.0) backup, the fields read; VK
// Cloud's DBaaS answers the same call.
type troveBackup struct {
	ID         string `json:"id"`
	Name       text   `json:"name"`
	Status     string `json:"status"`
	Size       number `json:"size"` // GB, fractional
	Created    stamp  `json:"created"`
	InstanceID string `json:"instance_id"`
	ClusterID  string `json:"cluster_id"`
	ProjectID  string `json:"project_id"`
	Location   text   `json:"locationRef"`
}

// readDBBackups lists database backups (Kind DBSnapshot), each with the
// instance (or cluster) it was taken of. Trove names no creator and no key:
// a backup the guest agent encrypted is stored as "<id>.<manifest>.enc".
func (r *regionReader) readDBBackups(ctx context.Context) ([]inventory.Record, error) {
	sc, err := r.database()
	if err != nil {
		return nil, err
	}
	backups, err := list[troveBackup](ctx, sc, sc.ServiceURL("backups"), r.pageQuery(),
		listing{label: "backups", next: linksNext("links")})
	out := make([]inventory.Record, 0, len(backups))
	for _, b := range backups {
		if id(b.ID) == "" {
			continue
		}
		rec := r.record(inventory.DBSnapshot, b.ProjectID)
		rec.ID, rec.Name, rec.State = id(b.ID), string(b.Name), b.Status
		rec.Source = id(cmp.Or(b.InstanceID, b.ClusterID))
		rec.Created = b.Created.Time
		rec.Encrypted = strings.HasSuffix(strings.TrimSpace(string(b.Location)), ".enc")
		rec.SizeGB = gb(b.Size)
		out = append(out, rec)
	}
	return out, err
}

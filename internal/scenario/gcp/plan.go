package gcp

import (
	"fmt"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// plan fills the call the op's kind makes.
func (r *render) plan() error {
	op := r.op
	switch op.Kind {
	case scenario.VolumeCreate, scenario.VolumeRestore:
		r.diskInsert()
	case scenario.VolumeDelete:
		r.computeDelete(op.Target, "disks", "gce_disk")
	case scenario.SnapshotCreate:
		if op.Actor.Kind == scenario.Automation {
			r.diskCreateSnapshot() // what schedulers and client libraries call
		} else {
			r.snapshotInsert() // gcloud compute snapshots create
		}
	case scenario.SnapshotDelete:
		r.computeDelete(op.Target, "snapshots", "gce_snapshot")
	case scenario.SnapshotShare, scenario.SnapshotUnshare, scenario.ImageShare:
		r.setIAMPolicy()
	case scenario.SnapshotExport:
		r.imageExport()
	case scenario.ImageCreate:
		r.imageInsert()
	case scenario.VolumeAttach:
		r.attachDisk()
	case scenario.InstanceCreate:
		r.instanceInsert()
	case scenario.IngressOpen:
		r.firewallInsert()
	case scenario.PrincipalCreate:
		r.createServiceAccount()
	case scenario.CredentialCreate:
		r.createServiceAccountKey()
	case scenario.RoleAssign:
		r.grantRole()
	case scenario.DBModify:
		r.sqlUserUpdate()
	default:
		return fmt.Errorf("gcp: no operation renders kind %d", op.Kind)
	}
	return nil
}

// Relative names: projects/P/zones/Z/disks/D and the like.

func lastSegment(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

func segment(name, key string) string {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == key {
			return parts[i+1]
		}
	}
	return ""
}

func collection(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

// zoneIn returns the zone of a zonal name, else the op's zone.
func (r *render) zoneIn(name string) string {
	if z := segment(name, "zones"); z != "" {
		return z
	}
	return zoneOf(r.op.Region)
}

// spread derives a value in [lo, hi) from the op's id.
func (r *render) spread(salt uint64, lo, hi int) int {
	return lo + int(hash(r.op.ID, salt)%uint64(hi-lo))
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

package openstack

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Cinder's volume service sends legacy notifications: publisher
// volume.<host> or snapshot.<host>, payloads built by volume_utils'
// _usage_from_volume and _usage_from_snapshot.

// cinderHost is the volume service's host and backend.
const cinderHost = "cinder-volume-01@ceph"

// volumeSize is a volume's size in GiB, the same for every record of it.
func volumeSize(id string) int {
	sizes := [...]int{20, 40, 50, 80, 100, 200, 500}
	d := deriveFrom("size\x00" + id)
	return sizes[d.intn(len(sizes))]
}

// volumeCreate renders volume.create: from a snapshot (snapshot_id set, a
// restore) or empty.
func (w *writer) volumeCreate(op *scenario.Op, p *project, d *derive) {
	vol, snap, size := op.Created, "", volumeSize(op.Created)
	if op.Kind == scenario.VolumeRestore {
		snap = op.Source
		if v := w.snapVolume[snap]; v != "" {
			size = volumeSize(v)
		}
	}
	created := op.Time.Truncate(time.Second)
	took := time.Duration(3+d.intn(17))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	n := own(op, note{svc: cinder, publisher: "volume." + cinderHost, eventType: "volume.create", req: reqID(d), remote: true})
	w.pair(op, d, n, took, func(j *jw, end bool) {
		status := "creating"
		if end {
			status = "available"
		}
		w.volume(j, op, p, vol, status, snap, size, created, created.Add(took).Truncate(time.Second))
	})
	p.add(slotVolume, vol)
}

// volumeDelete renders volume.delete.
func (w *writer) volumeDelete(op *scenario.Op, p *project, d *derive) {
	vol := op.Target
	created := op.Time.Add(-time.Duration(1+d.intn(48)) * time.Hour).Truncate(time.Second)
	took := time.Duration(1+d.intn(6))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	n := own(op, note{svc: cinder, publisher: "volume." + cinderHost, eventType: "volume.delete", req: reqID(d), remote: true})
	w.pair(op, d, n, took, func(j *jw, end bool) {
		status := "deleting"
		if end {
			status = "deleted"
		}
		w.volume(j, op, p, vol, status, "", volumeSize(vol), created, created.Add(20*time.Second))
	})
	p.remove(slotVolume, vol)
}

// volume writes a volume usage payload.
func (w *writer) volume(j *jw, op *scenario.Op, p *project, vol, status, snap string, size int, created, launched time.Time) {
	j.obj()
	j.s("tenant_id", p.id)
	j.s("host", cinderHost+"#ceph")
	j.s("user_id", op.Actor.ID)
	j.s("availability_zone", "nova")
	j.s("volume_id", vol)
	j.s("volume_type", p.volType)
	j.sn("display_name", w.name(p, vol))
	j.time("launched_at", launched, isoOffset)
	j.time("created_at", created, isoOffset)
	j.s("status", status)
	j.sn("snapshot_id", snap)
	j.n("size", size)
	j.s("replication_status", "disabled")
	j.nul("replication_extended_status")
	j.nul("replication_driver_data")
	j.objK("metadata")
	j.end()
	j.arrK("volume_attachment")
	j.endArr()
	j.end()
}

// snapshotCreate renders snapshot.create of op.Source.
func (w *writer) snapshotCreate(op *scenario.Op, p *project, d *derive) {
	snap, vol := op.Created, op.Source
	w.snapVolume[snap] = vol
	created := op.Time.Truncate(time.Second)
	took := time.Duration(2+d.intn(13))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	n := own(op, note{svc: cinder, publisher: "snapshot." + cinderHost, eventType: "snapshot.create", req: reqID(d), remote: true})
	w.pair(op, d, n, took, func(j *jw, end bool) {
		status := "creating"
		if end {
			status = "available"
		}
		w.snapshot(j, op, p, snap, vol, status, created)
	})
	p.add(slotSnapshot, snap)
	p.add(slotVolume, vol)
}

// snapshotDelete renders snapshot.delete.
func (w *writer) snapshotDelete(op *scenario.Op, p *project, d *derive) {
	snap := op.Target
	vol := w.snapVolume[snap]
	if vol == "" {
		vol = d.uuidString() // taken before the run
	}
	delete(w.snapVolume, snap)
	created := op.Time.Add(-time.Duration(1+d.intn(7*24)) * time.Hour).Truncate(time.Second)
	took := time.Duration(1+d.intn(5))*time.Second + time.Duration(d.intn(1e6))*time.Microsecond
	n := own(op, note{svc: cinder, publisher: "snapshot." + cinderHost, eventType: "snapshot.delete", req: reqID(d), remote: true})
	w.pair(op, d, n, took, func(j *jw, end bool) {
		status := "deleting"
		if end {
			status = "deleted"
		}
		w.snapshot(j, op, p, snap, vol, status, created)
	})
	p.remove(slotSnapshot, snap)
}

// snapshot writes a snapshot usage payload (metadata and deleted are
// null_safe_str'ed: "" when empty).
func (w *writer) snapshot(j *jw, op *scenario.Op, p *project, snap, vol, status string, created time.Time) {
	j.obj()
	j.s("tenant_id", p.id)
	j.s("user_id", op.Actor.ID)
	j.s("availability_zone", "nova")
	j.s("volume_id", vol)
	j.n("volume_size", volumeSize(vol))
	j.s("snapshot_id", snap)
	j.sn("display_name", w.name(p, snap))
	j.time("created_at", created, isoOffset)
	j.s("status", status)
	j.s("deleted", "")
	j.s("metadata", "")
	j.end()
}

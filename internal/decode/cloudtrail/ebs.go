package cloudtrail

import (
	"cmp"
	"github.com/snapwarden/snapwarden/internal/event"
)

// EBS direct APIs build a snapshot block by block without a source volume,
// and read a snapshot's blocks without restoring it: an export.

// startSnapshot begins a snapshot, empty or incremental on a parent.
func startSnapshot(r *rec) {
	r.e.Action = event.SnapshotCreate
	r.add(event.RoleSource, event.Snapshot, ec2ID(r.req("parentSnapshotId")))
	r.tag(r.add(event.RoleCreated, event.Snapshot, ec2ID(r.resp("snapshotId"))), tagsAt(r.rp, "tags"), tagsAt(r.re, "tags"))
}

func completeSnapshot(r *rec) {
	r.e.Action = event.SnapshotCreate
	r.add(event.RoleCreated, event.Snapshot, ec2ID(cmp.Or(r.req("snapshotId"), r.resp("snapshotId"))))
}

// putSnapshotBlock is one block written to a snapshot that StartSnapshot
// already announced: no action of its own, or each block would count as a
// new snapshot.
func putSnapshotBlock(r *rec) {
	r.add(event.RoleTarget, event.Snapshot, ec2ID(r.req("snapshotId")))
}

// readSnapshotBlocks covers the data reads: listing and fetching blocks.
func readSnapshotBlocks(r *rec) {
	r.e.Action = event.SnapshotExport
	r.add(event.RoleSource, event.Snapshot, ec2ID(r.req("snapshotId")))
	r.add(event.RoleSource, event.Snapshot, ec2ID(r.req("firstSnapshotId")))
	r.add(event.RoleSource, event.Snapshot, ec2ID(r.req("secondSnapshotId")))
}

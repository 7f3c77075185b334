package openstack

import (
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Glance sends one notification per change (no .start/.end), publisher
// image.localhost (its default_publisher_id).

// imageShare renders a share of an image: image.member.create naming the
// project it is shared with, or, for a public share, image.update with
// visibility public.
func (w *writer) imageShare(op *scenario.Op, p *project, d *derive) {
	n := note{svc: glance, publisher: "image.localhost", eventType: "image.member.create", req: reqID(d), t: op.Time, id: op.ID}
	created := op.Time.Truncate(time.Second)
	if op.ShareWith == event.Public {
		n.eventType = "image.update"
		w.emit(op, d, n, func(j *jw) { w.image(j, p, op.Target, "public", "active", created, d) })
	} else {
		w.emit(op, d, n, func(j *jw) {
			j.obj()
			j.s("image_id", op.Target)
			j.s("member_id", op.ShareWith)
			j.s("status", "pending")
			j.time("created_at", created, isoZ)
			j.time("updated_at", created, isoZ)
			j.bo("deleted", false)
			j.nul("deleted_at")
			j.end()
		})
	}
	p.add(slotImage, op.Target)
}

// image writes glance's image payload (format_image_notification): a
// queued image (just made, no data yet) or an active one.
func (w *writer) image(j *jw, p *project, id, visibility, status string, updated time.Time, d *derive) {
	queued := status == "queued"
	created := updated.Add(-time.Duration(1+d.intn(72)) * time.Hour)
	if queued {
		created = updated
	}
	j.obj()
	j.s("id", id)
	j.sn("name", w.name(p, id))
	j.s("status", status)
	j.time("created_at", created, isoZ)
	j.time("updated_at", updated, isoZ)
	j.n("min_disk", 0)
	j.n("min_ram", 0)
	j.bo("protected", false)
	if queued {
		j.nul("checksum")
	} else {
		j.s("checksum", d.hexString(16)+d.hexString(16))
	}
	j.s("owner", p.id)
	j.s("disk_format", "raw")
	j.s("container_format", "bare")
	if queued {
		j.nul("size")
	} else {
		j.n("size", (1+d.intn(40))<<30)
	}
	j.nul("virtual_size")
	j.bo("is_public", visibility == "public")
	j.s("visibility", visibility)
	j.objK("properties")
	if !queued {
		j.s("os_hash_algo", "sha512")
	}
	j.end()
	j.arrK("tags")
	j.endArr()
	j.bo("deleted", false)
	j.nul("deleted_at")
	j.end()
}

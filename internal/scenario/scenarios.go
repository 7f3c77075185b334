package scenario

import (
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Rule ids of the built-in pack the truth expects (rules/*.yml).
const (
	RuleSharedOutside = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a02"
	RuleExported      = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a04"
	RuleRestored      = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a05"
	RuleAdminIngress  = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a06"
	RuleCriticalClone = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a07"
	RuleCriticalDB    = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a08"
	RuleChain         = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a10"
	RuleBurst         = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a21"
)

// builder collects one scenario's ops.
type builder struct {
	g   *cloudGen
	t   time.Time
	ops []*Op
}

// next adds an op a few minutes after the previous one.
func (b *builder) next(k Kind, actor *Principal, f func(op *Op)) *Op {
	b.t = b.t.Add(time.Duration(1+b.g.w.r.IntN(9))*time.Minute + time.Duration(b.g.w.r.IntN(60))*time.Second)
	op := b.g.op(b.t, k, actor)
	f(op)
	b.ops = append(b.ops, op)
	return op
}

// scenarios plans every scenario and look-alike the cloud supports, each
// on a day of the run (spread over the days) between 02:00 and 05:00, and
// records them in the truth. It returns the ops by day.
func (g *cloudGen) scenarios(truth *Truth) map[int][]*Op {
	w, r, c := g.w, g.w.r, g.w.cloud
	plan := map[int][]*Op{}
	n := 0
	add := func(kind string, look bool, expect []Expect, build func(b *builder)) {
		d := n % g.opts.Days
		n++
		b := &builder{g: g, t: g.opts.Start.AddDate(0, 0, d).Add(2*time.Hour + time.Duration(r.IntN(180))*time.Minute)}
		build(b)
		plan[d] = append(plan[d], b.ops...)
		s := Scenario{ID: fmt.Sprintf("%s-%s-%d", c.Name(), kind, n), Kind: kind, Cloud: c.Name(), Expect: expect, ops: b.ops}
		if look {
			truth.Lookalikes = append(truth.Lookalikes, s)
		} else {
			truth.Scenarios = append(truth.Scenarios, s)
		}
	}
	snap := func(name string) string { return c.ResourceID(r, SnapshotID, w.main, w.region, name) }
	vol := func(name string) string { return c.ResourceID(r, VolumeID, w.main, w.region, name) }
	inst := func(name string) string { return c.ResourceID(r, InstanceID, w.main, w.region, name) }
	net := func(name string) string { return c.ResourceID(r, NetID, w.main, w.region, name) }

	// restoreAttachOpen: a restore of copy by actor, an instance in a new
	// network object, the volume attached, SSH opened to the world.
	restoreAttachOpen := func(b *builder, copy string, actor *Principal, tag string) {
		v, i, nt := vol(tag+"-restored"), inst(tag+"-box"), net(tag+"-sg")
		b.next(VolumeRestore, actor, func(op *Op) { op.Source, op.Created = copy, v })
		b.next(InstanceCreate, actor, func(op *Op) { op.Created, op.Net = i, nt })
		b.next(VolumeAttach, actor, func(op *Op) { op.Source, op.Target = v, i })
		b.next(IngressOpen, actor, func(op *Op) { op.Target, op.Port, op.CIDR = nt, 22, "0.0.0.0/0" })
	}

	// The whole chain by a principal created for it, from a critical disk.
	add("chain-full-new", false, []Expect{{RuleChain, "critical"}, {RuleCriticalClone, "high"}, {RuleRestored, "medium"}, {RuleAdminIngress, "medium"}}, func(b *builder) {
		insider := w.human()
		newcomer := c.NewPrincipal(r, Human, w.main, fmt.Sprintf("svc-sync-%d", r.IntN(1000)))
		b.next(PrincipalCreate, insider, func(op *Op) { op.Created = newcomer.ID })
		b.next(CredentialCreate, insider, func(op *Op) { op.Target = newcomer.ID })
		s := snap("prod-db-adhoc")
		b.next(SnapshotCreate, insider, func(op *Op) { op.Source, op.Created = pick(r, w.critical), s })
		restoreAttachOpen(b, s, newcomer, "exfil")
	})
	// The whole chain by another, old principal, from an ordinary disk.
	add("chain-full-other", false, []Expect{{RuleChain, "high"}}, func(b *builder) {
		a, o := w.two()
		s := snap("web-debug")
		b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
		restoreAttachOpen(b, s, o, "debug")
	})
	// A restore by another principal only.
	add("restore-other", false, []Expect{{RuleChain, "medium"}, {RuleRestored, "medium"}}, func(b *builder) {
		a, o := w.two()
		s, v := snap("web-copy"), vol("web-copy-restored")
		b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
		b.next(VolumeRestore, o, func(op *Op) { op.Source, op.Created = s, v })
	})
	// A copy shared with someone else's account (or a stranger).
	if c.Supports(SnapshotShare) {
		add("share-outside", false, []Expect{{RuleChain, "high"}, {RuleSharedOutside, "high"}}, func(b *builder) {
			a := w.human()
			s := snap("web-share")
			b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
			b.next(SnapshotShare, a, func(op *Op) { op.Target, op.ShareWith = s, c.ShareTarget(w.outside) })
		})
	}
	// Where snapshots cannot be shared but images can (OpenStack, VK
	// Cloud), the copy that leaves is an image.
	if c.Supports(ImageShare) && !c.Supports(SnapshotShare) {
		add("image-share-outside", false, []Expect{{RuleChain, "high"}, {RuleSharedOutside, "high"}}, func(b *builder) {
			a := w.human()
			img := c.ResourceID(r, ImageID, w.main, w.region, "web-image")
			b.next(ImageCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), img })
			b.next(ImageShare, a, func(op *Op) { op.Target, op.ShareWith = img, c.ShareTarget(w.outside) })
		})
	}
	if c.Supports(SnapshotExport) {
		add("export", false, []Expect{{RuleChain, "high"}, {RuleExported, "high"}}, func(b *builder) {
			a := w.human()
			s := snap("web-export")
			b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
			b.next(SnapshotExport, a, func(op *Op) { op.Target = s })
		})
	}
	// A copy of a critical disk by an untrusted person, nothing after.
	add("critical-clone", false, []Expect{{RuleCriticalClone, "high"}}, func(b *builder) {
		b.next(SnapshotCreate, w.human(), func(op *Op) { op.Source, op.Created = pick(r, w.critical), snap("prod-db-manual") })
	})
	if c.Supports(DBModify) {
		add("critical-db", false, []Expect{{RuleCriticalDB, "high"}}, func(b *builder) {
			b.next(DBModify, w.human(), func(op *Op) { op.Target = pick(r, w.dbs) })
		})
	}
	// Cross-account: shared with the outside account, which copies it and
	// restores the copy there (or, where copies are not made, restores
	// the shared snapshot directly).
	if c.Supports(SnapshotShare) {
		add("cross-account", false, []Expect{{RuleChain, "high"}}, func(b *builder) {
			a := w.human()
			stranger := c.NewPrincipal(r, Human, w.outside, "operator")
			s := snap("web-xacct")
			b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
			b.next(SnapshotShare, a, func(op *Op) { op.Target, op.ShareWith = s, c.ShareTarget(w.outside) })
			from := s
			if c.Supports(SnapshotCopy) {
				from = c.ResourceID(r, SnapshotID, w.outside, w.region, "copied")
				b.next(SnapshotCopy, stranger, func(op *Op) { op.Account, op.Source, op.Created = w.outside, s, from })
			}
			restored := c.ResourceID(r, VolumeID, w.outside, w.region, "copied-restored")
			b.next(VolumeRestore, stranger, func(op *Op) { op.Account, op.Source, op.Created = w.outside, from, restored })
		})
	}
	// Many copies by one principal in a few minutes.
	add("burst", false, []Expect{{RuleBurst, "medium"}}, func(b *builder) {
		a := w.human()
		for i := range 25 {
			op := g.op(b.t.Add(time.Duration(i)*10*time.Second), SnapshotCreate, a)
			op.Source, op.Created = pick(r, w.volumes), snap(fmt.Sprintf("burst-%02d", i))
			b.ops = append(b.ops, op)
		}
	})

	// Look-alikes: must stay below high.
	add("lookalike-same-actor", true, nil, func(b *builder) {
		a := w.human()
		s, v, i, nt := snap("test-rollback"), vol("test-rollback"), inst("test-box"), net("test-sg")
		b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.tests), s })
		b.next(VolumeRestore, a, func(op *Op) { op.Source, op.Created = s, v })
		b.next(InstanceCreate, a, func(op *Op) { op.Created, op.Net = i, nt })
		b.next(VolumeAttach, a, func(op *Op) { op.Source, op.Target = v, i })
		b.next(IngressOpen, a, func(op *Op) { op.Target, op.Port, op.CIDR = nt, 443, "10.0.0.0/8" })
	})
	if c.Supports(SnapshotShare) {
		add("lookalike-trusted-share", true, nil, func(b *builder) {
			a := w.human()
			s := snap("to-dev")
			b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.tests), s })
			b.next(SnapshotShare, a, func(op *Op) { op.Target, op.ShareWith = s, c.ShareTarget(w.dev) })
		})
		add("lookalike-failed-share", true, nil, func(b *builder) {
			a := w.human()
			s := snap("denied")
			b.next(SnapshotCreate, a, func(op *Op) { op.Source, op.Created = pick(r, w.tests), s })
			b.next(SnapshotShare, a, func(op *Op) { op.Target, op.ShareWith, op.Failed = s, c.ShareTarget(w.outside), true })
		})
	}
	if w.guard != nil && c.Supports(SnapshotShare) {
		// A malware scanner's own chain: snapshot, share with the
		// service, restore there; the default allow-list covers it.
		add("lookalike-scanner", true, nil, func(b *builder) {
			s := snap("scan")
			b.next(SnapshotCreate, w.guard, func(op *Op) { op.Source, op.Created = pick(r, w.volumes), s })
			b.next(SnapshotShare, w.guard, func(op *Op) { op.Target, op.ShareWith = s, c.ServiceAccount() })
			b.next(SnapshotDelete, w.guard, func(op *Op) { op.Target = s })
		})
	}
	return plan
}

// Public is the share target meaning anyone (event.Public).
const Public = event.Public

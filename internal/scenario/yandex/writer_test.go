package yandex_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// Each kind the cloud supports, rendered and decoded by the real decoder:
// the event carries the op's id, actor, action, outcome and resources.
func TestWriter_kinds(t *testing.T) {
	f := newFixture()
	vol, critical := f.id(scenario.VolumeID, "web-01-data"), f.id(scenario.VolumeID, "prod-db-01-data")
	snap, img := f.id(scenario.SnapshotID, "web-01-snap"), f.id(scenario.ImageID, "golden")
	restored, inst, sg := f.id(scenario.VolumeID, "restored"), f.id(scenario.InstanceID, "box"), f.id(scenario.NetID, "box-sg")
	db, backup := f.id(scenario.DatabaseID, "prod-db-orders"), f.id(scenario.DBSnapshotID, "nightly")
	newDB := f.id(scenario.DatabaseID, "orders-copy")
	newcomer := f.c.NewPrincipal(f.r, scenario.Human, f.accts[0], "svc-sync-7")

	tests := []struct {
		name    string
		op      *scenario.Op
		action  event.Action
		outcome event.Outcome
		want    []res
		world   int // a port the event must open to 0.0.0.0/0
		closed  int // a port it must not open to the world
	}{
		{name: "volume create", op: with(f.op(scenario.VolumeCreate, f.alice), func(o *scenario.Op) { o.Created = vol }),
			action: event.VolumeCreate, want: []res{{event.RoleCreated, event.Volume, vol}}},
		{name: "snapshot create", op: with(f.op(scenario.SnapshotCreate, f.robot), func(o *scenario.Op) { o.Source, o.Created = critical, snap }),
			action: event.SnapshotCreate, want: []res{{event.RoleSource, event.Volume, critical}, {event.RoleCreated, event.Snapshot, snap}}},
		{name: "snapshot create refused", op: with(f.op(scenario.SnapshotCreate, f.bob), func(o *scenario.Op) { o.Source, o.Created, o.Failed = vol, f.id(scenario.SnapshotID, "x"), true }),
			action: event.SnapshotCreate, outcome: event.Failure, want: []res{{event.RoleSource, event.Volume, vol}}},
		{name: "image create", op: with(f.op(scenario.ImageCreate, f.alice), func(o *scenario.Op) { o.Source, o.Created = vol, img }),
			action: event.ImageCreate, want: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Image, img}}},
		{name: "volume restore", op: with(f.op(scenario.VolumeRestore, f.bob), func(o *scenario.Op) { o.Source, o.Created = snap, restored }),
			action: event.VolumeRestore, want: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Volume, restored}}},
		{name: "instance create", op: with(f.op(scenario.InstanceCreate, f.bob), func(o *scenario.Op) { o.Created, o.Net = inst, sg }),
			action: event.InstanceCreate, want: []res{{event.RoleCreated, event.Instance, inst}, {event.RoleTarget, event.SecurityGroup, sg}}},
		{name: "volume attach", op: with(f.op(scenario.VolumeAttach, f.bob), func(o *scenario.Op) { o.Source, o.Target = restored, inst }),
			action: event.VolumeAttach, want: []res{{event.RoleSource, event.Volume, restored}, {event.RoleTarget, event.Instance, inst}}},
		{name: "ingress open to the world", op: with(f.op(scenario.IngressOpen, f.bob), func(o *scenario.Op) { o.Target, o.Port, o.CIDR = sg, 22, "0.0.0.0/0" }),
			action: event.IngressOpen, want: []res{{event.RoleTarget, event.SecurityGroup, sg}}, world: 22},
		{name: "ingress open inside", op: with(f.op(scenario.IngressOpen, f.alice), func(o *scenario.Op) { o.Target, o.Port, o.CIDR = f.id(scenario.NetID, "in"), 443, "10.0.0.0/8" }),
			action: event.IngressOpen, closed: 443},
		{name: "ingress refused", op: with(f.op(scenario.IngressOpen, f.alice), func(o *scenario.Op) { o.Target, o.Port, o.CIDR, o.Failed = sg, 3389, "0.0.0.0/0", true }),
			action: event.IngressOpen, outcome: event.Failure},
		{name: "principal create", op: with(f.op(scenario.PrincipalCreate, f.alice), func(o *scenario.Op) { o.Created = newcomer.ID }),
			action: event.PrincipalCreate, want: []res{{event.RoleCreated, event.Principal, newcomer.ID}}},
		{name: "credential create", op: with(f.op(scenario.CredentialCreate, f.alice), func(o *scenario.Op) { o.Target = newcomer.ID }),
			action: event.CredentialCreate, want: []res{{event.RoleTarget, event.Principal, newcomer.ID}}},
		{name: "role assign", op: with(f.op(scenario.RoleAssign, f.alice), func(o *scenario.Op) { o.Target = newcomer.ID }),
			action: event.RoleAssign, want: []res{{event.RoleSharedWith, event.Principal, newcomer.ID}, {event.RoleTarget, event.AccountType, f.accts[0].ID}}},
		{name: "restore by the newcomer", op: with(f.op(scenario.VolumeRestore, newcomer), func(o *scenario.Op) { o.Source, o.Created = snap, f.id(scenario.VolumeID, "loot") }),
			action: event.VolumeRestore, want: []res{{event.RoleSource, event.Snapshot, snap}}},
		{name: "db modify", op: with(f.op(scenario.DBModify, f.bob), func(o *scenario.Op) { o.Target = db }),
			action: event.DBModify, want: []res{{event.RoleTarget, event.Database, db}}},
		{name: "db restore", op: with(f.op(scenario.DBRestore, f.bob), func(o *scenario.Op) { o.Source, o.Created = backup, newDB }),
			action: event.DBRestore, want: []res{{event.RoleSource, event.DBSnapshot, backup}, {event.RoleSource, event.Database, db}, {event.RoleCreated, event.Database, newDB}}},
		{name: "db backup (not claimed as a DB snapshot)", op: with(f.op(scenario.DBSnapshotCreate, f.robot), func(o *scenario.Op) { o.Source, o.Created = db, backup }),
			action: event.DBBackup, want: []res{{event.RoleSource, event.Database, db}, {event.RoleCreated, event.DBSnapshot, backup}}},
		{name: "snapshot delete", op: with(f.op(scenario.SnapshotDelete, f.robot), func(o *scenario.Op) { o.Target = snap }),
			action: event.SnapshotDelete, want: []res{{event.RoleTarget, event.Snapshot, snap}}},
		{name: "volume delete", op: with(f.op(scenario.VolumeDelete, f.alice), func(o *scenario.Op) { o.Target = vol }),
			action: event.VolumeDelete, want: []res{{event.RoleTarget, event.Volume, vol}}},
	}
	var ops []*scenario.Op
	for _, tt := range tests {
		ops = append(ops, tt.op)
	}
	dir, _ := render(t, f.c, ops...)
	events := decodeDir(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := events[tt.op.ID]
			if e == nil {
				t.Fatalf("no event with the op's id %s", tt.op.ID)
			}
			if e.Action != tt.action {
				t.Errorf("action %q, want %q", e.Action, tt.action)
			}
			outcome := tt.outcome
			if outcome == "" {
				outcome = event.Success
			}
			if e.Outcome != outcome {
				t.Errorf("outcome %q, want %q", e.Outcome, outcome)
			}
			a := tt.op.Actor
			if e.Actor.ID != a.ID || e.Actor.IP != a.IP || e.Actor.UserAgent != a.UserAgent {
				t.Errorf("actor %+v, want id %s ip %s agent %s", e.Actor, a.ID, a.IP, a.UserAgent)
			}
			if e.Account != tt.op.Account.ID {
				t.Errorf("account %s, want %s", e.Account, tt.op.Account.ID)
			}
			if !e.Time.Truncate(1e9).Equal(tt.op.Time.Truncate(1e9)) {
				t.Errorf("time %v, want %v", e.Time, tt.op.Time)
			}
			paired := 2
			if tt.op.Failed || tt.op.Kind == scenario.PrincipalCreate || tt.op.Kind == scenario.CredentialCreate {
				paired = 1
			}
			if len(e.Raw) != paired {
				t.Errorf("%d records, want %d", len(e.Raw), paired)
			}
			for _, r := range tt.want {
				if !hasResource(e, r) {
					t.Errorf("no %s %s %s among %s", r.role, r.typ, r.id, describe(e))
				}
			}
			if tt.world > 0 {
				if v4, _ := decodetest.WorldOpen(e, tt.world); !v4 {
					t.Errorf("port %d not open to 0.0.0.0/0: %+v", tt.world, e.Ingress)
				}
			}
			if tt.closed > 0 {
				if v4, _ := decodetest.WorldOpen(e, tt.closed); v4 || len(e.Ingress) == 0 {
					t.Errorf("port %d: ingress %+v, want it opened inside only", tt.closed, e.Ingress)
				}
			}
		})
	}
	t.Run("newcomer acts as a service account", func(t *testing.T) {
		e := events[tests[13].op.ID]
		if e.Actor.Type != "SERVICE_ACCOUNT" || e.Actor.Name != "svc-sync-7" {
			t.Errorf("actor %+v, want the service account svc-sync-7", e.Actor)
		}
	})
	t.Run("instance boot disk", func(t *testing.T) {
		// CreateInstance logs the CreateDisk of its boot disk, from an image,
		// under the same request: a restore from that image.
		n := 0
		for _, e := range events {
			if e.Operation == "CreateDisk" && e.Resource(event.RoleSource, event.Image) != nil {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d boot disks made from an image, want 1", n)
		}
	})
}

// The ingress rules a group keeps: a second update lists the first rule too.
func TestWriter_securityGroupState(t *testing.T) {
	f := newFixture()
	sg := f.id(scenario.NetID, "web")
	first := with(f.op(scenario.IngressOpen, f.alice), func(o *scenario.Op) { o.Target, o.Port, o.CIDR = sg, 443, "10.0.0.0/8" })
	second := with(f.op(scenario.IngressOpen, f.bob), func(o *scenario.Op) { o.Target, o.Port, o.CIDR = sg, 22, "::/0" })
	dir, _ := render(t, f.c, first, second)
	e := decodeDir(t, dir)[second.ID]
	if len(e.Ingress) != 2 {
		t.Fatalf("ingress %+v, want the standing 443 rule and the new 22 rule", e.Ingress)
	}
	if _, v6 := decodetest.WorldOpen(e, 22); !v6 {
		t.Errorf("22 not open to ::/0: %+v", e.Ingress)
	}
}

// Every read name decodes as a read-only data event of the op's id.
func TestWriter_reads(t *testing.T) {
	f := newFixture()
	reads := f.c.Reads()
	if len(reads) < 20 || len(reads) > 40 {
		t.Errorf("%d read names, want 20 to 40", len(reads))
	}
	var ops []*scenario.Op
	for i, name := range reads {
		actor := []*scenario.Principal{f.alice, f.bob, f.robot}[i%3]
		ops = append(ops, with(f.op(scenario.Read, actor), func(o *scenario.Op) { o.Name = name }))
	}
	dir, _ := render(t, f.c, ops...)
	events := decodeDir(t, dir)
	if len(events) != len(ops) {
		t.Errorf("%d events, want %d", len(events), len(ops))
	}
	for _, op := range ops {
		e := events[op.ID]
		switch {
		case e == nil:
			t.Errorf("%s: no event", op.Name)
		case e.Operation != op.Name || e.Action != "" || e.Outcome != event.Success:
			t.Errorf("%s: operation %q action %q outcome %q", op.Name, e.Operation, e.Action, e.Outcome)
		case e.Actor.ID != op.Actor.ID || len(e.Resources) != 0:
			t.Errorf("%s: actor %s resources %s", op.Name, e.Actor.ID, describe(e))
		}
	}
}

// Kinds Yandex has no event for are refused, not rendered as something else.
func TestWriter_unsupported(t *testing.T) {
	f := newFixture()
	for _, k := range []scenario.Kind{scenario.SnapshotCopy, scenario.SnapshotShare, scenario.SnapshotUnshare,
		scenario.SnapshotExport, scenario.ImageShare, scenario.DBSnapshotShare} {
		if f.c.Supports(k) {
			t.Errorf("kind %d claimed", k)
		}
		w, err := f.c.NewWriter(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		op := with(f.op(k, f.alice), func(o *scenario.Op) { o.Target, o.ShareWith = f.id(scenario.SnapshotID, "s"), f.accts[2].ID })
		if err := w.Write(op); err == nil {
			t.Errorf("kind %d written", k)
		}
		w.Close()
	}
}

func with(op *scenario.Op, set func(*scenario.Op)) *scenario.Op {
	set(op)
	return op
}

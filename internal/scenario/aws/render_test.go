package aws_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// res is a resource a decoded event must hold.
type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

// TestWriter_kinds renders one op of each kind (and refused ones) and
// decodes it with the real CloudTrail decoder: the event must carry the
// op's id and actor, the intended action and outcome, and the op's
// resources in their roles, shares and inbound rules.
func TestWriter_kinds(t *testing.T) {
	f := newFixture(t, true)
	vol, snap := f.id(scenario.VolumeID, "prod-web-01-data"), f.id(scenario.SnapshotID, "web-copy")
	inst, sg, ami := f.id(scenario.InstanceID, "debug-box"), f.id(scenario.NetID, "debug-sg"), f.id(scenario.ImageID, "golden")
	db := f.id(scenario.DatabaseID, "prod-db-orders")
	dbSnap := f.id(scenario.DBSnapshotID, "prod-db-orders-manual")
	newcomer := f.c.NewPrincipal(f.r, scenario.Human, f.main, "svc-sync-42")
	theirs := f.c.ResourceID(f.r, scenario.SnapshotID, f.other, f.region, "copied")

	cases := []struct {
		name      string
		op        *scenario.Op
		operation string
		action    event.Action
		failed    bool
		resources []res
		shares    []string
		openPort  int // a port the event must open to the world, 0 for none
		openCIDR  string
	}{{
		name: "read", op: with(f.op(scenario.Read, f.cli), func(op *scenario.Op) { op.Name = "DescribeSnapshots" }),
		operation: "DescribeSnapshots",
	}, {
		name: "read-s3", op: with(f.op(scenario.Read, f.console), func(op *scenario.Op) { op.Name = "GetBucketAcl" }),
		operation: "GetBucketAcl",
	}, {
		name: "volume-create", op: with(f.op(scenario.VolumeCreate, f.bot), func(op *scenario.Op) { op.Created = vol }),
		operation: "CreateVolume", action: event.VolumeCreate, resources: []res{{event.RoleCreated, event.Volume, vol}},
	}, {
		name: "volume-delete", op: with(f.op(scenario.VolumeDelete, f.bot), func(op *scenario.Op) { op.Target = vol }),
		operation: "DeleteVolume", action: event.VolumeDelete, resources: []res{{event.RoleTarget, event.Volume, vol}},
	}, {
		name: "snapshot-create", op: with(f.op(scenario.SnapshotCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = vol, snap }),
		operation: "CreateSnapshot", action: event.SnapshotCreate,
		resources: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Snapshot, snap}},
	}, {
		name: "snapshot-create-by-role", op: with(f.op(scenario.SnapshotCreate, f.bot), func(op *scenario.Op) { op.Source, op.Created = vol, snap }),
		operation: "CreateSnapshot", action: event.SnapshotCreate,
		resources: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Snapshot, snap}},
	}, {
		name: "snapshot-create-by-guardduty", op: with(f.op(scenario.SnapshotCreate, f.guard), func(op *scenario.Op) { op.Source, op.Created = vol, snap }),
		operation: "CreateSnapshot", action: event.SnapshotCreate,
		resources: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Snapshot, snap}},
	}, {
		name: "snapshot-create-denied", op: with(f.op(scenario.SnapshotCreate, f.console), func(op *scenario.Op) { op.Source, op.Created, op.Failed = vol, snap, true }),
		operation: "CreateSnapshot", action: event.SnapshotCreate, failed: true,
		resources: []res{{event.RoleSource, event.Volume, vol}},
	}, {
		name: "snapshot-delete", op: with(f.op(scenario.SnapshotDelete, f.bot), func(op *scenario.Op) { op.Target = snap }),
		operation: "DeleteSnapshot", action: event.SnapshotDelete, resources: []res{{event.RoleTarget, event.Snapshot, snap}},
	}, {
		name: "snapshot-copy-cross-account", op: with(f.op(scenario.SnapshotCopy, f.stranger), func(op *scenario.Op) { op.Account, op.Source, op.Created = f.other, snap, theirs }),
		operation: "CopySnapshot", action: event.SnapshotCopy,
		resources: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Snapshot, theirs}},
	}, {
		name: "snapshot-share", op: with(f.op(scenario.SnapshotShare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = snap, f.other.ID }),
		operation: "ModifySnapshotAttribute", action: event.SnapshotShare,
		resources: []res{{event.RoleTarget, event.Snapshot, snap}, {event.RoleSharedWith, event.AccountType, f.other.ID}}, shares: []string{f.other.ID},
	}, {
		name: "snapshot-share-public", op: with(f.op(scenario.SnapshotShare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = snap, event.Public }),
		operation: "ModifySnapshotAttribute", action: event.SnapshotShare,
		resources: []res{{event.RoleTarget, event.Snapshot, snap}}, shares: []string{event.Public},
	}, {
		name: "snapshot-share-denied", op: with(f.op(scenario.SnapshotShare, f.console), func(op *scenario.Op) { op.Target, op.ShareWith, op.Failed = snap, f.other.ID, true }),
		operation: "ModifySnapshotAttribute", action: event.SnapshotShare, failed: true,
		resources: []res{{event.RoleTarget, event.Snapshot, snap}}, shares: []string{f.other.ID},
	}, {
		name: "snapshot-share-guardduty", op: with(f.op(scenario.SnapshotShare, f.guard), func(op *scenario.Op) { op.Target, op.ShareWith = snap, f.c.ServiceAccount() }),
		operation: "ModifySnapshotAttribute", action: event.SnapshotShare,
		resources: []res{{event.RoleTarget, event.Snapshot, snap}}, shares: []string{f.c.ServiceAccount()},
	}, {
		name: "snapshot-unshare", op: with(f.op(scenario.SnapshotUnshare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = snap, f.other.ID }),
		operation: "ModifySnapshotAttribute", action: event.SnapshotUnshare,
		resources: []res{{event.RoleTarget, event.Snapshot, snap}}, shares: []string{f.other.ID},
	}, {
		name: "snapshot-export", op: with(f.op(scenario.SnapshotExport, f.cli), func(op *scenario.Op) { op.Target = snap }),
		operation: "ListSnapshotBlocks", action: event.SnapshotExport, resources: []res{{event.RoleSource, event.Snapshot, snap}},
	}, {
		name: "image-create-from-instance", op: with(f.op(scenario.ImageCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = inst, ami }),
		operation: "CreateImage", action: event.ImageCreate,
		resources: []res{{event.RoleSource, event.Instance, inst}, {event.RoleCreated, event.Image, ami}},
	}, {
		name: "image-create-from-snapshot", op: with(f.op(scenario.ImageCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = snap, ami }),
		operation: "RegisterImage", action: event.ImageCreate,
		resources: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Image, ami}},
	}, {
		name: "image-share", op: with(f.op(scenario.ImageShare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = ami, f.other.ID }),
		operation: "ModifyImageAttribute", action: event.ImageShare,
		resources: []res{{event.RoleTarget, event.Image, ami}}, shares: []string{f.other.ID},
	}, {
		name: "volume-restore", op: with(f.op(scenario.VolumeRestore, newcomer), func(op *scenario.Op) { op.Source, op.Created = snap, vol }),
		operation: "CreateVolume", action: event.VolumeRestore,
		resources: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Volume, vol}},
	}, {
		name: "volume-attach", op: with(f.op(scenario.VolumeAttach, newcomer), func(op *scenario.Op) { op.Source, op.Target = vol, inst }),
		operation: "AttachVolume", action: event.VolumeAttach,
		resources: []res{{event.RoleSource, event.Volume, vol}, {event.RoleTarget, event.Instance, inst}},
	}, {
		name: "instance-create", op: with(f.op(scenario.InstanceCreate, newcomer), func(op *scenario.Op) { op.Created, op.Net = inst, sg }),
		operation: "RunInstances", action: event.InstanceCreate,
		resources: []res{{event.RoleCreated, event.Instance, inst}, {event.RoleTarget, event.SecurityGroup, sg}},
	}, {
		name: "instance-create-from-snapshot", op: with(f.op(scenario.InstanceCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created, op.Net = snap, inst, sg }),
		operation: "RunInstances", action: event.InstanceCreate,
		resources: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Instance, inst}, {event.RoleTarget, event.SecurityGroup, sg}},
	}, {
		name: "ingress-world", op: with(f.op(scenario.IngressOpen, newcomer), func(op *scenario.Op) { op.Target, op.Port, op.CIDR = sg, 22, "0.0.0.0/0" }),
		operation: "AuthorizeSecurityGroupIngress", action: event.IngressOpen,
		resources: []res{{event.RoleTarget, event.SecurityGroup, sg}}, openPort: 22, openCIDR: "0.0.0.0/0",
	}, {
		name: "ingress-world-v6", op: with(f.op(scenario.IngressOpen, f.cli), func(op *scenario.Op) { op.Target, op.Port, op.CIDR = sg, 3389, "::/0" }),
		operation: "AuthorizeSecurityGroupIngress", action: event.IngressOpen,
		resources: []res{{event.RoleTarget, event.SecurityGroup, sg}}, openPort: 3389, openCIDR: "::/0",
	}, {
		name: "ingress-private", op: with(f.op(scenario.IngressOpen, f.cli), func(op *scenario.Op) { op.Target, op.Port, op.CIDR = sg, 443, "10.0.0.0/8" }),
		operation: "AuthorizeSecurityGroupIngress", action: event.IngressOpen,
		resources: []res{{event.RoleTarget, event.SecurityGroup, sg}},
	}, {
		name: "principal-create", op: with(f.op(scenario.PrincipalCreate, f.cli), func(op *scenario.Op) { op.Created = newcomer.ID }),
		operation: "CreateUser", action: event.PrincipalCreate, resources: []res{{event.RoleCreated, event.Principal, newcomer.ID}},
	}, {
		name: "principal-create-role", op: with(f.op(scenario.PrincipalCreate, f.cli), func(op *scenario.Op) { op.Created = "arn:aws:iam::" + f.main.ID + ":role/ec2-admin" }),
		operation: "CreateRole", action: event.PrincipalCreate, resources: []res{{event.RoleCreated, event.Principal, "arn:aws:iam::" + f.main.ID + ":role/ec2-admin"}},
	}, {
		name: "principal-create-denied", op: with(f.op(scenario.PrincipalCreate, f.console), func(op *scenario.Op) { op.Created, op.Failed = newcomer.ID, true }),
		operation: "CreateUser", action: event.PrincipalCreate, failed: true,
	}, {
		name: "credential-create", op: with(f.op(scenario.CredentialCreate, f.cli), func(op *scenario.Op) { op.Target = newcomer.ID }),
		operation: "CreateAccessKey", action: event.CredentialCreate, resources: []res{{event.RoleTarget, event.Principal, newcomer.ID}},
	}, {
		name: "role-assign", op: with(f.op(scenario.RoleAssign, f.cli), func(op *scenario.Op) { op.Target = newcomer.ID }),
		operation: "AttachUserPolicy", action: event.RoleAssign, resources: []res{{event.RoleTarget, event.Principal, newcomer.ID}},
	}, {
		name: "db-snapshot-create", op: with(f.op(scenario.DBSnapshotCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = db, dbSnap }),
		operation: "CreateDBSnapshot", action: event.DBSnapshotCreate,
		resources: []res{{event.RoleSource, event.Database, db}, {event.RoleCreated, event.DBSnapshot, dbSnap}},
	}, {
		name: "db-snapshot-share", op: with(f.op(scenario.DBSnapshotShare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = dbSnap, f.other.ID }),
		operation: "ModifyDBSnapshotAttribute", action: event.DBSnapshotShare,
		resources: []res{{event.RoleTarget, event.DBSnapshot, dbSnap}, {event.RoleSharedWith, event.AccountType, f.other.ID}}, shares: []string{f.other.ID},
	}, {
		name: "db-snapshot-share-public", op: with(f.op(scenario.DBSnapshotShare, f.cli), func(op *scenario.Op) { op.Target, op.ShareWith = dbSnap, event.Public }),
		operation: "ModifyDBSnapshotAttribute", action: event.DBSnapshotShare,
		resources: []res{{event.RoleTarget, event.DBSnapshot, dbSnap}}, shares: []string{event.Public},
	}, {
		name: "db-restore", op: with(f.op(scenario.DBRestore, newcomer), func(op *scenario.Op) {
			op.Source, op.Created = dbSnap, f.id(scenario.DatabaseID, "restored-orders")
		}),
		operation: "RestoreDBInstanceFromDBSnapshot", action: event.DBRestore,
		resources: []res{{event.RoleSource, event.DBSnapshot, dbSnap}},
	}, {
		name: "db-restore-shared", op: with(f.op(scenario.DBRestore, f.stranger), func(op *scenario.Op) {
			op.Account, op.Source, op.Created = f.other, dbSnap, f.c.ResourceID(f.r, scenario.DatabaseID, f.other, f.region, "loot")
		}),
		operation: "RestoreDBInstanceFromDBSnapshot", action: event.DBRestore,
		resources: []res{{event.RoleSource, event.DBSnapshot, dbSnap}},
	}, {
		name: "db-modify", op: with(f.op(scenario.DBModify, f.cli), func(op *scenario.Op) { op.Target = db }),
		operation: "ModifyDBInstance", action: event.DBModify, resources: []res{{event.RoleTarget, event.Database, db}},
	}, {
		name: "db-modify-denied", op: with(f.op(scenario.DBModify, f.console), func(op *scenario.Op) { op.Target, op.Failed = db, true }),
		operation: "ModifyDBInstance", action: event.DBModify, failed: true,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, f.c, tc.op)[tc.op.ID]
			if got == nil {
				t.Fatalf("no event with id %s", tc.op.ID)
			}
			if got.Cloud != event.AWS || got.Operation != tc.operation || got.Action != tc.action {
				t.Errorf("cloud, operation, action = %s, %s, %q; want aws, %s, %q", got.Cloud, got.Operation, got.Action, tc.operation, tc.action)
			}
			if got.Actor.ID != tc.op.Actor.ID {
				t.Errorf("actor.id = %q, want %q", got.Actor.ID, tc.op.Actor.ID)
			}
			if got.Actor.IP != tc.op.Actor.IP {
				t.Errorf("actor.ip = %q, want %q", got.Actor.IP, tc.op.Actor.IP)
			}
			if !got.Time.Equal(tc.op.Time) {
				t.Errorf("time = %v, want %v", got.Time, tc.op.Time)
			}
			if got.Account != tc.op.Account.ID {
				t.Errorf("account = %q, want %q", got.Account, tc.op.Account.ID)
			}
			want := event.Success
			if tc.failed {
				want = event.Failure
			}
			if got.Outcome != want {
				t.Errorf("outcome = %s (%s), want %s", got.Outcome, got.Error, want)
			}
			for _, w := range tc.resources {
				if !slices.ContainsFunc(got.Resources, func(r event.Resource) bool { return r.Role == w.role && r.Type == w.typ && r.ID == w.id }) {
					t.Errorf("no %s %s %s in %+v", w.role, w.typ, w.id, got.Resources)
				}
			}
			if tc.action == "" && len(got.Resources) > 0 {
				t.Errorf("a read decoded with resources %+v", got.Resources)
			}
			var shares []string
			for _, s := range got.Shares {
				shares = append(shares, s.Target)
			}
			if !slices.Equal(shares, tc.shares) {
				t.Errorf("shares = %v, want %v", shares, tc.shares)
			}
			v4, v6 := decodetest.WorldOpen(got, tc.openPort)
			switch {
			case tc.openPort == 0 && len(got.Ingress) > 0 && slices.ContainsFunc(got.Ingress, event.Ingress.WorldOpen):
				t.Errorf("ingress %+v opens to the world", got.Ingress)
			case tc.openCIDR == "0.0.0.0/0" && !v4, tc.openCIDR == "::/0" && !v6:
				t.Errorf("ingress %+v does not open port %d to %s", got.Ingress, tc.openPort, tc.openCIDR)
			}
		})
	}
}

func with(op *scenario.Op, f func(*scenario.Op)) *scenario.Op {
	f(op)
	return op
}

// TestWriter_copiesKeepSource: a snapshot is the size of its volume, a
// volume restored from it and a copy of it too; a database restored from a
// DB snapshot runs its source's engine.
func TestWriter_copiesKeepSource(t *testing.T) {
	f := newFixture(t, true)
	vol, snap, cp, restored := f.id(scenario.VolumeID, "a"), f.id(scenario.SnapshotID, "b"), f.id(scenario.SnapshotID, "c"), f.id(scenario.VolumeID, "d")
	db, dbSnap, dbRestored := f.id(scenario.DatabaseID, "orders"), f.id(scenario.DBSnapshotID, "orders-copy"), f.id(scenario.DatabaseID, "elsewhere")
	ops := []*scenario.Op{
		with(f.op(scenario.VolumeCreate, f.cli), func(op *scenario.Op) { op.Created = vol }),
		with(f.op(scenario.SnapshotCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = vol, snap }),
		with(f.op(scenario.SnapshotCopy, f.cli), func(op *scenario.Op) { op.Source, op.Created = snap, cp }),
		with(f.op(scenario.VolumeRestore, f.cli), func(op *scenario.Op) { op.Source, op.Created = cp, restored }),
		with(f.op(scenario.DBModify, f.cli), func(op *scenario.Op) { op.Target = db }),
		with(f.op(scenario.DBSnapshotCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = db, dbSnap }),
		with(f.op(scenario.DBRestore, f.cli), func(op *scenario.Op) { op.Source, op.Created = dbSnap, dbRestored }),
	}
	evs := render(t, f.c, ops...)
	field := func(op *scenario.Op, path ...string) any {
		var rec map[string]any
		if err := json.Unmarshal(evs[op.ID].Raw[0], &rec); err != nil {
			t.Fatal(err)
		}
		var v any = rec
		for _, p := range path {
			v = v.(map[string]any)[p]
		}
		return v
	}
	made := field(ops[0], "responseElements", "size")
	if got := fmt.Sprint(field(ops[1], "responseElements", "volumeSize")); got != made {
		t.Errorf("snapshot volumeSize %s, volume size %s", got, made)
	}
	if got := field(ops[3], "responseElements", "size"); got != made {
		t.Errorf("restored volume size %s, volume size %s", got, made)
	}
	engine := field(ops[4], "responseElements", "engine")
	for _, op := range ops[5:] {
		if got := field(op, "responseElements", "engine"); got != engine {
			t.Errorf("kind %d: engine %s, source database %s", op.Kind, got, engine)
		}
	}
}

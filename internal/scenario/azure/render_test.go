package azure_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// res is a resource an event must hold.
type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

type refusal struct {
	action event.Action
	res    []res
}

func TestWriter_DecodesPerKind(t *testing.T) {
	f := newFixture()
	disk := f.id(scenario.VolumeID, "prod-db-01-data")
	snap := f.id(scenario.SnapshotID, "prod-db-adhoc")
	snap2 := f.id(scenario.SnapshotID, "prod-db-adhoc-copy")
	restored := f.id(scenario.VolumeID, "exfil-restored")
	vm := f.id(scenario.InstanceID, "exfil-box")
	nsg := f.id(scenario.NetID, "exfil-sg")
	image := f.id(scenario.ImageID, "web-golden")
	db := f.c.ResourceID(f.r, scenario.DatabaseID, f.main, f.region, "prod-db-orders")
	newcomer := f.c.NewPrincipal(f.r, scenario.Human, f.main, "svc-sync-17")

	cases := []struct {
		name   string
		op     func() *scenario.Op
		action event.Action
		res    []res
		shares []string
		// refused, when set, is what a refused call decodes as instead:
		// without a response the log cannot tell a VM's creation from an
		// update.
		refused *refusal
	}{
		{"read", func() *scenario.Op {
			op := f.op(scenario.Read, f.anna)
			op.Name = "Microsoft.Compute/disks/read"
			return op
		}, "", nil, nil, nil},
		{"read by automation", func() *scenario.Op {
			op := f.op(scenario.Read, f.bot)
			op.Name = "Microsoft.Storage/storageAccounts/listKeys/action"
			return op
		}, "", nil, nil, nil},
		{"volume create", func() *scenario.Op {
			op := f.op(scenario.VolumeCreate, f.bot)
			op.Created = disk
			return op
		}, event.VolumeCreate, []res{{event.RoleCreated, event.Volume, disk}}, nil, nil},
		{"volume delete", func() *scenario.Op {
			op := f.op(scenario.VolumeDelete, f.bot)
			op.Target = disk
			return op
		}, event.VolumeDelete, []res{{event.RoleTarget, event.Volume, disk}}, nil, nil},
		{"snapshot create", func() *scenario.Op {
			op := f.op(scenario.SnapshotCreate, f.anna)
			op.Source, op.Created = disk, snap
			return op
		}, event.SnapshotCreate, []res{{event.RoleSource, event.Volume, disk}, {event.RoleCreated, event.Snapshot, snap}}, nil, nil},
		{"snapshot copy", func() *scenario.Op {
			op := f.op(scenario.SnapshotCopy, f.anna)
			op.Source, op.Created = snap, snap2
			return op
		}, event.SnapshotCopy, []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Snapshot, snap2}}, nil, nil},
		{"snapshot delete", func() *scenario.Op {
			op := f.op(scenario.SnapshotDelete, f.bot)
			op.Target = snap
			return op
		}, event.SnapshotDelete, []res{{event.RoleTarget, event.Snapshot, snap}}, nil, nil},
		{"snapshot export", func() *scenario.Op {
			op := f.op(scenario.SnapshotExport, f.anna)
			op.Target = snap
			return op
		}, event.SnapshotExport, []res{{event.RoleTarget, event.Snapshot, snap}}, []string{event.Public}, nil},
		{"snapshot unshare", func() *scenario.Op {
			op := f.op(scenario.SnapshotUnshare, f.anna)
			op.Target, op.ShareWith = snap, event.Public
			return op
		}, event.SnapshotUnshare, []res{{event.RoleTarget, event.Snapshot, snap}}, []string{event.Public}, nil},
		{"image from vm", func() *scenario.Op {
			op := f.op(scenario.ImageCreate, f.bot)
			op.Source, op.Created = vm, image
			return op
		}, event.ImageCreate, []res{{event.RoleSource, event.Instance, vm}, {event.RoleCreated, event.Image, image}}, nil, nil},
		{"image from snapshot", func() *scenario.Op {
			op := f.op(scenario.ImageCreate, f.bot)
			op.Source, op.Created = snap, image
			return op
		}, event.ImageCreate, []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Image, image}}, nil, nil},
		{"volume restore", func() *scenario.Op {
			op := f.op(scenario.VolumeRestore, f.boris)
			op.Source, op.Created = snap, restored
			return op
		}, event.VolumeRestore, []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Volume, restored}}, nil, nil},
		{"volume attach", func() *scenario.Op {
			op := f.op(scenario.VolumeAttach, f.boris)
			op.Source, op.Target = restored, vm
			return op
		}, event.VolumeAttach, []res{{event.RoleSource, event.Volume, restored}, {event.RoleTarget, event.Instance, vm}}, nil, nil},
		{"instance create", func() *scenario.Op {
			op := f.op(scenario.InstanceCreate, f.boris)
			op.Created, op.Net = vm, nsg
			return op
		}, event.InstanceCreate, []res{{event.RoleCreated, event.Instance, vm}}, nil,
			&refusal{event.InstanceModify, []res{{event.RoleTarget, event.Instance, vm}}}},
		{"instance create from a disk", func() *scenario.Op {
			op := f.op(scenario.InstanceCreate, f.boris)
			op.Created, op.Net, op.Source = vm, nsg, restored
			return op
		}, event.InstanceCreate, []res{{event.RoleCreated, event.Instance, vm}, {event.RoleSource, event.Volume, restored}}, nil,
			&refusal{event.VolumeAttach, []res{{event.RoleTarget, event.Instance, vm}, {event.RoleSource, event.Volume, restored}}}},
		{"ingress open", func() *scenario.Op {
			op := f.op(scenario.IngressOpen, f.boris)
			op.Target, op.Port, op.CIDR = nsg, 22, "0.0.0.0/0"
			return op
		}, event.IngressOpen, []res{{event.RoleTarget, event.SecurityGroup, nsg}}, nil, nil},
		{"principal create", func() *scenario.Op {
			op := f.op(scenario.PrincipalCreate, f.anna)
			op.Created = newcomer.ID
			return op
		}, event.RoleAssign, []res{{event.RoleSharedWith, event.Principal, newcomer.ID}}, nil, nil},
		{"credential create", func() *scenario.Op {
			op := f.op(scenario.CredentialCreate, f.anna)
			op.Target = newcomer.ID
			return op
		}, event.RoleAssign, []res{{event.RoleSharedWith, event.Principal, newcomer.ID}}, nil, nil},
		{"role assign", func() *scenario.Op {
			op := f.op(scenario.RoleAssign, f.anna)
			op.Target = f.boris.ID
			return op
		}, event.RoleAssign, []res{{event.RoleSharedWith, event.Principal, f.boris.ID},
			{event.RoleTarget, event.AccountType, "/subscriptions/" + f.main.ID}}, nil, nil},
		{"db modify", func() *scenario.Op {
			op := f.op(scenario.DBModify, f.anna)
			op.Target = db
			return op
		}, event.DBModify, []res{{event.RoleTarget, event.Database, db}}, nil, nil},
	}
	for _, tc := range cases {
		for _, failed := range []bool{false, true} {
			name := tc.name
			if failed {
				name += " refused"
			}
			t.Run(name, func(t *testing.T) {
				op := tc.op()
				op.Failed = failed
				evs := decodeDir(t, write(t, op))
				e := byID(t, evs, op.ID)
				if e.Actor.ID != op.Actor.ID {
					t.Errorf("actor.id = %q, want %q", e.Actor.ID, op.Actor.ID)
				}
				wantType := "user"
				if op.Actor.Kind == scenario.Automation {
					wantType = "service_principal"
				}
				if e.Actor.Name != op.Actor.Name || e.Actor.Type != wantType {
					t.Errorf("actor = %q (%s), want %q (%s)", e.Actor.Name, e.Actor.Type, op.Actor.Name, wantType)
				}
				if e.Actor.IP != op.Actor.IP {
					t.Errorf("actor.ip = %q, want %q", e.Actor.IP, op.Actor.IP)
				}
				if e.Account != op.Account.ID {
					t.Errorf("account = %q, want %q", e.Account, op.Account.ID)
				}
				if !e.Time.Equal(op.Time.Truncate(100)) {
					t.Errorf("time = %v, want %v", e.Time, op.Time)
				}
				action, resources := tc.action, tc.res
				if failed && tc.refused != nil {
					action, resources = tc.refused.action, tc.refused.res
				}
				if e.Action != action {
					t.Errorf("action = %q, want %q", e.Action, action)
				}
				want := event.Success
				if failed {
					want = event.Failure
				}
				if e.Outcome != want {
					t.Errorf("outcome = %q, want %q", e.Outcome, want)
				}
				if failed && !strings.HasPrefix(e.Error, "AuthorizationFailed") {
					t.Errorf("error = %q, want AuthorizationFailed", e.Error)
				}
				for _, r := range resources {
					if !has(e, r.role, r.typ, r.id) {
						t.Errorf("no %s %s %s in %+v", r.role, r.typ, r.id, e.Resources)
					}
				}
				var shares []string
				for _, s := range e.Shares {
					shares = append(shares, s.Target)
				}
				if !slices.Equal(shares, tc.shares) {
					t.Errorf("shares = %v, want %v", shares, tc.shares)
				}
			})
		}
	}
}

func TestWriter_IngressWorldOpen(t *testing.T) {
	f := newFixture()
	nsg := f.id(scenario.NetID, "web-tier-09")
	for _, tc := range []struct {
		port  int
		cidr  string
		world bool
	}{
		{22, "0.0.0.0/0", true}, {3389, "0.0.0.0/0", true}, {443, "10.0.0.0/8", false}, {5432, "198.51.100.0/24", false},
	} {
		// Several ops: any-address is written three ways.
		for range 6 {
			op := f.op(scenario.IngressOpen, f.boris)
			op.Target, op.Port, op.CIDR = nsg, tc.port, tc.cidr
			e := byID(t, decodeDir(t, write(t, op)), op.ID)
			if len(e.Ingress) != 1 {
				t.Fatalf("ingress = %+v, want one rule", e.Ingress)
			}
			in := e.Ingress[0]
			if !in.CoversPort(tc.port) || in.FromPort != tc.port || in.Protocol != "tcp" {
				t.Errorf("ingress %+v does not open tcp/%d alone", in, tc.port)
			}
			if in.WorldOpen() != tc.world {
				t.Errorf("ingress from %q: world open = %v, want %v", in.Source, in.WorldOpen(), tc.world)
			}
			if !tc.world && in.Source != tc.cidr {
				t.Errorf("source = %q, want %q", in.Source, tc.cidr)
			}
		}
	}
}

// TestWriter_InstanceReachesNSG checks the path the chain follows from a
// security group to the instance behind it: the VM names its NIC, the NIC
// write names the NSG.
func TestWriter_InstanceReachesNSG(t *testing.T) {
	f := newFixture()
	vm := f.id(scenario.InstanceID, "debug-box")
	nsg := f.id(scenario.NetID, "debug-sg")
	op := f.op(scenario.InstanceCreate, f.boris)
	op.Created, op.Net = vm, nsg
	evs := decodeDir(t, write(t, op))
	if len(evs) != 2 {
		t.Fatalf("got %d events, want the NIC write and the VM write", len(evs))
	}
	vmEv := byID(t, evs, op.ID)
	nicRes := vmEv.Resource(event.RoleTarget, event.NIC)
	if nicRes == nil {
		t.Fatalf("VM event names no NIC: %+v", vmEv.Resources)
	}
	var nicEv *event.Event
	for _, e := range evs {
		if e != vmEv {
			nicEv = e
		}
	}
	if nicEv.Operation != "microsoft.network/networkinterfaces/write" || nicEv.ID == op.ID {
		t.Fatalf("other event = %s %s", nicEv.ID, nicEv.Operation)
	}
	if !has(nicEv, event.RoleTarget, event.NIC, nicRes.ID) || !has(nicEv, event.RoleTarget, event.SecurityGroup, nsg) {
		t.Errorf("NIC event does not tie NIC %s to NSG %s: %+v", nicRes.ID, nsg, nicEv.Resources)
	}
	if nicEv.Actor.ID != op.Actor.ID || nicEv.Time.After(vmEv.Time) {
		t.Errorf("NIC write by %s at %v, VM write by %s at %v", nicEv.Actor.ID, nicEv.Time, vmEv.Actor.ID, vmEv.Time)
	}
}

package gcp_test

import (
	"encoding/json"
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

// TestWriter_Decodes renders each kind the cloud supports and decodes it
// with the real decoder: the event carries the op's id and actor, the
// intended action and outcome, its resources with their roles, shares and
// ingress.
func TestWriter_Decodes(t *testing.T) {
	f := newFixture(t)
	restored := f.id(scenario.VolumeID, "exfil-restored")
	snapshot := func(src string) func(op *scenario.Op) {
		return func(op *scenario.Op) { op.Source, op.Created = src, f.id(scenario.SnapshotID, "copy") }
	}
	tests := []struct {
		name    string
		op      *scenario.Op
		action  event.Action
		outcome event.Outcome
		res     []res
		shares  []event.Share
		ingress []event.Ingress
	}{
		{name: "volume create", op: f.op(scenario.VolumeCreate, f.human, func(op *scenario.Op) { op.Created = restored }),
			action: event.VolumeCreate, res: []res{{event.RoleCreated, event.Volume, restored}}},
		{name: "volume restore", op: f.op(scenario.VolumeRestore, f.newcomer, func(op *scenario.Op) { op.Source, op.Created = f.snap, restored }),
			action: event.VolumeRestore, res: []res{{event.RoleSource, event.Snapshot, f.snap}, {event.RoleCreated, event.Volume, restored}}},
		{name: "volume restore refused", op: f.op(scenario.VolumeRestore, f.stranger, func(op *scenario.Op) { op.Source, op.Created, op.Failed = f.snap, restored, true }),
			action: event.VolumeRestore, outcome: event.Failure, res: []res{{event.RoleSource, event.Snapshot, f.snap}}},
		{name: "volume delete", op: f.op(scenario.VolumeDelete, f.human, func(op *scenario.Op) { op.Target = restored }),
			action: event.VolumeDelete, res: []res{{event.RoleTarget, event.Volume, restored}}},
		{name: "snapshot create by a person", op: f.op(scenario.SnapshotCreate, f.human, snapshot(f.disk)),
			action: event.SnapshotCreate},
		{name: "snapshot create by automation", op: f.op(scenario.SnapshotCreate, f.backup, snapshot(f.disk)),
			action: event.SnapshotCreate},
		{name: "snapshot create refused", op: f.op(scenario.SnapshotCreate, f.other, func(op *scenario.Op) {
			snapshot(f.disk)(op)
			op.Failed = true
		}), action: event.SnapshotCreate, outcome: event.Failure},
		{name: "snapshot delete", op: f.op(scenario.SnapshotDelete, f.backup, func(op *scenario.Op) { op.Target = f.snap }),
			action: event.SnapshotDelete, res: []res{{event.RoleTarget, event.Snapshot, f.snap}}},
		{name: "snapshot shared with a stranger", op: f.op(scenario.SnapshotShare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.snap, f.c.ShareTarget(f.outside) }),
			action: event.SnapshotShare, res: []res{{event.RoleTarget, event.Snapshot, f.snap}},
			shares: []event.Share{{Target: f.c.ShareTarget(f.outside), Kind: "user"}}},
		{name: "snapshot shared with a company project", op: f.op(scenario.SnapshotShare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.snap, f.c.ShareTarget(f.dev) }),
			action: event.SnapshotShare, shares: []event.Share{{Target: f.c.ShareTarget(f.dev), Kind: "serviceAccount"}}},
		{name: "snapshot shared with a project", op: f.op(scenario.SnapshotShare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.snap, f.outside.ID }),
			action: event.SnapshotShare, shares: []event.Share{{Target: f.outside.ID, Kind: "account"}}},
		{name: "snapshot made public", op: f.op(scenario.SnapshotShare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.snap, event.Public }),
			action: event.SnapshotShare, shares: []event.Share{{Target: event.Public, Kind: "public"}}},
		{name: "snapshot share refused", op: f.op(scenario.SnapshotShare, f.other, func(op *scenario.Op) {
			op.Target, op.ShareWith, op.Failed = f.snap, f.c.ShareTarget(f.outside), true
		}), action: event.SnapshotShare, outcome: event.Failure, res: []res{{event.RoleTarget, event.Snapshot, f.snap}}},
		{name: "snapshot unshared", op: f.op(scenario.SnapshotUnshare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.snap, f.c.ShareTarget(f.outside) }),
			action: event.SnapshotUnshare, res: []res{{event.RoleTarget, event.Snapshot, f.snap}},
			shares: []event.Share{{Target: f.c.ShareTarget(f.outside), Kind: "user"}}},
		// GCP exports a snapshot through an image export build.
		{name: "snapshot export", op: f.op(scenario.SnapshotExport, f.human, func(op *scenario.Op) { op.Target = f.snap }),
			action: event.ImageExport, res: []res{{event.RoleSource, event.Snapshot, f.snap}}},
		{name: "image of a disk", op: f.op(scenario.ImageCreate, f.human, func(op *scenario.Op) { op.Source, op.Created = f.disk, f.img }),
			action: event.ImageCreate, res: []res{{event.RoleSource, event.Volume, f.disk}, {event.RoleCreated, event.Image, f.img}}},
		{name: "image of a snapshot", op: f.op(scenario.ImageCreate, f.human, func(op *scenario.Op) { op.Source, op.Created = f.snap, f.img }),
			action: event.ImageCreate, res: []res{{event.RoleSource, event.Snapshot, f.snap}, {event.RoleCreated, event.Image, f.img}}},
		{name: "image shared", op: f.op(scenario.ImageShare, f.human, func(op *scenario.Op) { op.Target, op.ShareWith = f.img, f.c.ShareTarget(f.outside) }),
			action: event.ImageShare, res: []res{{event.RoleTarget, event.Image, f.img}},
			shares: []event.Share{{Target: f.c.ShareTarget(f.outside), Kind: "user"}}},
		{name: "volume attach", op: f.op(scenario.VolumeAttach, f.newcomer, func(op *scenario.Op) { op.Source, op.Target = restored, f.inst }),
			action: event.VolumeAttach, res: []res{{event.RoleSource, event.Volume, restored}, {event.RoleTarget, event.Instance, f.inst}}},
		{name: "instance create", op: f.op(scenario.InstanceCreate, f.newcomer, func(op *scenario.Op) { op.Created, op.Net = f.inst, f.tag }),
			action: event.InstanceCreate, res: []res{{event.RoleCreated, event.Instance, f.inst}, {event.RoleTarget, event.NetworkTag, f.tag},
				{event.RoleTarget, event.Network, "projects/" + f.main.ID + "/global/networks/default"}}},
		{name: "instance booted from a snapshot", op: f.op(scenario.InstanceCreate, f.newcomer, func(op *scenario.Op) { op.Created, op.Net, op.Source = f.inst, f.tag, f.snap }),
			action: event.InstanceCreate, res: []res{{event.RoleCreated, event.Instance, f.inst}, {event.RoleSource, event.Snapshot, f.snap}}},
		{name: "ssh opened to the world", op: f.op(scenario.IngressOpen, f.newcomer, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = f.tag, 22, "0.0.0.0/0" }),
			action: event.IngressOpen, res: []res{{event.RoleTarget, event.NetworkTag, f.tag}},
			ingress: []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}},
		{name: "https opened to the office", op: f.op(scenario.IngressOpen, f.human, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = f.tag, 443, "10.0.0.0/8" }),
			action: event.IngressOpen, ingress: []event.Ingress{{Protocol: "tcp", FromPort: 443, ToPort: 443, Source: "10.0.0.0/8"}}},
		{name: "ingress refused", op: f.op(scenario.IngressOpen, f.other, func(op *scenario.Op) { op.Target, op.Port, op.CIDR, op.Failed = f.tag, 22, "0.0.0.0/0", true }),
			action: event.IngressOpen, outcome: event.Failure},
		{name: "service account created", op: f.op(scenario.PrincipalCreate, f.human, func(op *scenario.Op) { op.Created = f.newcomer.ID }),
			action: event.PrincipalCreate, res: []res{{event.RoleCreated, event.Principal, f.newcomer.ID}}},
		{name: "service account refused", op: f.op(scenario.PrincipalCreate, f.other, func(op *scenario.Op) { op.Created, op.Failed = f.newcomer.ID, true }),
			action: event.PrincipalCreate, outcome: event.Failure},
		{name: "key created", op: f.op(scenario.CredentialCreate, f.human, func(op *scenario.Op) { op.Target = f.newcomer.ID }),
			action: event.CredentialCreate, res: []res{{event.RoleTarget, event.Principal, f.newcomer.ID}}},
		{name: "role granted", op: f.op(scenario.RoleAssign, f.human, func(op *scenario.Op) { op.Target = f.newcomer.ID }),
			action: event.RoleAssign, res: []res{{event.RoleSharedWith, event.Principal, f.newcomer.ID}}},
		{name: "database user's password reset", op: f.op(scenario.DBModify, f.other, func(op *scenario.Op) { op.Target = f.db }),
			action: event.DBModify, res: []res{{event.RoleTarget, event.Database, f.db}}},
		{name: "database change refused", op: f.op(scenario.DBModify, f.other, func(op *scenario.Op) { op.Target, op.Failed = f.db, true }),
			action: event.DBModify, outcome: event.Failure, res: []res{{event.RoleTarget, event.Database, f.db}}},
	}
	var ops []*scenario.Op
	for _, tt := range tests {
		ops = append(ops, tt.op)
	}
	evs := decodeOps(t, ops...)
	if len(evs) != len(ops) {
		t.Errorf("%d ops decoded as %d events", len(ops), len(evs))
	}
	got := byID(evs)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := tt.op
			e := got[op.ID]
			if e == nil {
				t.Fatalf("no event with id %s", op.ID)
			}
			if e.Cloud != event.GCP || e.Account != op.Account.ID || e.Time != op.Time {
				t.Errorf("cloud %s account %s time %s, want gcp %s %s", e.Cloud, e.Account, e.Time, op.Account.ID, op.Time)
			}
			if e.Actor.ID != op.Actor.ID || e.Actor.IP != op.Actor.IP || e.Actor.UserAgent != op.Actor.UserAgent {
				t.Errorf("actor %+v, want %s from %s (%s)", e.Actor, op.Actor.ID, op.Actor.IP, op.Actor.UserAgent)
			}
			if e.Action != tt.action {
				t.Errorf("action %q, want %q", e.Action, tt.action)
			}
			want := tt.outcome
			if want == "" {
				want = event.Success
			}
			if e.Outcome != want {
				t.Errorf("outcome %s (%s), want %s", e.Outcome, e.Error, want)
			}
			if op.Kind == scenario.SnapshotCreate {
				tt.res = []res{{event.RoleSource, event.Volume, op.Source}, {event.RoleCreated, event.Snapshot, op.Created}}
			}
			for _, r := range tt.res {
				if !hasResource(e, r.role, r.typ, r.id) {
					t.Errorf("no %s %s %s among %s", r.role, r.typ, r.id, describe(e))
				}
			}
			for _, s := range tt.shares {
				if !slices.Contains(e.Shares, s) {
					t.Errorf("no share %+v among %+v", s, e.Shares)
				}
			}
			if len(tt.shares) > 0 && len(e.Shares) != len(tt.shares) {
				t.Errorf("shares %+v, want %+v only", e.Shares, tt.shares)
			}
			if tt.ingress != nil && !slices.Equal(e.Ingress, tt.ingress) {
				t.Errorf("ingress %+v, want %+v", e.Ingress, tt.ingress)
			}
		})
	}
}

// TestWriter_Reads decodes every read the cloud lists: no action, success,
// into the Data Access log.
func TestWriter_Reads(t *testing.T) {
	f := newFixture(t)
	reads := f.c.Reads()
	if len(reads) < 20 || len(reads) > 40 {
		t.Errorf("%d reads, want 20 to 40", len(reads))
	}
	var ops []*scenario.Op
	actors := []*scenario.Principal{f.human, f.backup, f.newcomer}
	for i, name := range reads {
		ops = append(ops, f.op(scenario.Read, actors[i%len(actors)], func(op *scenario.Op) { op.Name = name }))
	}
	dir, _ := write(t, ops...)
	for _, p := range files(t, dir) {
		if !strings.Contains(p, "cloudaudit.googleapis.com/data_access/") {
			t.Errorf("a read written to %s", p)
		}
	}
	got := byID(decodeOps(t, ops...))
	for _, op := range ops {
		e := got[op.ID]
		switch {
		case e == nil:
			t.Errorf("%s: no event", op.Name)
		case e.Operation != op.Name || e.Action != "" || e.Outcome != event.Success || e.Actor.ID != op.Actor.ID:
			t.Errorf("%s: operation %s action %q outcome %s actor %s", op.Name, e.Operation, e.Action, e.Outcome, e.Actor.ID)
		}
	}
}

// TestWriter_Unsupported: kinds GCP lacks are refused, not rendered as
// something else.
func TestWriter_Unsupported(t *testing.T) {
	f := newFixture(t)
	for _, k := range []scenario.Kind{scenario.SnapshotCopy, scenario.DBSnapshotCreate, scenario.DBSnapshotShare, scenario.DBRestore} {
		if f.c.Supports(k) {
			t.Errorf("Supports(%d) = true", k)
		}
		w, err := f.c.NewWriter(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(f.op(k, f.human, func(op *scenario.Op) { op.Source, op.Created = f.snap, f.snap })); err == nil {
			t.Errorf("kind %d rendered", k)
		}
		w.Close()
	}
}

// TestWriter_Failed: every write the cloud supports, refused, is one
// record that decodes with outcome failure and the intended action.
func TestWriter_Failed(t *testing.T) {
	f := newFixture(t)
	restored := f.id(scenario.VolumeID, "refused")
	kinds := map[scenario.Kind]event.Action{
		scenario.VolumeCreate: event.VolumeCreate, scenario.VolumeDelete: event.VolumeDelete,
		scenario.VolumeRestore: event.VolumeRestore, scenario.SnapshotCreate: event.SnapshotCreate,
		scenario.SnapshotDelete: event.SnapshotDelete, scenario.SnapshotShare: event.SnapshotShare,
		// A refused change logs no policy delta: an unshare then reads as
		// a (refused) share of the policy left.
		scenario.SnapshotUnshare: event.SnapshotShare, scenario.SnapshotExport: event.ImageExport,
		scenario.ImageCreate: event.ImageCreate, scenario.ImageShare: event.ImageShare,
		scenario.VolumeAttach: event.VolumeAttach, scenario.InstanceCreate: event.InstanceCreate,
		scenario.IngressOpen: event.IngressOpen, scenario.PrincipalCreate: event.PrincipalCreate,
		scenario.CredentialCreate: event.CredentialCreate, scenario.RoleAssign: event.RoleAssign,
		scenario.DBModify: event.DBModify,
	}
	var ops []*scenario.Op
	for k := scenario.Read + 1; k <= scenario.DBModify; k++ {
		if !f.c.Supports(k) {
			continue
		}
		if _, ok := kinds[k]; !ok {
			t.Errorf("kind %d is supported but not tested", k)
			continue
		}
		ops = append(ops, f.op(k, f.stranger, func(op *scenario.Op) {
			op.Failed = true
			op.Source, op.Target, op.Created, op.Net, op.Port, op.CIDR, op.ShareWith = f.disk, f.inst, restored, f.tag, 22, "0.0.0.0/0", event.Public
			switch k {
			case scenario.SnapshotDelete, scenario.SnapshotShare, scenario.SnapshotUnshare, scenario.SnapshotExport:
				op.Target = f.snap
			case scenario.ImageShare:
				op.Target = f.img
			case scenario.VolumeDelete:
				op.Target = f.disk
			case scenario.IngressOpen:
				op.Target = f.tag
			case scenario.PrincipalCreate:
				op.Created = f.newcomer.ID
			case scenario.CredentialCreate, scenario.RoleAssign:
				op.Target = f.newcomer.ID
			case scenario.DBModify:
				op.Target = f.db
			case scenario.ImageCreate:
				op.Created = f.img
			case scenario.SnapshotCreate:
				op.Created = f.snap
			case scenario.VolumeRestore:
				op.Source = f.snap
			}
		}))
	}
	dir, _ := write(t, ops...)
	lines := 0
	for _, p := range files(t, dir) {
		lines += strings.Count(string(readFile(t, p)), "\n")
	}
	if lines != len(ops) {
		t.Errorf("%d refused ops wrote %d records", len(ops), lines)
	}
	got := byID(decodeOps(t, ops...))
	for _, op := range ops {
		e := got[op.ID]
		if e == nil {
			t.Errorf("kind %d: no event", op.Kind)
			continue
		}
		if e.Outcome != event.Failure || e.Action != kinds[op.Kind] || e.Actor.ID != op.Actor.ID {
			t.Errorf("kind %d: %s %s by %s, want failure %s by %s", op.Kind, e.Action, e.Outcome, e.Actor.ID, kinds[op.Kind], op.Actor.ID)
		}
	}
}

// TestWriter_CrossProjectRestore: a disk made in the stranger's project
// from the company's shared snapshot names the snapshot in its project.
func TestWriter_CrossProjectRestore(t *testing.T) {
	f := newFixture(t)
	theirs := f.c.ResourceID(f.r, scenario.VolumeID, f.outside, f.outside.Regions[0], "copied")
	op := f.op(scenario.VolumeRestore, f.stranger, func(op *scenario.Op) {
		op.Account, op.Region, op.Source, op.Created = f.outside, f.outside.Regions[0], f.snap, theirs
	})
	evs := decodeOps(t, op)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	if e.ID != op.ID || e.Account != f.outside.ID || e.Action != event.VolumeRestore || e.Outcome != event.Success {
		t.Errorf("event %s in %s: %s %s", e.ID, e.Account, e.Action, e.Outcome)
	}
	for _, r := range e.Resources {
		if r.Role == event.RoleSource && (r.ID != f.snap || r.Account != f.main.ID) {
			t.Errorf("source %s of account %q, want %s of %s", r.ID, r.Account, f.snap, f.main.ID)
		}
	}
	if !hasResource(e, event.RoleCreated, event.Volume, theirs) {
		t.Errorf("no created disk %s among %s", theirs, describe(e))
	}
}

// TestWriter_SparseOps: ops missing their resources still render as JSON
// (no panic, no broken record).
func TestWriter_SparseOps(t *testing.T) {
	f := newFixture(t)
	var ops []*scenario.Op
	for k := scenario.Read; k <= scenario.DBModify; k++ {
		if f.c.Supports(k) {
			ops = append(ops, f.op(k, f.human, func(op *scenario.Op) { op.Region = "" }),
				f.op(k, f.human, func(op *scenario.Op) { op.Region, op.Failed, op.Name = "", true, "no.such.method" }))
		}
	}
	dir, _ := write(t, ops...)
	for _, p := range files(t, dir) {
		for i, line := range strings.Split(strings.TrimSuffix(string(readFile(t, p)), "\n"), "\n") {
			if !json.Valid([]byte(line)) {
				t.Errorf("%s:%d: not JSON: %s", p, i+1, line)
			}
		}
	}
	if evs := decodeOps(t, ops...); len(evs) != len(ops) {
		t.Errorf("%d ops decoded as %d events", len(ops), len(evs))
	}
}

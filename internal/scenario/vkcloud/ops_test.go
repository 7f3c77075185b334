package vkcloud_test

import (
	"slices"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// intended is the action each kind means; Supports must be true exactly
// where the decoder gives it.
var intended = map[scenario.Kind]event.Action{
	scenario.VolumeCreate:     event.VolumeCreate,
	scenario.VolumeDelete:     event.VolumeDelete,
	scenario.SnapshotCreate:   event.SnapshotCreate,
	scenario.SnapshotDelete:   event.SnapshotDelete,
	scenario.SnapshotCopy:     event.SnapshotCopy,
	scenario.SnapshotShare:    event.SnapshotShare,
	scenario.SnapshotUnshare:  event.SnapshotUnshare,
	scenario.SnapshotExport:   event.SnapshotExport,
	scenario.ImageCreate:      event.ImageCreate,
	scenario.ImageShare:       event.ImageShare,
	scenario.VolumeRestore:    event.VolumeRestore,
	scenario.VolumeAttach:     event.VolumeAttach,
	scenario.InstanceCreate:   event.InstanceCreate,
	scenario.IngressOpen:      event.IngressOpen,
	scenario.PrincipalCreate:  event.PrincipalCreate,
	scenario.CredentialCreate: event.CredentialCreate,
	scenario.RoleAssign:       event.RoleAssign,
	scenario.DBSnapshotCreate: event.DBSnapshotCreate,
	scenario.DBSnapshotShare:  event.DBSnapshotShare,
	scenario.DBRestore:        event.DBRestore,
	scenario.DBModify:         event.DBModify,
}

// res is a resource an event must hold.
type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

// opCase is one op and what its decoded event must say.
type opCase struct {
	name    string
	op      *scenario.Op
	action  event.Action
	project bool  // the uri names the project, so the event has the account
	has     []res // resources the event must hold
	hasNot  []res // resources it must not (a refused call made nothing)
	shares  []string
	world   int // a port the ingress must open to 0.0.0.0/0 or ::/0
	private int // a port an ingress covers that must not be world-open
}

func opCases(w *world) []opCase {
	vol, snap, vol2 := w.id(scenario.VolumeID, "prod-web-01-data"), w.id(scenario.SnapshotID, "web-copy"), w.id(scenario.VolumeID, "web-copy-restored")
	img, inst, sg := w.id(scenario.ImageID, "golden"), w.id(scenario.InstanceID, "debug-box"), w.id(scenario.NetID, "debug-sg")
	db, dbsnap, db2 := w.id(scenario.DatabaseID, "prod-db-orders"), w.id(scenario.DBSnapshotID, "orders-manual"), w.id(scenario.DatabaseID, "orders-copy")
	newcomer := w.c.NewPrincipal(w.r, scenario.Human, w.main, "svc-sync-7")
	v6 := w.id(scenario.NetID, "v6-sg")
	return []opCase{
		{name: "snapshot create", op: w.op(scenario.SnapshotCreate, w.alice, func(op *scenario.Op) { op.Source, op.Created = vol, snap }),
			action: event.SnapshotCreate, project: true, has: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Snapshot, snap}}},
		{name: "snapshot create refused", op: w.op(scenario.SnapshotCreate, w.alice, func(op *scenario.Op) {
			op.Source, op.Created, op.Failed = vol, w.id(scenario.SnapshotID, "denied"), true
		}),
			action: event.SnapshotCreate, project: true, has: []res{{event.RoleSource, event.Volume, vol}}, hasNot: []res{{event.RoleCreated, event.Snapshot, ""}}},
		{name: "snapshot delete", op: w.op(scenario.SnapshotDelete, w.bob, func(op *scenario.Op) { op.Target = snap }),
			action: event.SnapshotDelete, project: true, has: []res{{event.RoleTarget, event.Snapshot, snap}}},
		{name: "volume create", op: w.op(scenario.VolumeCreate, w.bob, func(op *scenario.Op) { op.Created = w.id(scenario.VolumeID, "ci-scratch") }),
			action: event.VolumeCreate, project: true},
		{name: "volume delete", op: w.op(scenario.VolumeDelete, w.bob, func(op *scenario.Op) { op.Target = vol2 }),
			action: event.VolumeDelete, project: true, has: []res{{event.RoleTarget, event.Volume, vol2}}},
		{name: "volume restore from snapshot", op: w.op(scenario.VolumeRestore, w.bob, func(op *scenario.Op) { op.Source, op.Created = snap, vol2 }),
			action: event.VolumeRestore, project: true, has: []res{{event.RoleSource, event.Snapshot, snap}, {event.RoleCreated, event.Volume, vol2}}},
		{name: "volume restore from image", op: w.op(scenario.VolumeRestore, w.bob, func(op *scenario.Op) { op.Source, op.Created = img, vol2 }),
			action: event.VolumeRestore, project: true, has: []res{{event.RoleSource, event.Image, img}, {event.RoleCreated, event.Volume, vol2}}},
		{name: "volume restore refused", op: w.op(scenario.VolumeRestore, w.bob, func(op *scenario.Op) { op.Source, op.Created, op.Failed = snap, vol2, true }),
			action: event.VolumeRestore, project: true, has: []res{{event.RoleSource, event.Snapshot, snap}}, hasNot: []res{{event.RoleCreated, event.Volume, ""}}},
		{name: "volume attach", op: w.op(scenario.VolumeAttach, w.bob, func(op *scenario.Op) { op.Source, op.Target = vol2, inst }),
			action: event.VolumeAttach, has: []res{{event.RoleSource, event.Volume, vol2}, {event.RoleTarget, event.Instance, inst}}},
		{name: "volume attach refused", op: w.op(scenario.VolumeAttach, w.bob, func(op *scenario.Op) { op.Source, op.Target, op.Failed = vol2, inst, true }),
			action: event.VolumeAttach, has: []res{{event.RoleSource, event.Volume, vol2}, {event.RoleTarget, event.Instance, inst}}},
		{name: "instance create", op: w.op(scenario.InstanceCreate, w.bob, func(op *scenario.Op) { op.Created, op.Net = inst, sg }),
			action: event.InstanceCreate, has: []res{{event.RoleCreated, event.Instance, inst}, {event.RoleTarget, event.SecurityGroup, sg}}},
		{name: "instance create from a volume", op: w.op(scenario.InstanceCreate, w.bob, func(op *scenario.Op) {
			op.Created, op.Net, op.Source = w.id(scenario.InstanceID, "boot-box"), sg, vol2
		}),
			action: event.InstanceCreate, has: []res{{event.RoleSource, event.Volume, vol2}, {event.RoleTarget, event.SecurityGroup, sg}}},
		{name: "instance create from an image", op: w.op(scenario.InstanceCreate, w.bob, func(op *scenario.Op) {
			op.Created, op.Net, op.Source = w.id(scenario.InstanceID, "img-box"), sg, img
		}),
			action: event.InstanceCreate, has: []res{{event.RoleSource, event.Image, img}}},
		{name: "instance create refused", op: w.op(scenario.InstanceCreate, w.bob, func(op *scenario.Op) {
			op.Created, op.Net, op.Failed = w.id(scenario.InstanceID, "no-box"), sg, true
		}),
			action: event.InstanceCreate, has: []res{{event.RoleTarget, event.SecurityGroup, sg}}, hasNot: []res{{event.RoleCreated, event.Instance, ""}}},
		{name: "ssh open to the world", op: w.op(scenario.IngressOpen, w.bob, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = sg, 22, "0.0.0.0/0" }),
			action: event.IngressOpen, has: []res{{event.RoleTarget, event.SecurityGroup, sg}}, world: 22},
		{name: "https open to the company", op: w.op(scenario.IngressOpen, w.alice, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = sg, 443, "10.0.0.0/8" }),
			action: event.IngressOpen, has: []res{{event.RoleTarget, event.SecurityGroup, sg}}, private: 443},
		{name: "rdp open to any IPv6", op: w.op(scenario.IngressOpen, w.alice, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = v6, 3389, "::/0" }),
			action: event.IngressOpen, has: []res{{event.RoleTarget, event.SecurityGroup, v6}}, world: 3389},
		{name: "every port open to the world", op: w.op(scenario.IngressOpen, w.alice, func(op *scenario.Op) { op.Target, op.CIDR = sg, "0.0.0.0/0" }),
			action: event.IngressOpen, has: []res{{event.RoleTarget, event.SecurityGroup, sg}}, world: 5432},
		{name: "ingress refused", op: w.op(scenario.IngressOpen, w.alice, func(op *scenario.Op) { op.Target, op.Port, op.CIDR, op.Failed = sg, 22, "0.0.0.0/0", true }),
			action: event.IngressOpen, has: []res{{event.RoleTarget, event.SecurityGroup, sg}}},
		{name: "user invited", op: w.op(scenario.PrincipalCreate, w.alice, func(op *scenario.Op) { op.Created = newcomer.ID }),
			action: event.PrincipalCreate, project: true, has: []res{{event.RoleCreated, event.Principal, newcomer.ID}}},
		{name: "invitation refused", op: w.op(scenario.PrincipalCreate, w.alice, func(op *scenario.Op) { op.Created, op.Failed = newcomer.ID, true }),
			action: event.PrincipalCreate, project: true},
		{name: "key pair for another user", op: w.op(scenario.CredentialCreate, w.alice, func(op *scenario.Op) { op.Target = newcomer.ID }),
			action: ""},
		{name: "role assigned", op: w.op(scenario.RoleAssign, w.alice, func(op *scenario.Op) { op.Target = newcomer.ID }),
			action: event.RoleAssign, project: true, has: []res{{event.RoleTarget, event.Principal, newcomer.ID}}},
		{name: "image of a server", op: w.op(scenario.ImageCreate, w.alice, func(op *scenario.Op) { op.Source, op.Created = inst, w.id(scenario.ImageID, "box-img") }),
			action: event.ImageCreate, has: []res{{event.RoleSource, event.Instance, inst}, {event.RoleCreated, event.Image, ""}}},
		{name: "image of a volume", op: w.op(scenario.ImageCreate, w.alice, func(op *scenario.Op) { op.Source, op.Created = vol, img }),
			action: event.ImageCreate, project: true, has: []res{{event.RoleSource, event.Volume, vol}, {event.RoleCreated, event.Image, img}}},
		{name: "image shared with a project", op: w.op(scenario.ImageShare, w.alice, func(op *scenario.Op) { op.Target, op.ShareWith = img, w.outside.ID }),
			action: event.ImageShare, has: []res{{event.RoleTarget, event.Image, img}}, shares: []string{w.outside.ID}},
		{name: "image made public", op: w.op(scenario.ImageShare, w.alice, func(op *scenario.Op) { op.Target, op.ShareWith = img, event.Public }),
			action: event.ImageShare, has: []res{{event.RoleTarget, event.Image, img}}, shares: []string{event.Public}},
		{name: "image share refused", op: w.op(scenario.ImageShare, w.alice, func(op *scenario.Op) { op.Target, op.ShareWith, op.Failed = img, w.outside.ID, true }),
			action: event.ImageShare, has: []res{{event.RoleTarget, event.Image, img}}},
		{name: "database restored", op: w.op(scenario.DBRestore, w.alice, func(op *scenario.Op) { op.Source, op.Created = dbsnap, db2 }),
			action: event.DBRestore, project: true, has: []res{{event.RoleSource, event.Backup, dbsnap}, {event.RoleCreated, event.Database, db2}}},
		{name: "database backed up", op: w.op(scenario.DBSnapshotCreate, w.alice, func(op *scenario.Op) { op.Source, op.Created = db, dbsnap }),
			action: event.DBBackup, project: true, has: []res{{event.RoleSource, event.Database, db}, {event.RoleCreated, event.Backup, dbsnap}}},
		{name: "database changed", op: w.op(scenario.DBModify, w.alice, func(op *scenario.Op) { op.Target = db }),
			action: event.DBModify, project: true, has: []res{{event.RoleTarget, event.Database, db}}},
		{name: "database change refused", op: w.op(scenario.DBModify, w.alice, func(op *scenario.Op) { op.Target, op.Failed = db, true }),
			action: event.DBModify, project: true, has: []res{{event.RoleTarget, event.Database, db}}},
	}
}

// TestWriter_Kinds renders each kind, decodes it with the real decoder and
// checks what the detector relies on.
func TestWriter_Kinds(t *testing.T) {
	w := newWorld()
	cases := opCases(w)
	ops := make([]*scenario.Op, len(cases))
	for i, c := range cases {
		ops[i] = c.op
	}
	events := render(t, w.c, ops...)
	if len(events) != len(ops) {
		t.Errorf("%d events from %d ops", len(events), len(ops))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := events[c.op.ID]
			if e == nil {
				t.Fatalf("no event %s", c.op.ID)
			}
			checkCommon(t, e, c.op)
			if e.Action != c.action {
				t.Errorf("action %q, want %q", e.Action, c.action)
			}
			wantAccount := ""
			if c.project {
				wantAccount = c.op.Account.ID
			}
			if e.Account != wantAccount {
				t.Errorf("account %q, want %q", e.Account, wantAccount)
			}
			for _, r := range c.has {
				if !hasResource(e, r) {
					t.Errorf("no %s %s %s in %+v", r.role, r.typ, r.id, e.Resources)
				}
			}
			for _, r := range c.hasNot {
				if hasResource(e, r) {
					t.Errorf("unexpected %s %s in %+v", r.role, r.typ, e.Resources)
				}
			}
			var shares []string
			for _, s := range e.Shares {
				shares = append(shares, s.Target)
			}
			if !slices.Equal(shares, c.shares) && !c.op.Failed {
				t.Errorf("shares %v, want %v", shares, c.shares)
			}
			if c.world > 0 {
				v4, v6 := decodetest.WorldOpen(e, c.world)
				if (c.op.CIDR == "::/0" && !v6) || (c.op.CIDR == "0.0.0.0/0" && !v4) {
					t.Errorf("port %d not open to %s: %+v", c.world, c.op.CIDR, e.Ingress)
				}
			}
			if c.private > 0 {
				if len(e.Ingress) != 1 || !e.Ingress[0].CoversPort(c.private) || e.Ingress[0].WorldOpen() {
					t.Errorf("ingress %+v, want port %d from %s only", e.Ingress, c.private, c.op.CIDR)
				}
			}
		})
	}
}

// checkCommon checks what every record carries: the id truth.json names,
// the actor, the time, the outcome.
func checkCommon(t *testing.T, e *event.Event, op *scenario.Op) {
	t.Helper()
	if e.ID != op.ID {
		t.Errorf("id %q, want %q", e.ID, op.ID)
	}
	if e.Cloud != event.VKCloud {
		t.Errorf("cloud %q", e.Cloud)
	}
	if e.Actor.ID != op.Actor.ID || e.Actor.Name != op.Actor.Name || e.Actor.UserAgent != op.Actor.UserAgent {
		t.Errorf("actor %+v, want %s %s %q", e.Actor, op.Actor.ID, op.Actor.Name, op.Actor.UserAgent)
	}
	if want := op.Time.Truncate(time.Second); !e.Time.Equal(want) {
		t.Errorf("time %v, want %v", e.Time, want)
	}
	want := event.Success
	if op.Failed {
		want = event.Failure
	}
	if e.Outcome != want {
		t.Errorf("outcome %q, want %q", e.Outcome, want)
	}
}

// hasResource reports whether e holds r (any id when r.id is empty).
func hasResource(e *event.Event, r res) bool {
	return slices.ContainsFunc(e.Resources, func(x event.Resource) bool {
		return x.Role == r.role && x.Type == r.typ && (r.id == "" || x.ID == r.id)
	})
}

// TestCloud_Supports: a kind is supported exactly when its record decodes
// to the action the kind means; kinds VK has no call for are refused.
func TestCloud_Supports(t *testing.T) {
	w := newWorld()
	cases := opCases(w)
	events := render(t, w.c, func() []*scenario.Op {
		var ops []*scenario.Op
		for _, c := range cases {
			ops = append(ops, c.op)
		}
		return ops
	}()...)
	for k := scenario.Read; k <= scenario.DBModify; k++ {
		if k == scenario.Read {
			if !w.c.Supports(k) {
				t.Error("reads not supported")
			}
			continue
		}
		i := slices.IndexFunc(cases, func(c opCase) bool { return c.op.Kind == k && !c.op.Failed })
		if i < 0 {
			// Not rendered: it must be refused by the writer and unsupported.
			if w.c.Supports(k) {
				t.Errorf("kind %d supported but has no case", k)
			}
			wr, err := w.c.NewWriter(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := wr.Write(w.op(k, w.alice, nil)); err == nil {
				t.Errorf("kind %d: writer accepted an op VK has no call for", k)
			}
			wr.Close()
			continue
		}
		got := events[cases[i].op.ID].Action
		if w.c.Supports(k) != (got == intended[k]) {
			t.Errorf("kind %d: Supports %v but the record decodes as %q (meant %q)", k, w.c.Supports(k), got, intended[k])
		}
	}
}

// TestWriter_DBModify: every change the writer picks decodes as db.modify of
// the database, which PT-CR-2305 needs.
func TestWriter_DBModify(t *testing.T) {
	w := newWorld()
	db := w.id(scenario.DatabaseID, "prod-db-billing")
	var ops []*scenario.Op
	for range 24 {
		ops = append(ops, w.op(scenario.DBModify, w.alice, func(op *scenario.Op) { op.Target = db }))
	}
	events := render(t, w.c, ops...)
	seen := map[string]bool{}
	for _, op := range ops {
		e := events[op.ID]
		checkCommon(t, e, op)
		if e.Action != event.DBModify || !hasResource(e, res{event.RoleTarget, event.Database, db}) || e.Account != w.main.ID {
			t.Errorf("%s: %s %q %+v", e.Operation, e.Action, e.Account, e.Resources)
		}
		seen[e.Operation] = true
	}
	if len(seen) < 3 {
		t.Errorf("only %d kinds of change: %v", len(seen), seen)
	}
}

// TestWriter_Reads: every background call decodes with no action, and the
// list is as long as the generator wants.
func TestWriter_Reads(t *testing.T) {
	w := newWorld()
	names := w.c.Reads()
	if len(names) < 20 || len(names) > 40 {
		t.Errorf("%d background calls, want 20 to 40", len(names))
	}
	var ops []*scenario.Op
	for _, n := range names {
		for range 4 { // bodies vary per record
			ops = append(ops, w.op(scenario.Read, w.alice, func(op *scenario.Op) { op.Name = n }))
		}
	}
	events := render(t, w.c, ops...)
	seen := map[string]bool{}
	for _, op := range ops {
		e := events[op.ID]
		if e == nil {
			t.Fatalf("%s: no event", op.Name)
		}
		checkCommon(t, e, op)
		if e.Action != "" || e.Operation != op.Name {
			t.Errorf("%s: decoded as %q %q", op.Name, e.Operation, e.Action)
		}
		if len(e.Shares) > 0 || len(e.Ingress) > 0 {
			t.Errorf("%s: shares %v ingress %v", op.Name, e.Shares, e.Ingress)
		}
		seen[op.Name] = true
	}
	if len(seen) != len(names) {
		t.Errorf("names repeat: %d distinct of %d", len(seen), len(names))
	}
	wr, err := w.c.NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Close()
	if err := wr.Write(w.op(scenario.Read, w.alice, func(op *scenario.Op) { op.Name = "DescribeInstances" })); err == nil {
		t.Error("an unknown background call was written")
	}
}

// TestWriter_BadOp: an op without project or actor is an error, not a
// panic.
func TestWriter_BadOp(t *testing.T) {
	w := newWorld()
	wr, err := w.c.NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer wr.Close()
	for _, op := range []*scenario.Op{
		{ID: "x", Kind: scenario.SnapshotCreate, Actor: w.alice},
		{ID: "y", Kind: scenario.SnapshotCreate, Account: w.main},
	} {
		if err := wr.Write(op); err == nil {
			t.Errorf("op %s accepted", op.ID)
		}
	}
}

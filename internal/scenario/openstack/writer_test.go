package openstack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
)

// res is a resource an event must hold.
type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

func TestWriter_Kinds(t *testing.T) {
	f := newFixture()
	restored, newServer, image, newUser := f.cloud.ResourceID(f.r, scenario.VolumeID, f.main, "", "exfil-restored"),
		f.cloud.ResourceID(f.r, scenario.InstanceID, f.main, "", "exfil-box"),
		f.cloud.ResourceID(f.r, scenario.ImageID, f.main, "", "box-image"), "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name    string
		op      *scenario.Op
		action  event.Action
		res     []res
		shares  []event.Share
		ingress []event.Ingress
	}{
		{"volume create", f.op(scenario.VolumeCreate, func(op *scenario.Op) { op.Created = f.vol }),
			event.VolumeCreate, []res{{event.RoleCreated, event.Volume, f.vol}}, nil, nil},
		{"snapshot create", f.op(scenario.SnapshotCreate, func(op *scenario.Op) { op.Source, op.Created = f.vol, f.snap }),
			event.SnapshotCreate, []res{{event.RoleSource, event.Volume, f.vol}, {event.RoleCreated, event.Snapshot, f.snap}}, nil, nil},
		{"volume restore", f.op(scenario.VolumeRestore, func(op *scenario.Op) { op.Source, op.Created = f.snap, restored }),
			event.VolumeRestore, []res{{event.RoleSource, event.Snapshot, f.snap}, {event.RoleCreated, event.Volume, restored}}, nil, nil},
		{"instance create", f.op(scenario.InstanceCreate, func(op *scenario.Op) { op.Created, op.Net = newServer, f.net }),
			event.InstanceCreate, []res{{event.RoleCreated, event.Instance, newServer}}, nil, nil},
		{"instance create from a volume", f.op(scenario.InstanceCreate, func(op *scenario.Op) { op.Created, op.Net, op.Source = f.srv, f.net, restored }),
			event.InstanceCreate, []res{{event.RoleCreated, event.Instance, f.srv}, {event.RoleSource, event.Volume, restored}}, nil, nil},
		{"volume attach", f.op(scenario.VolumeAttach, func(op *scenario.Op) { op.Source, op.Target = restored, newServer }),
			event.VolumeAttach, []res{{event.RoleSource, event.Volume, restored}, {event.RoleTarget, event.Instance, newServer}}, nil, nil},
		{"ingress open", f.op(scenario.IngressOpen, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = f.net, 22, "0.0.0.0/0" }),
			event.IngressOpen, []res{{event.RoleTarget, event.SecurityGroup, f.net}}, nil,
			[]event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}},
		{"ingress open v6", f.op(scenario.IngressOpen, func(op *scenario.Op) { op.Target, op.Port, op.CIDR = f.net, 3389, "::/0" }),
			event.IngressOpen, []res{{event.RoleTarget, event.SecurityGroup, f.net}}, nil,
			[]event.Ingress{{Protocol: "tcp", FromPort: 3389, ToPort: 3389, Source: "::/0"}}},
		{"image create", f.op(scenario.ImageCreate, func(op *scenario.Op) { op.Source, op.Created = newServer, image }),
			event.ImageCreate, []res{{event.RoleSource, event.Instance, newServer}, {event.RoleCreated, event.Image, image}}, nil, nil},
		{"image of a volume", f.op(scenario.ImageCreate, func(op *scenario.Op) { op.Source, op.Created = restored, image }),
			event.ImageCreate, []res{{event.RoleCreated, event.Image, image}}, nil, nil},
		{"image share", f.op(scenario.ImageShare, func(op *scenario.Op) { op.Target, op.ShareWith = image, f.outside.ID }),
			event.ImageShare, []res{{event.RoleTarget, event.Image, image}, {event.RoleSharedWith, event.AccountType, f.outside.ID}},
			[]event.Share{{Target: f.outside.ID, Kind: "account"}}, nil},
		{"image made public", f.op(scenario.ImageShare, func(op *scenario.Op) { op.Target, op.ShareWith = image, event.Public }),
			event.ImageShare, []res{{event.RoleTarget, event.Image, image}}, []event.Share{{Target: event.Public, Kind: event.Public}}, nil},
		{"principal create", f.op(scenario.PrincipalCreate, func(op *scenario.Op) { op.Created = newUser }),
			event.PrincipalCreate, []res{{event.RoleCreated, event.Principal, newUser}}, nil, nil},
		{"credential create", f.op(scenario.CredentialCreate, func(op *scenario.Op) { op.Target = newUser }),
			event.CredentialCreate, []res{{event.RoleTarget, event.Principal, newUser}}, nil, nil},
		{"role assign", f.op(scenario.RoleAssign, func(op *scenario.Op) { op.Target = newUser }),
			event.RoleAssign, []res{{event.RoleTarget, event.Principal, newUser}, {event.RoleTarget, event.AccountType, f.main.ID}}, nil, nil},
		{"db modify", f.op(scenario.DBModify, func(op *scenario.Op) { op.Target = f.db }),
			event.DBModify, []res{{event.RoleTarget, event.Database, f.db}}, nil, nil},
		{"snapshot delete", f.op(scenario.SnapshotDelete, func(op *scenario.Op) { op.Target = f.snap }),
			event.SnapshotDelete, []res{{event.RoleTarget, event.Snapshot, f.snap}}, nil, nil},
		{"volume delete", f.op(scenario.VolumeDelete, func(op *scenario.Op) { op.Target = restored }),
			event.VolumeDelete, []res{{event.RoleTarget, event.Volume, restored}}, nil, nil},
	}
	var ops []*scenario.Op
	for _, c := range cases {
		if !f.cloud.Supports(c.op.Kind) {
			t.Errorf("%s: Supports(%d) = false", c.name, c.op.Kind)
		}
		ops = append(ops, c.op)
	}
	_, events, _ := render(t, f.cloud, ops...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := byID(events, c.op.ID)
			if e == nil {
				t.Fatalf("no event %s", c.op.ID)
			}
			if e.Cloud != event.OpenStack || e.Action != c.action || e.Outcome != event.Success {
				t.Errorf("cloud %s action %q outcome %s, want openstack %q success", e.Cloud, e.Action, e.Outcome, c.action)
			}
			if !e.Time.Equal(c.op.Time) {
				t.Errorf("time %v, want %v", e.Time, c.op.Time)
			}
			if e.Actor.ID != f.alice.ID || e.Account != f.main.ID {
				t.Errorf("actor %+v account %s, want %s in %s", e.Actor, e.Account, f.alice.ID, f.main.ID)
			}
			for _, r := range c.res {
				if !has(e, r.role, r.typ, r.id) {
					t.Errorf("no %s %s %s in %+v", r.role, r.typ, r.id, e.Resources)
				}
			}
			if !slices.Equal(e.Shares, c.shares) && (len(e.Shares) > 0 || len(c.shares) > 0) {
				t.Errorf("shares %+v, want %+v", e.Shares, c.shares)
			}
			if !slices.Equal(e.Ingress, c.ingress) && (len(e.Ingress) > 0 || len(c.ingress) > 0) {
				t.Errorf("ingress %+v, want %+v", e.Ingress, c.ingress)
			}
		})
	}
	t.Run("world open", func(t *testing.T) {
		if v4, _ := decodetest.WorldOpen(byID(events, cases[6].op.ID), 22); !v4 {
			t.Error("SSH from 0.0.0.0/0 does not read as open to the world")
		}
	})
	// The boot's port ties the new server to the op's security group.
	t.Run("instance in its group", func(t *testing.T) {
		found := false
		for _, e := range events {
			if e.Action == "" && has(e, event.RoleTarget, event.Instance, newServer) && has(e, event.RoleTarget, event.SecurityGroup, f.net) {
				found = true
				if e.Outcome != event.Success {
					t.Errorf("port event outcome %s", e.Outcome)
				}
			}
		}
		if !found {
			t.Errorf("no event ties server %s to group %s", newServer, f.net)
		}
	})
	// Cinder logs no upload to image: the audit trail names the volume.
	t.Run("upload call", func(t *testing.T) {
		n := 0
		for _, e := range events {
			if e.Action == event.ImageCreate && has(e, event.RoleSource, event.Volume, restored) && e.Actor.ID == f.alice.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d audit events of the upload of %s, want 1", n, restored)
		}
	})
	t.Run("actor", func(t *testing.T) {
		// Nova and cinder keep the caller's address; keystone's CADF
		// initiator also has the user agent.
		var snap, user *event.Event
		for _, c := range cases {
			switch c.op.Kind {
			case scenario.SnapshotCreate:
				snap = byID(events, c.op.ID)
			case scenario.PrincipalCreate:
				user = byID(events, c.op.ID)
			}
		}
		if snap.Actor.Name != f.alice.Name || snap.Actor.IP != f.alice.IP {
			t.Errorf("snapshot actor %+v, want %s at %s", snap.Actor, f.alice.Name, f.alice.IP)
		}
		if user.Actor.IP != f.alice.IP || user.Actor.UserAgent != f.alice.UserAgent {
			t.Errorf("keystone actor %+v, want %s with %q", user.Actor, f.alice.IP, f.alice.UserAgent)
		}
	})
}

// A refused call reaches no service: it shows in the audit trail as a 403.
func TestWriter_Failed(t *testing.T) {
	f := newFixture()
	kinds := []struct {
		kind   scenario.Kind
		action event.Action // what the path alone tells; the body is not logged
	}{
		{scenario.VolumeCreate, event.VolumeCreate},
		{scenario.VolumeRestore, event.VolumeCreate},
		{scenario.VolumeDelete, event.VolumeDelete},
		{scenario.SnapshotCreate, event.SnapshotCreate},
		{scenario.SnapshotDelete, event.SnapshotDelete},
		{scenario.InstanceCreate, event.InstanceCreate},
		{scenario.VolumeAttach, event.VolumeAttach},
		{scenario.ImageCreate, event.ImageCreate},
		{scenario.ImageShare, event.ImageShare},
		{scenario.IngressOpen, event.IngressOpen},
		{scenario.PrincipalCreate, event.PrincipalCreate},
		{scenario.CredentialCreate, event.CredentialCreate},
		{scenario.RoleAssign, event.RoleAssign},
		{scenario.DBModify, event.DBModify},
	}
	var ops []*scenario.Op
	for _, k := range kinds {
		ops = append(ops, f.op(k.kind, func(op *scenario.Op) {
			op.Source, op.Target, op.Created, op.Net = f.vol, f.srv, f.snap, f.net
			op.ShareWith, op.Port, op.CIDR, op.Failed = f.outside.ID, 22, "0.0.0.0/0", true
			switch k.kind {
			case scenario.VolumeDelete:
				op.Target = f.vol
			case scenario.SnapshotDelete:
				op.Target = f.snap
			case scenario.ImageCreate:
				op.Source = f.srv
			case scenario.ImageShare:
				op.Target = f.img
			case scenario.DBModify:
				op.Target = f.db
			case scenario.IngressOpen:
				op.Target = f.net
			}
		}))
	}
	_, events, _ := render(t, f.cloud, ops...)
	if len(events) != len(ops) {
		t.Errorf("%d events for %d refused ops", len(events), len(ops))
	}
	for i, k := range kinds {
		e := byID(events, ops[i].ID)
		if e == nil {
			t.Errorf("kind %d: no event", k.kind)
			continue
		}
		if e.Outcome != event.Failure || e.Action != k.action || e.Error != "403" || e.Actor.ID != f.alice.ID {
			t.Errorf("kind %d: action %q outcome %s error %q actor %s; want %q failure 403 %s",
				k.kind, e.Action, e.Outcome, e.Error, e.Actor.ID, k.action, f.alice.ID)
		}
		if len(e.Raw) != 2 || !strings.Contains(string(e.Raw[1]), `"audit.http.response"`) {
			t.Errorf("kind %d: %d raw records, want the request and its response", k.kind, len(e.Raw))
		}
	}
}

func TestWriter_Reads(t *testing.T) {
	f := newFixture()
	var ops []*scenario.Op
	for i, name := range f.cloud.Reads() {
		ops = append(ops, f.op(scenario.Read, func(op *scenario.Op) {
			op.Name = name
			if i%2 == 1 {
				op.Actor = f.backup
			}
		}))
	}
	if n := len(ops); n < 20 || n > 40 {
		t.Errorf("%d reads, want 20 to 40", n)
	}
	_, events, _ := render(t, f.cloud, ops...)
	if len(events) != len(ops) {
		t.Errorf("%d events for %d reads", len(events), len(ops))
	}
	services := map[string]bool{}
	for _, op := range ops {
		e := byID(events, op.ID)
		if e == nil {
			t.Errorf("%s: no event", op.Name)
			continue
		}
		services[e.Service] = true
		if e.Action != "" || e.Outcome != event.Success || e.Operation != op.Name || !e.Time.Equal(op.Time) {
			t.Errorf("%s: action %q outcome %s operation %q time %v", op.Name, e.Action, e.Outcome, e.Operation, e.Time)
		}
		a := op.Actor
		if e.Actor.ID != a.ID || e.Actor.Name != a.Name || e.Actor.IP != a.IP || e.Actor.UserAgent != a.UserAgent || e.Account != f.main.ID {
			t.Errorf("%s: actor %+v account %s, want %+v", op.Name, e.Actor, e.Account, *a)
		}
		if len(e.Raw) != 2 {
			t.Errorf("%s: %d raw records, want request and response", op.Name, len(e.Raw))
		}
	}
	for _, s := range []string{"compute", "volume", "image", "network", "database"} {
		if !services[s] {
			t.Errorf("no read of service %s (have %v)", s, services)
		}
	}
}

func TestWriter_Unsupported(t *testing.T) {
	f := newFixture()
	for _, k := range []scenario.Kind{scenario.SnapshotCopy, scenario.SnapshotShare, scenario.SnapshotUnshare,
		scenario.SnapshotExport, scenario.DBSnapshotCreate, scenario.DBSnapshotShare, scenario.DBRestore} {
		if f.cloud.Supports(k) {
			t.Errorf("Supports(%d) = true", k)
		}
		w, err := f.cloud.NewWriter(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(f.op(k, nil)); err == nil {
			t.Errorf("kind %d rendered", k)
		}
		w.Close()
	}
	w, _ := f.cloud.NewWriter(t.TempDir())
	if err := w.Write(f.op(scenario.Read, func(op *scenario.Op) { op.Name = "GetSecretValue" })); err == nil {
		t.Error("an unknown read rendered")
	}
	w.Close()
}

// Ops with nothing but their kind, or odd text, render without a panic;
// whatever is written still decodes.
func TestWriter_OddOps(t *testing.T) {
	f := newFixture()
	var ops []*scenario.Op
	for k := scenario.Read; k <= scenario.DBModify; k++ {
		for _, failed := range []bool{false, true} {
			if !f.cloud.Supports(k) {
				continue
			}
			ops = append(ops, f.op(k, func(op *scenario.Op) {
				op.Failed = failed
				op.Name = f.cloud.Reads()[0]
				if k == scenario.IngressOpen {
					op.Target, op.CIDR = "x\"\\\n\u00e9\U0001F600", "bogus"
				}
			}))
		}
	}
	odd := f.op(scenario.SnapshotCreate, func(op *scenario.Op) { op.Source, op.Created = "\x00\"", "日本" })
	odd.Actor = &scenario.Principal{ID: "u\"1", Name: "名前\t", UserAgent: "a\\b", IP: ""}
	ops = append(ops, odd)
	_, events, _ := render(t, f.cloud, ops...)
	if e := byID(events, odd.ID); e == nil || e.Actor.ID != `u"1` || !has(e, event.RoleCreated, event.Snapshot, "日本") {
		t.Errorf("odd text did not survive: %+v", e)
	}
}

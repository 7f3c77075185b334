package openstack_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

const (
	src     = event.RoleSource
	created = event.RoleCreated
	target  = event.RoleTarget
	shared  = event.RoleSharedWith
)

// TestFixtures checks, field by field, every operation of the fixtures.
func TestFixtures(t *testing.T) {
	world := event.Ingress{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}
	cases := map[string]map[string]want{
		"cinder-snapshot": {
			// .start and .end joined: the start's id and time, the end's operation.
			msgID(1): {operation: "snapshot.create.end", action: event.SnapshotCreate, outcome: event.Success, actor: alice,
				account: project, service: "volume", region: "cinder-vol-1",
				resources: []event.Resource{res(src, event.Volume, vol(1)), res(created, event.Snapshot, snap(1))}},
			msgID(3): {action: event.SnapshotDelete, outcome: event.Success, resources: []event.Resource{res(target, event.Snapshot, snap(9))}},
		},
		"cinder-volume": {
			msgID(10): {action: event.VolumeRestore, actor: bob, resources: []event.Resource{res(src, event.Snapshot, snap(1)), res(created, event.Volume, vol(2))}},
			msgID(11): {action: event.VolumeCreate, resources: []event.Resource{res(created, event.Volume, vol(3))}},
			msgID(12): {action: event.VolumeRestore, resources: []event.Resource{res(src, event.Image, img(4)), res(created, event.Volume, vol(4))}},
			msgID(13): {action: event.VolumeRestore, resources: []event.Resource{res(src, event.Image, img(5)), res(created, event.Volume, vol(5))}},
			msgID(14): {action: event.VolumeAttach, resources: []event.Resource{res(src, event.Volume, vol(2)), res(target, event.Instance, inst(2))}},
			msgID(15): {action: event.VolumeDetach, resources: []event.Resource{res(src, event.Volume, vol(2)), res(target, event.Instance, inst(2))}},
			msgID(16): {action: event.VolumeDelete, resources: []event.Resource{res(target, event.Volume, vol(3))}},
			msgID(17): {action: event.VolumeTransfer, account: other, actor: bob, shares: []string{other},
				resources: []event.Resource{res(target, event.Volume, vol(6)), res(shared, event.AccountType, other)}},
		},
		"cinder-backup": {
			msgID(20): {operation: "backup.create.end", action: event.BackupCreate, outcome: event.Success, resources: []event.Resource{
				res(src, event.Volume, vol(1)), res(src, event.Snapshot, snap(1)), res(created, event.Backup, bak(1))}},
			msgID(22): {action: event.BackupCreate, outcome: event.Failure, errText: "Volume is in use"},
			msgID(23): {action: event.BackupRestore, actor: bob, resources: []event.Resource{res(src, event.Backup, bak(1))}},
			msgID(24): {action: event.BackupDelete, resources: []event.Resource{res(target, event.Backup, bak(3))}},
			msgID(25): {action: event.SnapshotCreate, resources: []event.Resource{
				res(src, "volume_group", "6a6a0000-0000-4000-8000-000000000001"), res(created, event.Snapshot, snap(20))}},
			msgID(26): {action: event.SnapshotCreate, resources: []event.Resource{
				res(src, "volume_group", "6a6a0000-0000-4000-8000-000000000002"), res(created, event.Snapshot, snap(21))}},
		},
		"nova-legacy": {
			msgID(30): {action: event.ImageCreate, service: "compute", region: "cmp-1", resources: []event.Resource{
				res(src, event.Instance, inst(1)), res(created, event.Image, img(30))}},
			msgID(31): {action: event.InstanceCreate, actor: bob, resources: []event.Resource{
				res(created, event.Instance, inst(3)), res(src, event.Image, img(1))}},
			msgID(32): {action: event.VolumeAttach, resources: []event.Resource{res(src, event.Volume, vol(2)), res(target, event.Instance, inst(3))}},
		},
		"nova-versioned": {
			// a messagingv2 envelope
			msgID(40): {action: event.ImageCreate, outcome: event.Success, actor: alice, region: "cmp-1", resources: []event.Resource{
				res(src, event.Instance, inst(1)), res(created, event.Image, img(40))}},
			msgID(41): {action: event.InstanceCreate, actor: bob, resources: []event.Resource{
				res(created, event.Instance, inst(4)), res(src, event.Volume, vol(2))}},
			msgID(42): {action: event.VolumeAttach, resources: []event.Resource{res(src, event.Volume, vol(7)), res(target, event.Instance, inst(4))}},
			msgID(43): {action: event.VolumeDetach, resources: []event.Resource{res(src, event.Volume, vol(7)), res(target, event.Instance, inst(4))}},
			msgID(44): {action: event.ImageCreate, resources: []event.Resource{res(src, event.Instance, inst(1))}},
			msgID(45): {action: event.CredentialCreate, actor: bob, resources: []event.Resource{res(target, event.Principal, bob)}},
		},
		"neutron": {
			msgID(50): {action: event.IngressOpen, actor: bob, ingress: []event.Ingress{world}, resources: []event.Resource{
				res(target, event.SecurityGroup, sg(1)), res(created, event.FirewallRule, rule(1))}},
			msgID(51): {action: event.IngressOpen, ingress: []event.Ingress{{Protocol: "all", Source: "::/0"}}},
			msgID(52): {noAction: true, noIngress: true, resources: []event.Resource{res(target, event.SecurityGroup, sg(1))}},
			msgID(53): {action: event.IngressOpen, ingress: []event.Ingress{{Protocol: "tcp", FromPort: 5432, ToPort: 5432, Source: sg(2)}}},
			msgID(54): {noAction: true, resources: []event.Resource{
				res(created, event.NIC, port(1)), res(target, event.Instance, inst(4)), res(target, event.SecurityGroup, sg(1))}},
			msgID(55): {action: event.PublicIPAssign, resources: []event.Resource{res(target, event.NIC, port(1))}},
			msgID(56): {noAction: true},
			msgID(57): {action: event.IngressOpen, ingress: []event.Ingress{{Protocol: "tcp", FromPort: 3389, ToPort: 3389, Source: "::/0"}},
				resources: []event.Resource{res(created, event.FirewallRule, rule(5)), res(created, event.FirewallRule, rule(6))}},
		},
		"glance": {
			msgID(60): {action: event.ImageCreate, service: "image", resources: []event.Resource{res(created, event.Image, img(40))}},
			msgID(61): {action: event.ImageCreate},
			msgID(62): {action: event.ImageCreate},
			msgID(63): {action: event.ImageShare, shares: []string{event.Public}, resources: []event.Resource{res(target, event.Image, img(40))}},
			msgID(64): {noAction: true},
			msgID(65): {action: event.ImageShare, shares: []string{other}, resources: []event.Resource{
				res(target, event.Image, img(40)), res(shared, event.AccountType, other)}},
			msgID(66): {action: event.ImageDownload, actor: bob, account: project, resources: []event.Resource{res(src, event.Image, img(40))}},
			msgID(67): {action: event.ImageDelete, resources: []event.Resource{res(target, event.Image, img(40))}},
			msgID(68): {action: event.ImageUnshare, shares: []string{other}},
		},
		"trove": {
			msgID(70): {operation: "dbaas.backup_create.end", action: event.DBBackup, service: "database", outcome: event.Success,
				resources: []event.Resource{res(src, event.Database, db(1)), res(created, event.Backup, bak(70))}},
			msgID(72): {action: event.DBRestore, actor: bob, resources: []event.Resource{res(src, event.Backup, bak(70)), res(created, event.Database, db(2))}},
			msgID(73): {action: event.DBCreate, resources: []event.Resource{res(created, event.Database, db(3))}},
			msgID(74): {action: event.DBUserCreate, resources: []event.Resource{res(target, event.Database, db(1))}},
			msgID(75): {action: event.DBDelete, resources: []event.Resource{res(target, event.Database, db(3))}},
			msgID(76): {action: event.DBModify, resources: []event.Resource{res(target, event.Database, db(1))}},
			msgID(77): {action: event.DBRestore, resources: []event.Resource{res(src, event.Backup, bak(71)), res(created, event.Database, db(4))}},
			msgID(78): {action: event.DBModify},
		},
		"keystone": {
			msgID(80): {action: event.PrincipalCreate, actor: alice, service: "identity",
				resources: []event.Resource{res(created, event.Principal, "ad0e0000000000000000000000000001")}},
			msgID(81): {action: event.RoleAssign, actor: alice, resources: []event.Resource{
				res(target, event.Principal, "ad0e0000000000000000000000000001"), res(target, event.AccountType, project)}},
			msgID(82): {action: event.CredentialCreate},
			msgID(83): {noAction: true, outcome: event.Failure, errText: "401"},
		},
		"startend": {
			// Two instances booted by one request: each start joins its own end.
			msgID(91): {operation: "instance.create.end", action: event.InstanceCreate, outcome: event.Success,
				resources: []event.Resource{res(created, event.Instance, inst(91))}},
			msgID(90): {operation: "instance.create.error", outcome: event.Failure, errText: "NoValidHost",
				resources: []event.Resource{res(created, event.Instance, inst(90))}},
			msgID(94): {operation: "instance.snapshot.start", action: event.ImageCreate, outcome: event.Unknown},
			msgID(95): {action: event.SnapshotCreate, outcome: event.Success},
		},
		"cadf-nova": {
			cadfID(1): {operation: "update/createImage service/compute/servers/server/action", action: event.ImageCreate,
				outcome: event.Success, actor: alice, account: project, service: "compute", region: "ctl-1",
				resources: []event.Resource{res(src, event.Instance, inst(1))}},
			cadfID(2): {action: event.BackupCreate, resources: []event.Resource{res(src, event.Instance, inst(1))}},
			cadfID(3): {action: event.ImageCreate, resources: []event.Resource{res(src, event.Instance, inst(1))}},
			cadfID(4): {action: event.VolumeAttach, actor: bob, resources: []event.Resource{res(target, event.Instance, inst(4))}},
			cadfID(5): {action: event.InstanceCreate},
			cadfID(6): {action: event.BackupCreate, outcome: event.Failure, errText: "403"},
			cadfID(7): {action: event.CredentialCreate},
		},
		"cadf-cinder": {
			cadfID(10): {action: event.SnapshotCreate, service: "volume", outcome: event.Success},
			cadfID(11): {action: event.VolumeCreate},
			cadfID(12): {action: event.BackupCreate},
			cadfID(13): {action: event.BackupRestore, resources: []event.Resource{res(src, event.Backup, bak(13))}},
			cadfID(14): {action: event.ImageCreate, resources: []event.Resource{res(src, event.Volume, vol(14))}},
			cadfID(15): {action: event.ImageCreate, resources: []event.Resource{res(src, event.Volume, vol(15))}},
			cadfID(16): {action: event.VolumeAttach, resources: []event.Resource{res(src, event.Volume, vol(16))}},
			cadfID(17): {action: event.SnapshotDelete, resources: []event.Resource{res(target, event.Snapshot, snap(17))}},
			cadfID(18): {action: event.SnapshotCreate},
			cadfID(19): {action: event.VolumeTransfer},
		},
		"cadf-other": {
			cadfID(20): {action: event.IngressOpen, service: "network", noIngress: true},
			cadfID(21): {action: event.DBUserCreate, service: "database", resources: []event.Resource{res(target, event.Database, db(21))}},
			cadfID(22): {action: event.DBBackup},
			cadfID(23): {action: event.ImageShare, resources: []event.Resource{res(target, event.Image, img(23))}},
			cadfID(24): {action: event.ImageCreate},
			cadfID(25): {action: event.ImageDownload, actor: bob, resources: []event.Resource{res(src, event.Image, img(23))}},
			cadfID(26): {action: event.DBDelete, resources: []event.Resource{res(target, event.Database, db(26))}},
			cadfID(27): {action: event.DBModify},
			cadfID(28): {action: event.DBCreate},
			cadfID(29): {action: event.RoleAssign, resources: []event.Resource{res(target, event.Principal, bob), res(target, event.AccountType, project)}},
			cadfID(30): {action: event.PrincipalCreate},
			cadfID(31): {action: event.CredentialCreate},
			cadfID(32): {action: event.ImageUnshare, shares: []string{other}},
			cadfID(33): {action: event.SnapshotCreate, outcome: event.Unknown}, // lone request
			"7be6c4ff-0000-4000-8000-000000000034": {action: event.RoleAssign, outcome: event.Success, actor: alice,
				resources: []event.Resource{res(target, event.Principal, bob)}},
		},
	}
	for file, events := range cases {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", file+".ndjson"))
			if err != nil {
				t.Fatal(err)
			}
			res := detect(t, file, b)
			checkClean(t, file, res)
			got := byID(t, res.Events)
			if len(got) != len(events) {
				t.Errorf("%d events, want %d", len(got), len(events))
			}
			for id, w := range events {
				e := got[id]
				if e == nil {
					t.Errorf("no event %s", id)
					continue
				}
				w.id = id
				expect(t, e, w)
			}
		})
	}
}

// TestCADF_PrincipalCreateIgnoresEndpoint: keystonemiddleware's target id
// is the service endpoint, never the created user.
func TestCADF_PrincipalCreateIgnoresEndpoint(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "cadf-other.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	e := byID(t, detect(t, "cadf-other", b).Events)[cadfID(30)]
	if e == nil {
		t.Fatal("no event")
	}
	if len(e.Resources) != 0 {
		t.Errorf("resources %+v, want none (the body is not logged)", e.Resources)
	}
}

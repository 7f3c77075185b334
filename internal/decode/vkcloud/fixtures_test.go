package vkcloud_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Ids used by the fixtures (invented).
const (
	project  = "3f9c2a7be1d04c5f8a6b0d2e4f6a8c1e"
	project2 = "7d1e9b3c5a0f4e2d8c6b4a2918f7e6d5"
	alice    = "a1c3e5f7091b4d2f8e6c4a2b0d9f7e5c"
	bob      = "b2d4f6a8c0e24b6d9f1a3c5e7b9d1f3a"
)

func id(prefix string, n int) string {
	return fmt.Sprintf("%s-0000-4000-8000-%012d", prefix, n)
}

var (
	vol  = func(n int) string { return id("a0000000", n) }
	snap = func(n int) string { return id("b0000000", n) }
	bk   = func(n int) string { return id("c0000000", n) }
	img  = func(n int) string { return id("d0000000", n) }
	srv  = func(n int) string { return id("e0000000", n) }
	sg   = func(n int) string { return id("f0000000", n) }
	rule = func(n int) string { return id("f1000000", n) }
	db   = func(n int) string { return id("db000000", n) }
	dbbk = func(n int) string { return id("dbb00000", n) }
	cl   = func(n int) string { return id("c1000000", n) }
	ck   = func(n int) string { return id("ce000000", n) }
	grp  = func(n int) string { return id("60000000", n) }
	gs   = func(n int) string { return id("61000000", n) }
)

// want is what a fixture's event must carry. Resources are "role type id";
// ingress is "protocol from-to source".
type want struct {
	action    event.Action
	operation string
	account   string
	resources []string
	shares    []string
	ingress   []string
	actor     string
	ip        string
	outcome   event.Outcome
	err       string
}

func r(role event.Role, typ event.ResourceType, id string) string {
	return string(role) + " " + string(typ) + " " + id
}

const (
	src     = event.RoleSource
	created = event.RoleCreated
	target  = event.RoleTarget
)

var fixtureWants = map[string]want{
	// Cinder
	"cinder-create-snapshot": {action: event.SnapshotCreate, operation: "create-snapshot", account: project,
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(1))}},
	"cinder-create-group-snapshot": {action: event.SnapshotCreate,
		resources: []string{r(src, "volume_group", grp(1)), r(created, event.Snapshot, gs(1))}},
	"cinder-create-cg-snapshot": {action: event.SnapshotCreate,
		resources: []string{r(src, "volume_group", grp(2)), r(created, event.Snapshot, gs(2))}},
	"cinder-create-backup": {action: event.BackupCreate,
		resources: []string{r(src, event.Volume, vol(1)), r(src, event.Snapshot, snap(1)), r(created, event.Backup, bk(1))}},
	"cinder-create-volume-clone": {action: event.VolumeClone, // the source id was upper-case
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Volume, vol(2))}},
	"cinder-create-volume-from-snapshot": {action: event.VolumeRestore,
		resources: []string{r(src, event.Snapshot, snap(1)), r(created, event.Volume, vol(3))}},
	"cinder-create-volume-from-backup": {action: event.VolumeRestore,
		resources: []string{r(src, event.Backup, bk(1)), r(created, event.Volume, vol(4))}},
	"cinder-create-volume-from-image": {action: event.VolumeRestore,
		resources: []string{r(src, event.Image, img(1)), r(created, event.Volume, vol(5))}},
	"cinder-create-volume": {action: event.VolumeCreate, resources: []string{r(created, event.Volume, vol(6))}},
	"cinder-restore-backup": {action: event.BackupRestore,
		resources: []string{r(src, event.Backup, bk(1)), r(created, event.Volume, vol(7))}},
	"cinder-upload-image-public": {action: event.ImageCreate, shares: []string{event.Public},
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Image, img(2))}},
	"cinder-os-attach": {action: event.VolumeAttach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(1))}},
	"cinder-os-extend":       {resources: []string{r(target, event.Volume, vol(3))}},
	"cinder-create-transfer": {action: event.VolumeTransfer, resources: []string{r(target, event.Volume, vol(2))}},
	"cinder-accept-transfer": {action: event.VolumeTransfer, account: project2, actor: bob,
		resources: []string{r(target, event.Volume, vol(2))}, shares: []string{project2}},
	"cinder-delete-snapshot": {action: event.SnapshotDelete, resources: []string{r(target, event.Snapshot, snap(1))}},
	"cinder-delete-backup":   {action: event.BackupDelete, resources: []string{r(target, event.Backup, bk(1))}},

	// Nova
	"nova-create-image": {action: event.ImageCreate, operation: "vm-action", account: "-",
		resources: []string{r(src, event.Instance, srv(1)), r(created, event.Image, img(3))}},
	"nova-create-backup": {action: event.BackupCreate,
		resources: []string{r(src, event.Instance, srv(1)), r(created, event.Image, img(4))}},
	"nova-os-start":        {resources: []string{r(target, event.Instance, srv(1))}},
	"nova-rebuild":         {action: event.InstanceModify, resources: []string{r(target, event.Instance, srv(1))}},
	"nova-add-floating-ip": {action: event.PublicIPAssign, resources: []string{r(target, event.Instance, srv(1))}},
	"nova-assisted-snapshot": {action: event.SnapshotCreate,
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(2))}},
	"nova-attach-volume": {action: event.VolumeAttach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	"nova-detach-volume": {action: event.VolumeDetach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	"nova-create-vm-bdm": {action: event.InstanceCreate, resources: []string{
		r(created, event.Instance, srv(3)), r(src, event.Snapshot, snap(1)), r(src, event.Volume, vol(3)),
		r(target, event.SecurityGroup, sg(1)), r(target, event.SecurityGroup, "default")}},
	"nova-create-vm-image": {action: event.InstanceCreate,
		resources: []string{r(created, event.Instance, srv(4)), r(src, event.Image, img(3))}},
	"nova-sg-rule": {action: event.IngressOpen, ingress: []string{"tcp 22-22 0.0.0.0/0"},
		resources: []string{r(target, event.SecurityGroup, sg(1)), r(created, event.FirewallRule, rule(1))}},

	// Neutron
	"neutron-ingress-ssh-world": {action: event.IngressOpen, ingress: []string{"tcp 22-22 0.0.0.0/0"},
		resources: []string{r(target, event.SecurityGroup, sg(2)), r(created, event.FirewallRule, rule(2))}},
	"neutron-ingress-rdp-ipv6-any": {action: event.IngressOpen, ingress: []string{"tcp 3389-3389 ::/0"},
		resources: []string{r(target, event.SecurityGroup, sg(2))}},
	"neutron-ingress-group-all": {action: event.IngressOpen, ingress: []string{"all 0-0 " + sg(3)},
		resources: []string{r(target, event.SecurityGroup, sg(2)), r(created, event.FirewallRule, rule(3))}},
	"neutron-egress":    {resources: []string{r(target, event.SecurityGroup, sg(2))}},
	"neutron-create-sg": {},

	// Glance
	"glance-create": {action: event.ImageCreate, operation: "POST /images", resources: []string{r(created, event.Image, img(5))}},
	"glance-member-create": {action: event.ImageShare, shares: []string{project2},
		resources: []string{r(target, event.Image, img(5))}},
	"glance-make-public": {action: event.ImageShare, shares: []string{event.Public},
		resources: []string{r(target, event.Image, img(5))}},
	"glance-member-delete": {action: event.ImageUnshare, shares: []string{project2},
		resources: []string{r(target, event.Image, img(5))}},
	"glance-make-private": {action: event.ImageUnshare, shares: []string{event.Public},
		resources: []string{r(target, event.Image, img(5))}},
	"glance-rename":           {resources: []string{r(target, event.Image, img(5))}},
	"glance-delete":           {action: event.ImageDelete, resources: []string{r(target, event.Image, img(5))}},
	"glance-create-community": {action: event.ImageCreate, shares: []string{event.Public}, resources: []string{r(created, event.Image, img(6))}},
	"glance-download":         {action: event.ImageDownload, resources: []string{r(src, event.Image, img(6))}},

	// DBaaS
	"db-restore": {action: event.DBRestore, operation: "POST /instances", account: project,
		resources: []string{r(src, event.Backup, dbbk(1)), r(created, event.Database, db(2))}},
	"db-create":          {action: event.DBCreate, resources: []string{r(created, event.Database, db(3))}},
	"db-create-cluster":  {action: event.DBCreate, resources: []string{r(created, event.Database, cl(2))}},
	"db-patch":           {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-put":             {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-action":          {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-cluster-action":  {action: event.DBModify, resources: []string{r(target, event.Database, cl(1))}},
	"db-backup-schedule": {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-root":            {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-user-update": {action: event.DBModify, operation: "PUT /instances/{id}/users/{name}",
		resources: []string{r(target, event.Database, db(1))}},
	"db-configurations":  {action: event.DBModify, resources: []string{r(target, event.Database, db(1))}},
	"db-delete":          {action: event.DBDelete, resources: []string{r(target, event.Database, db(3))}},
	"db-delete-cluster":  {action: event.DBDelete, resources: []string{r(target, event.Database, cl(1))}},
	"db-delete-database": {action: event.DBDelete, resources: []string{r(target, event.Database, db(1))}},
	"db-delete-backup":   {action: event.DBDelete, resources: []string{r(target, event.Backup, dbbk(1))}},
	"db-delete-user":     {action: event.DBDelete, resources: []string{r(target, event.Database, db(1))}},
	"db-backup": {action: event.DBBackup,
		resources: []string{r(src, event.Database, db(1)), r(created, event.Backup, dbbk(2))}},
	"db-user-create": {action: event.DBUserCreate,
		resources: []string{r(target, event.Database, db(1)), r(created, event.Principal, "exfil")}},
	"db-cluster-user-create": {action: event.DBUserCreate,
		resources: []string{r(target, event.Database, cl(1)), r(created, event.Principal, "reader")}},

	// Karboii
	"karbor-checkpoint-vm": {action: event.BackupCreate, account: project,
		resources: []string{r(created, event.Backup, ck(1)), r(src, event.Instance, srv(1))}},
	"karbor-checkpoint-db": {action: event.DBBackup, account: project,
		resources: []string{r(created, event.Backup, ck(2)), r(src, event.Database, db(1))}},
	"karbor-plan-create":       {action: event.BackupSchedule, resources: []string{r(src, event.Instance, srv(1))}},
	"karbor-plan-update":       {action: event.BackupSchedule, resources: []string{r(src, event.Database, db(1))}},
	"karbor-restore":           {action: event.BackupRestore, resources: []string{r(src, event.Backup, ck(1))}},
	"karbor-checkpoint-delete": {action: event.BackupDelete, resources: []string{r(target, event.Backup, ck(1))}},
	"karbor-trigger":           {},

	// IAM
	"iam-invite":      {action: event.PrincipalCreate, resources: []string{r(created, event.Principal, "new.user@example.org")}},
	"iam-role-assign": {action: event.RoleAssign, resources: []string{r(target, event.Principal, bob)}},
	"iam-tfa-disable": {action: event.GuardrailDisable, resources: []string{r(target, event.Principal, alice)}},
	"iam-signin":      {outcome: event.Failure},

	// Bodies that are empty, binary, masked or cut short: never an error.
	"odd-empty":        {action: event.SnapshotCreate},
	"odd-binary":       {action: event.SnapshotCreate},
	"odd-empty-object": {action: event.SnapshotCreate},
	"odd-masked":       {action: event.SnapshotCreate},
	"odd-truncated-snapshot": {action: event.SnapshotCreate,
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(3))}},
	"odd-truncated-volume": {action: event.VolumeRestore, resources: []string{r(src, event.Snapshot, snap(3))}},
	"odd-truncated-backup": {action: event.BackupCreate, resources: []string{r(src, event.Snapshot, snap(3))}},
	"odd-truncated-attach": {action: event.VolumeAttach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	// The remote prefix was cut off: the source is unknown, not the world.
	"odd-truncated-rule": {action: event.IngressOpen, ingress: []string{"tcp 22-22 "},
		resources: []string{r(target, event.SecurityGroup, sg(2))}},
	"odd-vm-action-empty": {resources: []string{r(target, event.Instance, srv(1))}},
	"odd-failed-snapshot": {action: event.SnapshotCreate, outcome: event.Failure,
		err:       "Invalid volume: Volume status must be available or in-use.",
		resources: []string{r(src, event.Volume, vol(1))}},
	"odd-truncated-bdm":    {action: event.InstanceCreate, resources: []string{r(src, event.Snapshot, snap(3))}},
	"odd-truncated-upload": {action: event.ImageCreate, shares: []string{event.Public}, resources: []string{r(src, event.Volume, vol(1))}},
	"odd-magnum-unknown":   {operation: "POST /clusters", account: "-"},
	"odd-source-typo": {action: event.SnapshotCreate,
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(4))}},
	"odd-escaped": {action: event.SnapshotCreate, resources: []string{r(src, event.Volume, vol(1))}},
	"partial-1":   {action: event.SnapshotCreate, account: "-", resources: []string{r(src, event.Volume, vol(1))}},

	// Cloud Audit, as JSON, syslog and CEF
	"audit-create-snapshot": {action: event.SnapshotCreate, account: project, ip: "203.0.113.45",
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(5))}},
	"audit-db-backup": {action: event.DBBackup, resources: []string{r(src, event.Database, db(1))}},
	"audit-db-user": {action: event.DBUserCreate,
		resources: []string{r(created, event.Principal, "exfil"), r(target, event.Database, db(1))}},
	"audit-signin-failed": {outcome: event.Failure, err: "invalid credentials",
		resources: []string{r(target, event.Principal, alice)}},
	"audit-attach": {action: event.VolumeAttach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	"audit-k8s-secret": {actor: "k8s-uid-7", ip: "10.0.0.5", account: "-"},
	"audit-sg-rule": {action: event.IngressOpen, ingress: []string{"tcp 22-22 ::/0"},
		resources: []string{r(target, event.SecurityGroup, sg(5)), r(created, event.FirewallRule, rule(5))}},
	"audit-grpc-denied": {action: event.BackupCreate, outcome: event.Failure, err: "PERMISSION_DENIED",
		resources: []string{r(src, event.Volume, vol(1))}},
	"syslog-create-snapshot": {action: event.SnapshotCreate, ip: "203.0.113.45",
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(5))}},
	"syslog-sg-rule": {action: event.IngressOpen, ingress: []string{"tcp 22-22 ::/0"},
		resources: []string{r(target, event.SecurityGroup, sg(5)), r(created, event.FirewallRule, rule(5))}},
	"syslog-no-timestamp": {action: event.VolumeAttach,
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	"cef-create-snapshot": {action: event.SnapshotCreate, account: project, ip: "203.0.113.45",
		resources: []string{r(src, event.Volume, vol(1)), r(created, event.Snapshot, snap(6))}},
	"cef-db-user": {action: event.DBUserCreate, operation: "POST /instances/{id}/users", actor: bob, ip: "198.51.100.23",
		resources: []string{r(target, event.Database, db(1)), r(created, event.Principal, "exfil")}},
	"cef-attach": {action: event.VolumeAttach, outcome: event.Failure, err: "Policy doesn't allow",
		resources: []string{r(src, event.Volume, vol(3)), r(target, event.Instance, srv(2))}},
	"cef-weird": {action: event.BackupCreate, outcome: event.Unknown, actor: "-"},
}

func TestFixtures(t *testing.T) {
	byID := map[string]*event.Event{}
	for _, events := range fixtures(t) {
		for _, e := range events {
			if byID[e.ID] != nil {
				t.Errorf("event id %q twice", e.ID)
			}
			byID[e.ID] = e
		}
	}
	for id := range byID {
		if _, ok := fixtureWants[id]; !ok {
			t.Errorf("fixture event %q has no expectations", id)
		}
	}
	for id, w := range fixtureWants {
		t.Run(id, func(t *testing.T) {
			e := byID[id]
			if e == nil {
				t.Fatal("no such event")
			}
			if e.Cloud != event.VKCloud || e.Format != "vkcloud" {
				t.Errorf("cloud %q format %q", e.Cloud, e.Format)
			}
			if e.Action != w.action {
				t.Errorf("action = %q, want %q", e.Action, w.action)
			}
			if w.operation != "" && e.Operation != w.operation {
				t.Errorf("operation = %q, want %q", e.Operation, w.operation)
			}
			if w.account != "" && e.Account != strings.TrimPrefix(w.account, "-") {
				t.Errorf("account = %q, want %q", e.Account, w.account)
			}
			var res []string
			for _, x := range e.Resources {
				res = append(res, r(x.Role, x.Type, x.ID))
			}
			if !sameSet(res, w.resources) {
				t.Errorf("resources =\n\t%q\nwant\n\t%q", res, w.resources)
			}
			var shares []string
			for _, s := range e.Shares {
				shares = append(shares, s.Target)
			}
			if !sameSet(shares, w.shares) {
				t.Errorf("shares = %q, want %q", shares, w.shares)
			}
			var in []string
			for _, x := range e.Ingress {
				in = append(in, x.Protocol+" "+strconv.Itoa(x.FromPort)+"-"+strconv.Itoa(x.ToPort)+" "+x.Source)
			}
			if !sameSet(in, w.ingress) {
				t.Errorf("ingress = %q, want %q", in, w.ingress)
			}
			actor := w.actor
			if actor == "" {
				actor = alice
			}
			if e.Actor.ID != strings.TrimPrefix(actor, "-") {
				t.Errorf("actor = %q, want %q", e.Actor.ID, actor)
			}
			if w.ip != "" && e.Actor.IP != w.ip {
				t.Errorf("actor ip = %q, want %q", e.Actor.IP, w.ip)
			}
			out := w.outcome
			if out == "" {
				out = event.Success
			}
			if e.Outcome != out {
				t.Errorf("outcome = %q, want %q", e.Outcome, out)
			}
			if e.Error != w.err {
				t.Errorf("error = %q, want %q", e.Error, w.err)
			}
			if e.Time.IsZero() && id != "cef-weird" {
				t.Error("no time")
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

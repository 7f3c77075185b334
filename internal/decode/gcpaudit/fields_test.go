package gcpaudit_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// res is a resource as the tables below spell it.
type res struct {
	role    event.Role
	typ     event.ResourceType
	id      string
	account string
}

func resources(e *event.Event) []res {
	var out []res
	for _, r := range e.Resources {
		out = append(out, res{r.Role, r.Type, r.ID, r.Account})
	}
	return out
}

// byOperation returns the n-th event (0-based) with the operation.
func byOperation(t *testing.T, events []*event.Event, op string, n int) *event.Event {
	t.Helper()
	for _, e := range events {
		if e.Operation == op {
			if n == 0 {
				return e
			}
			n--
		}
	}
	t.Fatalf("no event %q", op)
	return nil
}

const (
	prod    = "projects/acme-prod/"
	zoneB   = prod + "zones/europe-west1-b/"
	ops     = "ops@acme.example"
	thief   = "attacker@gmail.com"
	sqlProd = prod + "instances/prod-db-orders"
)

func TestFields(t *testing.T) {
	tests := []struct {
		file, op   string
		n          int
		action     event.Action
		outcome    event.Outcome
		actor      string
		actorAcct  string
		resources  []res
		shares     []event.Share
		ingress    []event.Ingress
		errorMatch string
	}{
		{file: "sink.ndjson", op: "v1.compute.disks.createSnapshot", action: event.SnapshotCreate, outcome: event.Success,
			actor: "backup-bot@acme-prod.iam.gserviceaccount.com",
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-1", ""},
				{event.RoleCreated, event.Snapshot, prod + "global/snapshots/db-1-nightly", ""},
			}},
		{file: "sink.ndjson", op: "v1.compute.snapshots.delete", action: event.SnapshotDelete, outcome: event.Success,
			actor:     "backup-bot@acme-prod.iam.gserviceaccount.com",
			resources: []res{{event.RoleTarget, event.Snapshot, prod + "global/snapshots/db-1-old", ""}}},
		{file: "sink.ndjson", op: "v1.compute.disks.get", outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Volume, zoneB + "disks/db-1", ""}}},

		{file: "gcloud_array.json", op: "v1.compute.images.insert", action: event.ImageCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-1", ""},
				{event.RoleCreated, event.Image, prod + "global/images/db-1-img", ""},
			}},
		{file: "gcloud_array.json", op: "beta.compute.images.insert", action: event.ImageCopy, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Image, "projects/vendor-images/global/images/golden-v3", "vendor-images"},
				{event.RoleCreated, event.Image, prod + "global/images/golden-copy", ""},
			}},
		{file: "gcloud_array.json", op: "alpha.compute.images.insert", action: event.ImageCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Snapshot, prod + "global/snapshots/db-1-nightly", ""},
				{event.RoleCreated, event.Image, prod + "global/images/from-snap", ""},
			}},
		{file: "gcloud_array.json", op: "v1.compute.images.insert", n: 1, action: event.ImageCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Bucket, "gs://acme-imports/disk.tar.gz", ""},
				{event.RoleCreated, event.Image, prod + "global/images/imported", ""},
			}},
		{file: "gcloud_array.json", op: "v1.compute.machineImages.insert", action: event.ImageCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Instance, zoneB + "instances/app-1", ""},
				{event.RoleCreated, event.Image, prod + "global/machineImages/app-1-mi", ""},
			}},
		{file: "gcloud_array.json", op: "v1.compute.images.delete", action: event.ImageDelete, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Image, prod + "global/images/from-snap", ""}}},

		{file: "pubsub_push.json", op: "v1.compute.snapshots.insert", action: event.SnapshotCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-1", ""},
				{event.RoleCreated, event.Snapshot, prod + "global/snapshots/snap-push", ""},
			}},

		{file: "entries_list.json", op: "v1.compute.images.delete", action: event.ImageDelete, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Image, prod + "global/images/i-1", ""}}},

		{file: "share.ndjson", op: "v1.compute.snapshots.setIamPolicy", action: event.SnapshotShare, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Snapshot, prod + "global/snapshots/db-1-x", ""}},
			shares:    []event.Share{{Target: thief, Kind: "user"}, {Target: event.Public, Kind: "public"}}},
		{file: "share.ndjson", op: "v1.compute.disks.setIamPolicy", action: "volume.share", outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Volume, zoneB + "disks/db-1", ""}},
			shares: []event.Share{{Target: "outside@partner.example", Kind: "group"}, {Target: "partner.example", Kind: "domain"},
				{Target: "thief@evil-lab-7731.iam.gserviceaccount.com", Kind: "serviceAccount"}}},
		{file: "share.ndjson", op: "v1.compute.images.setIamPolicy", action: event.ImageShare, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Image, prod + "global/images/db-1-img", ""}},
			shares:    []event.Share{{Target: event.Public, Kind: "public"}}},
		{file: "share.ndjson", op: "v1.compute.machineImages.setIamPolicy", action: event.ImageShare, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Image, prod + "global/machineImages/app-1-mi", ""}},
			shares:    []event.Share{{Target: "evil-lab-7731", Kind: "account"}}},
		{file: "share.ndjson", op: "v1.compute.snapshots.setIamPolicy", n: 1, action: event.SnapshotUnshare, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Snapshot, prod + "global/snapshots/db-1-x", ""}},
			shares:    []event.Share{{Target: thief, Kind: "user"}}},

		{file: "restore.ndjson", op: "v1.compute.disks.insert", action: event.VolumeRestore, outcome: event.Success, actor: thief,
			resources: []res{
				{event.RoleSource, event.Snapshot, prod + "global/snapshots/db-1-x", ""},
				{event.RoleCreated, event.Volume, zoneB + "disks/restored-1", ""},
			}},
		{file: "restore.ndjson", op: "v1.compute.regionDisks.insert", action: event.VolumeClone, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Volume, prod + "regions/europe-west1/disks/ha-db", ""},
				{event.RoleCreated, event.Volume, prod + "regions/europe-west1/disks/clone-1", ""},
			}},
		{file: "restore.ndjson", op: "v1.compute.disks.insert", n: 2, action: event.VolumeCreate, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleCreated, event.Volume, zoneB + "disks/blank", ""}}},

		{file: "instance.ndjson", op: "v1.compute.instances.insert", n: 1, action: event.InstanceCreate, outcome: event.Unknown, actor: thief,
			resources: []res{
				{event.RoleCreated, event.Instance, zoneB + "instances/exfil-vm", ""},
				{event.RoleSource, event.Snapshot, prod + "global/snapshots/db-1-x", ""},
				{event.RoleSource, event.Volume, zoneB + "disks/restored-1", ""},
				{event.RoleSource, event.Image, "projects/debian-cloud/global/images/debian-12-v20261101", "debian-cloud"},
				{event.RoleTarget, event.Network, prod + "global/networks/vpc-a", ""},
				{event.RoleTarget, "network_tag", prod + "global/networkTags/ssh-open", ""},
				{event.RoleTarget, "network_tag", prod + "global/networkTags/web", ""},
			}},
		{file: "instance.ndjson", op: "v1.compute.instances.insert", action: event.InstanceCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleCreated, event.Instance, zoneB + "instances/from-mi", ""},
				{event.RoleSource, event.Image, prod + "global/machineImages/app-1-mi", ""},
				{event.RoleSource, event.Image, prod + "global/images/db-1-img", ""},
				{event.RoleTarget, event.Network, prod + "global/networks/default", ""},
			}},
		{file: "instance.ndjson", op: "v1.compute.instances.addAccessConfig", action: event.PublicIPAssign, outcome: event.Success, actor: thief,
			resources: []res{{event.RoleTarget, event.Instance, zoneB + "instances/exfil-vm", ""}}},
		{file: "pair_reversed.ndjson", op: "v1.compute.instances.attachDisk", action: event.VolumeAttach, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/restored-1", ""},
				{event.RoleTarget, event.Instance, zoneB + "instances/app-1", ""},
			}},

		{file: "firewall.ndjson", op: "v1.compute.firewalls.insert", action: event.IngressOpen, outcome: event.Success, actor: thief,
			resources: []res{
				{event.RoleTarget, event.FirewallRule, prod + "global/firewalls/allow-ssh-any", ""},
				{event.RoleTarget, event.Network, prod + "global/networks/vpc-a", ""},
				{event.RoleTarget, "network_tag", prod + "global/networkTags/ssh-open", ""},
			},
			ingress: []event.Ingress{
				{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"},
				{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "::/0"},
				{Protocol: "tcp", FromPort: 8000, ToPort: 8080, Source: "0.0.0.0/0"},
				{Protocol: "tcp", FromPort: 8000, ToPort: 8080, Source: "::/0"},
				{Protocol: "icmp", Source: "0.0.0.0/0"},
				{Protocol: "icmp", Source: "::/0"},
			}},
		{file: "firewall.ndjson", op: "v1.compute.firewalls.patch", action: event.IngressOpen, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.FirewallRule, prod + "global/firewalls/internal", ""}},
			ingress: []event.Ingress{
				{Protocol: "udp", FromPort: 53, ToPort: 53, Source: "tag:bastion"},
				{Protocol: "udp", FromPort: 53, ToPort: 53, Source: "serviceAccount:jump@acme-prod.iam.gserviceaccount.com"},
				{Protocol: "all", Source: "tag:bastion"},
				{Protocol: "all", Source: "serviceAccount:jump@acme-prod.iam.gserviceaccount.com"},
			}},
		{file: "firewall.ndjson", op: "v1.compute.firewalls.insert", n: 1, outcome: event.Success, actor: ops, // egress
			resources: []res{
				{event.RoleTarget, event.FirewallRule, prod + "global/firewalls/egress-all", ""},
				{event.RoleTarget, event.Network, prod + "global/networks/default", ""},
			}},
		{file: "firewall.ndjson", op: "v1.compute.firewalls.update", action: event.IngressOpen, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.FirewallRule, prod + "global/firewalls/web", ""}},
			ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 443, ToPort: 443, Source: "198.51.100.0/24"}}},

		// Cross-project theft: the victim's entry has no caller IP and names the disk.
		{file: "cross_project.ndjson", op: "v1.compute.snapshots.insert", action: event.SnapshotCreate, outcome: event.Success, actor: thief,
			resources: []res{{event.RoleSource, event.Volume, "projects/victim-prod/zones/europe-west1-b/disks/db-main", ""}}},
		{file: "cross_project.ndjson", op: "v1.compute.snapshots.insert", n: 1, action: event.SnapshotCreate, outcome: event.Success,
			actor: thief, actorAcct: "evil-lab-7731",
			resources: []res{
				{event.RoleSource, event.Volume, "projects/victim-prod/zones/europe-west1-b/disks/db-main", ""},
				{event.RoleCreated, event.Snapshot, "projects/evil-lab-7731/global/snapshots/loot", "evil-lab-7731"},
			}},
		{file: "cross_project.ndjson", op: "v1.compute.snapshots.insert", n: 2, action: event.SnapshotCreate, outcome: event.Success, actor: thief,
			resources: []res{
				{event.RoleSource, event.Volume, "projects/victim-prod/zones/europe-west1-b/disks/db-main", "victim-prod"},
				{event.RoleCreated, event.Snapshot, "projects/evil-lab-7731/global/snapshots/loot", ""},
			}},
		{file: "cross_project.ndjson", op: "v1.compute.snapshots.insert", n: 3, action: event.SnapshotCreate, outcome: event.Success,
			actor: "thief@evil-lab-7731.iam.gserviceaccount.com", actorAcct: "evil-lab-7731",
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-1", ""},
				{event.RoleCreated, event.Snapshot, prod + "global/snapshots/sa-loot", ""},
			}},

		{file: "instant_snapshot.ndjson", op: "beta.compute.instantSnapshots.export", action: event.SnapshotExport, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Snapshot, zoneB + "instantSnapshots/is-1", ""},
				{event.RoleCreated, event.Bucket, "gs://acme-export/is-1.tar.gz", ""},
			}},

		{file: "cloudsql.ndjson", op: "cloudsql.instances.export", action: event.DBExport, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Database, sqlProd, ""},
				{event.RoleCreated, event.Bucket, "gs://exfil-bucket-7731/orders.sql.gz", ""},
			}},
		{file: "cloudsql.ndjson", op: "cloudsql.instances.restoreBackup", action: event.DBRestore, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleTarget, event.Database, prod + "instances/stage-db", ""},
				{event.RoleSource, event.Backup, "projects/acme-billing/instances/billing-db/backupRuns/1772000000000", "acme-billing"},
				{event.RoleSource, event.Database, "projects/acme-billing/instances/billing-db", "acme-billing"},
			}},
		{file: "cloudsql.ndjson", op: "cloudsql.instances.clone", action: event.DBRestore, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Database, sqlProd, ""},
				{event.RoleCreated, event.Database, prod + "instances/orders-clone", ""},
			}},
		{file: "cloudsql.ndjson", op: "cloudsql.users.create", action: event.DBUserCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleTarget, event.Database, sqlProd, ""},
				{event.RoleCreated, event.Principal, sqlProd + "/users/backdoor", ""},
			}},
		{file: "cloudsql.ndjson", op: "cloudsql.backupRuns.create", action: event.DBBackup, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleSource, event.Database, sqlProd, ""}}},
		{file: "cloudsql.ndjson", op: "cloudsql.instances.create", action: event.DBCreate, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleCreated, event.Database, prod + "instances/new-db", ""}},
			ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 5432, ToPort: 5432, Source: "198.51.100.0/24"}}},
		{file: "cloudsql.ndjson", op: "cloudsql.instances.patch", action: event.DBModify, outcome: event.Success, actor: ops,
			resources: []res{{event.RoleTarget, event.Database, sqlProd, ""}},
			ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 0, ToPort: 65535, Source: "0.0.0.0/0"}}},
		{file: "cloudsql.ndjson", op: "google.cloud.sql.v1.SqlInstancesService.Export", action: event.DBExport, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Database, sqlProd, ""},
				{event.RoleCreated, event.Bucket, "gs://acme-dumps/orders.csv", ""},
			}},

		{file: "identity.ndjson", op: "google.iam.admin.v1.CreateServiceAccount", action: event.PrincipalCreate, outcome: event.Success, actor: thief,
			resources: []res{{event.RoleCreated, event.Principal, "svc-maint@acme-prod.iam.gserviceaccount.com", ""}}},
		{file: "identity.ndjson", op: "google.iam.admin.v1.CreateServiceAccountKey", action: event.CredentialCreate, outcome: event.Success, actor: thief,
			resources: []res{{event.RoleTarget, event.Principal, "svc-maint@acme-prod.iam.gserviceaccount.com", ""}}},
		{file: "identity.ndjson", op: "SetIamPolicy", action: event.RoleAssign, outcome: event.Success, actor: thief,
			resources: []res{
				{event.RoleTarget, event.AccountType, "acme-prod", ""},
				{event.RoleSharedWith, event.Principal, "svc-maint@acme-prod.iam.gserviceaccount.com", ""},
			}},
		{file: "identity.ndjson", op: "v1.compute.instances.setMetadata", action: event.CredentialCreate, outcome: event.Success,
			actor:     "svc-maint@acme-prod.iam.gserviceaccount.com",
			resources: []res{{event.RoleTarget, event.Instance, zoneB + "instances/exfil-vm", ""}}},
		{file: "identity.ndjson", op: "v1.compute.projects.setCommonInstanceMetadata", outcome: event.Success, actor: ops, // no ssh-keys
			resources: []res{{event.RoleTarget, event.AccountType, "acme-prod", ""}}},

		{file: "cloudbuild.ndjson", op: "google.devtools.cloudbuild.v1.CloudBuild.CreateBuild", action: event.ImageExport, outcome: event.Success, actor: thief,
			resources: []res{
				{event.RoleSource, event.Image, prod + "global/images/db-1-img", ""},
				{event.RoleCreated, event.Bucket, "gs://exfil-bucket-7731/db-1.vmdk", ""},
			}},
		{file: "cloudbuild.ndjson", op: "google.devtools.cloudbuild.v1.CloudBuild.CreateBuild", n: 1, outcome: event.Success, actor: ops},

		{file: "renamed.ndjson", op: "v1.compute.disks.createSnapshot", action: event.SnapshotCreate, outcome: event.Success, actor: ops,
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-2", ""},
				{event.RoleCreated, event.Snapshot, prod + "global/snapshots/db-2-snap", ""},
			}},
		{file: "renamed.ndjson", op: "v1.compute.snapshots.insert", action: event.SnapshotCreate, outcome: event.Failure,
			actor: "intern@acme.example", errorMatch: "PERMISSION_DENIED: Required 'compute.disks.createSnapshot' permission",
			resources: []res{
				{event.RoleSource, event.Volume, zoneB + "disks/db-1", ""},
				{event.RoleCreated, event.Snapshot, prod + "global/snapshots/denied", ""},
			}},
		{file: "pair_failure.ndjson", op: "v1.compute.disks.insert", action: event.VolumeRestore, outcome: event.Failure, actor: ops,
			errorMatch: "NOT_FOUND: The resource 'projects/acme-prod/global/snapshots/gone' was not found",
			resources: []res{
				{event.RoleSource, event.Snapshot, prod + "global/snapshots/gone", ""},
				{event.RoleCreated, event.Volume, zoneB + "disks/bad-1", ""},
			}},
	}
	cache := map[string][]*event.Event{}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.op, func(t *testing.T) {
			events, ok := cache[tt.file]
			if !ok {
				events = decodeFile(t, "testdata/"+tt.file)
				cache[tt.file] = events
			}
			e := byOperation(t, events, tt.op, tt.n)
			if e.Cloud != event.GCP || e.Format != "gcpaudit" {
				t.Errorf("cloud %q format %q", e.Cloud, e.Format)
			}
			if e.Action != tt.action || e.Outcome != tt.outcome {
				t.Errorf("action %q outcome %q, want %q %q", e.Action, e.Outcome, tt.action, tt.outcome)
			}
			if e.Error != tt.errorMatch {
				t.Errorf("error %q, want %q", e.Error, tt.errorMatch)
			}
			if e.Actor.ID != tt.actor || e.Actor.Account != tt.actorAcct {
				t.Errorf("actor %q (account %q), want %q (%q)", e.Actor.ID, e.Actor.Account, tt.actor, tt.actorAcct)
			}
			if got := resources(e); !slices.Equal(got, tt.resources) {
				t.Errorf("resources:\n got %v\nwant %v", got, tt.resources)
			}
			if !slices.Equal(e.Shares, tt.shares) {
				t.Errorf("shares %v, want %v", e.Shares, tt.shares)
			}
			if !slices.Equal(e.Ingress, tt.ingress) {
				t.Errorf("ingress %v, want %v", e.Ingress, tt.ingress)
			}
		})
	}
}

// TestFields_WorldOpen checks the firewall fixture against the event's own
// notion of an open rule: SSH from anywhere, over IPv4 and IPv6.
func TestFields_WorldOpen(t *testing.T) {
	e := byOperation(t, decodeFile(t, "testdata/firewall.ndjson"), "v1.compute.firewalls.insert", 0)
	if v4, v6 := decodetest.WorldOpen(e, 22); !v4 || !v6 {
		t.Errorf("SSH open from 0.0.0.0/0 %v, from ::/0 %v; want both", v4, v6)
	}
}

// TestFields_Actor checks the actor fields beyond the id.
func TestFields_Actor(t *testing.T) {
	events := decodeFile(t, "testdata/identity.ndjson")
	e := byOperation(t, events, "v1.compute.instances.setMetadata", 0)
	want := event.Actor{ID: "svc-maint@acme-prod.iam.gserviceaccount.com", Name: "svc-maint@acme-prod.iam.gserviceaccount.com",
		Type: "serviceAccount", IP: "203.0.113.10", UserAgent: "google-cloud-sdk gcloud/470.0.0", SessionIssuer: thief}
	if e.Actor != want {
		t.Errorf("actor %+v\nwant %+v", e.Actor, want)
	}
	if e.Account != "acme-prod" || e.Region != "europe-west1-b" || e.Service != "compute.googleapis.com" {
		t.Errorf("account %q region %q service %q", e.Account, e.Region, e.Service)
	}
	// Panther's callerIP spelling and lower-cased keys.
	r := byOperation(t, decodeFile(t, "testdata/renamed.ndjson"), "v1.compute.disks.createSnapshot", 0)
	if r.Actor.IP != "203.0.113.10" || r.Actor.Type != "user" || r.ID == "" || r.Time.IsZero() {
		t.Errorf("renamed entry: actor %+v id %q time %v", r.Actor, r.ID, r.Time)
	}
	// Pub/Sub URL-safe base64 carries its own caller.
	p := decodeFile(t, "testdata/pubsub_push_url.json")
	if len(p) != 1 || p[0].ID != "urlsafe01" || p[0].Actor.IP != "203.0.113.77" {
		t.Errorf("pub/sub url-safe: %d events, %+v", len(p), p)
	}
}

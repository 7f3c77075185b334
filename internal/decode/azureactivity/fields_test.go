package azureactivity_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// Ids of the fixtures, canonical.
const (
	sub   = "0f0f0f0f-0000-4000-8000-000000000001"
	ext   = "0e0e0e0e-0000-4000-8000-000000000009"
	rg    = "/subscriptions/" + sub + "/resourcegroups/rg-data/providers/"
	alice = "a11ce000-0000-4000-8000-000000000001"
)

// res is the part of a resource the assertions compare.
type res struct {
	Role    event.Role
	Type    event.ResourceType
	ID      string
	Account string
}

func resources(e *event.Event) []res {
	var out []res
	for _, r := range e.Resources {
		out = append(out, res{r.Role, r.Type, r.ID, r.Account})
	}
	return out
}

// decodeFixture decodes testdata/<name>, failing on any bad record.
func decodeFixture(tb testing.TB, name string) []*event.Event {
	tb.Helper()
	return decodetest.MustDecode(tb, azureactivity.Format{}, name, decodetest.ReadFile(tb, filepath.Join("testdata", name)))
}

func TestNormalize_Fields(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		index     int // event index in the fixture's output
		action    event.Action
		outcome   event.Outcome
		actor     string
		resources []res
		shares    []event.Share
		ingress   []event.Ingress
	}{
		{
			name: "records pair: disk restored from a snapshot", file: "records_pair.json",
			action: event.VolumeRestore, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Volume, rg + "microsoft.compute/disks/restored-db01", ""},
				{event.RoleSource, event.Snapshot, rg + "microsoft.compute/snapshots/snap-db01-0300", ""},
			},
		},
		{
			name: "REST pair: snapshot copied from another subscription", file: "rest_pair.json",
			action: event.SnapshotCopy, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Snapshot, rg + "microsoft.compute/snapshots/snap-copy", ""},
				{event.RoleSource, event.Snapshot, "/subscriptions/" + ext + "/resourcegroups/rg-x/providers/microsoft.compute/snapshots/snap-src", ext},
			},
		},
		{
			name: "CLI array, newest first: snapshot of a disk", file: "cli_reversed.json",
			action: event.SnapshotCreate, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Snapshot, rg + "microsoft.compute/snapshots/snap-web01", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/web01-os", ""},
			},
		},
		{
			name: "lone BeginRequest", file: "lone_begin.json",
			action: event.SnapshotCreate, outcome: event.Unknown, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Snapshot, rg + "microsoft.compute/snapshots/snap-lonely", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/db01-data", ""},
			},
		},
		{
			name: "three records: disk from a disk restore point", file: "async_three.json",
			action: event.VolumeRestore, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Volume, rg + "microsoft.compute/disks/db01-from-rp", ""},
				{event.RoleSource, event.Snapshot, rg + "microsoft.compute/restorepointcollections/rpc-db01/restorepoints/rp-0300/diskrestorepoints/db01-data_1b2c", ""},
			},
		},
		{
			name: "NSG rule opens SSH to the world", file: "nsg_rule.json",
			action: event.IngressOpen, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-jump", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.network/networksecuritygroups/nsg-jump/securityrules/allow-ssh", ""},
			},
			ingress: []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "*"}},
		},
		{
			name: "NSG rule with prefixes and port ranges", file: "nsg_rule_variants.json", index: 0,
			action: event.IngressOpen, outcome: event.Unknown, actor: alice,
			resources: []res{
				{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-jump", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.network/networksecuritygroups/nsg-jump/securityrules/allow-many", ""},
			},
			ingress: []event.Ingress{
				{Protocol: "all", FromPort: 20, ToPort: 30, Source: "0.0.0.0/0"},
				{Protocol: "all", FromPort: 3389, ToPort: 3389, Source: "0.0.0.0/0"},
				{Protocol: "all", FromPort: 20, ToPort: 30, Source: "::/0"},
				{Protocol: "all", FromPort: 3389, ToPort: 3389, Source: "::/0"},
			},
		},
		{
			name: "NSG rule from the Internet tag, every port", file: "nsg_rule_variants.json", index: 1,
			action: event.IngressOpen, outcome: event.Unknown, actor: alice,
			resources: []res{
				{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-jump", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.network/networksecuritygroups/nsg-jump/securityrules/allow-internet", ""},
			},
			ingress: []event.Ingress{{Protocol: "udp", FromPort: 0, ToPort: 65535, Source: "Internet"}},
		},
		{
			name: "NSG deny rule opens nothing", file: "nsg_rule_variants.json", index: 3,
			action: "", outcome: event.Unknown, actor: alice,
			resources: []res{
				{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-jump", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.network/networksecuritygroups/nsg-jump/securityrules/deny-ssh", ""},
			},
		},
		{
			name: "NSG with inline rules", file: "nsg_inline.json",
			action: event.IngressOpen, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-restore", ""}},
			ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "Any"}},
		},
		{
			name: "VM update attaches a restored disk (response body)", file: "vm_attach.json", index: 0,
			action: event.VolumeAttach, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.Instance, rg + "microsoft.compute/virtualmachines/vm-analytics", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/restored-db01", ""},
				{event.RoleTarget, event.NIC, rg + "microsoft.network/networkinterfaces/vm-analytics-nic", ""},
			},
		},
		{
			name: "new VM boots a restored OS disk", file: "vm_attach.json", index: 1,
			action: event.InstanceCreate, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Instance, rg + "microsoft.compute/virtualmachines/vm-restored", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/db01-from-rp", ""},
				{event.RoleTarget, event.NIC, rg + "microsoft.network/networkinterfaces/vm-restored-nic", ""},
			},
		},
		{
			name: "attachDetachDataDisks", file: "attach_detach.json",
			action: event.VolumeAttach, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.Instance, rg + "microsoft.compute/virtualmachines/vm-analytics", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/db01-from-rp", ""},
				{event.RoleTarget, event.Volume, rg + "microsoft.compute/disks/old-data", ""},
			},
		},
		{
			name: "snapshot SAS export", file: "sas_export.json", index: 0,
			action: event.SnapshotExport, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Snapshot, rg + "microsoft.compute/snapshots/snap-db01-0300", ""}},
			shares:    []event.Share{{Target: event.Public, Kind: "sas"}},
		},
		{
			name: "disk SAS revoked", file: "sas_export.json", index: 1,
			action: event.VolumeUnshare, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Volume, rg + "microsoft.compute/disks/db01-data", ""}},
			shares:    []event.Share{{Target: event.Public, Kind: "sas"}},
		},
		{
			name: "SQL database copy from another subscription", file: "sql_copy.json", index: 0,
			action: event.DBSnapshotCopy, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Database, "/subscriptions/" + sub + "/resourcegroups/rg-tmp/providers/microsoft.sql/servers/sql-tmp/databases/orders-copy", ""},
				{event.RoleSource, event.Database, "/subscriptions/" + ext + "/resourcegroups/rg-data/providers/microsoft.sql/servers/sql-prod/databases/orders", ext},
			},
		},
		{
			name: "SQL export failed", file: "sql_copy.json", index: 1,
			action: event.DBExport, outcome: event.Failure, actor: alice,
			resources: []res{
				{event.RoleSource, event.Database, rg + "microsoft.sql/servers/sql-prod/databases/orders", ""},
				{event.RoleTarget, event.Bucket, "https://exfil01.blob.core.windows.net/bacpac/orders.bacpac", ""},
			},
		},
		{
			name: "PostgreSQL flexible server point-in-time restore", file: "flex_restore.json", index: 0,
			action: event.DBRestore, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Database, rg + "microsoft.dbforpostgresql/flexibleservers/pg-restored", ""},
				{event.RoleSource, event.Database, rg + "microsoft.dbforpostgresql/flexibleservers/pg-prod", ""},
			},
		},
		{
			name: "MySQL backup and export", file: "flex_restore.json", index: 2,
			action: event.DBBackup, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleSource, event.Database, rg + "microsoft.dbformysql/flexibleservers/my-prod", ""},
				{event.RoleTarget, event.Bucket, "https://exfil01.blob.core.windows.net/my/full", ""},
			},
		},
		{
			name: "flexible server firewall open to all", file: "flex_restore.json", index: 3,
			action: event.IngressOpen, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.Database, rg + "microsoft.dbforpostgresql/flexibleservers/pg-prod", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.dbforpostgresql/flexibleservers/pg-prod/firewallrules/allow-all", ""},
			},
			ingress: []event.Ingress{{Protocol: "tcp", FromPort: 5432, ToPort: 5432, Source: "0.0.0.0/0"}},
		},
		{
			name: "image from a VM", file: "images.json", index: 0,
			action: event.ImageCreate, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Image, rg + "microsoft.compute/images/img-db01", ""},
				{event.RoleSource, event.Instance, rg + "microsoft.compute/virtualmachines/vm-db01", ""},
			},
		},
		{
			name: "gallery shared with a subscription and a tenant", file: "images.json", index: 3,
			action: event.ImageShare, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Image, rg + "microsoft.compute/galleries/galnw", ""}},
			shares:    []event.Share{{Target: ext, Kind: "account"}, {Target: "7f7f7f7f-0000-4000-8000-000000000009", Kind: "organization"}},
		},
		{
			name: "restore point copied", file: "images.json", index: 7,
			action: event.SnapshotCopy, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Snapshot, rg + "microsoft.compute/restorepointcollections/rpc-db01/restorepoints/rp-copy", ""},
				{event.RoleSource, event.Snapshot, "/subscriptions/" + sub + "/resourcegroups/rg-dr/providers/microsoft.compute/restorepointcollections/rpc-db01-eu/restorepoints/rp-0300", ""},
			},
		},
		{
			name: "Recovery Services on-demand backup by a managed identity", file: "backups.json", index: 0,
			action: event.BackupCreate, outcome: event.Success, actor: "3a000000-0000-4000-8000-000000000003",
			resources: []res{
				{event.RoleTarget, event.Backup, rg + "microsoft.recoveryservices/vaults/rsv-prod/backupfabrics/azure/protectioncontainers/iaasvmcontainer;iaasvmcontainerv2;rg-data;vm-db01/protecteditems/vm;iaasvmcontainerv2;rg-data;vm-db01", ""},
				{event.RoleSource, event.Instance, rg + "microsoft.compute/virtualmachines/vm-db01", ""},
			},
		},
		{
			name: "Backup vault restore to a new disk", file: "backups.json", index: 3,
			action: event.BackupRestore, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleSource, event.Backup, rg + "microsoft.dataprotection/backupvaults/bv-prod/backupinstances/db01-data-bi", ""},
				{event.RoleCreated, event.Volume, rg + "microsoft.compute/disks/db01-data-bvrestore", ""},
			},
		},
		{
			name: "role granted on a snapshot", file: "identity.json", index: 0,
			action: event.RoleAssign, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleSharedWith, event.Principal, "e0000000-0000-4000-8000-00000000000e", ""},
				{event.RoleTarget, event.Snapshot, rg + "microsoft.compute/snapshots/snap-db01-0300", ""},
			},
			shares: []event.Share{{Target: "e0000000-0000-4000-8000-00000000000e", Kind: "principal"}},
		},
		{
			name: "elevateAccess", file: "identity.json", index: 1,
			action: event.RoleAssign, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleSharedWith, event.Principal, alice, ""}},
		},
		{
			name: "VMAccess extension", file: "identity.json", index: 2,
			action: event.CredentialCreate, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Instance, rg + "microsoft.compute/virtualmachines/vm-restored", ""}},
		},
		{
			name: "other extension", file: "identity.json", index: 3,
			action: "", outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Instance, rg + "microsoft.compute/virtualmachines/vm-restored", ""}},
		},
		{
			name: "NIC bound to an NSG with a public IP", file: "network_misc.json", index: 0,
			action: event.PublicIPAssign, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.NIC, rg + "microsoft.network/networkinterfaces/vm-restored-nic", ""},
				{event.RoleTarget, event.SecurityGroup, rg + "microsoft.network/networksecuritygroups/nsg-restore", ""},
				{event.RoleTarget, event.Instance, rg + "microsoft.compute/virtualmachines/vm-restored", ""},
			},
		},
		{
			name: "SQL firewall open to all", file: "network_misc.json", index: 1,
			action: event.IngressOpen, outcome: event.Success, actor: alice,
			resources: []res{
				{event.RoleTarget, event.Database, rg + "microsoft.sql/servers/sql-prod", ""},
				{event.RoleTarget, event.FirewallRule, rg + "microsoft.sql/servers/sql-prod/firewallrules/allowall", ""},
			},
			ingress: []event.Ingress{{Protocol: "tcp", FromPort: 1433, ToPort: 1433, Source: "0.0.0.0/0"}},
		},
		{
			name: "SQL server created", file: "sql_server.json", index: 0,
			action: event.DBCreate, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleCreated, event.Database, rg + "microsoft.sql/servers/sql-new", ""}},
		},
		{
			name: "SQL database changed", file: "sql_server.json", index: 3,
			action: event.DBModify, outcome: event.Success, actor: alice,
			resources: []res{{event.RoleTarget, event.Database, rg + "microsoft.sql/servers/sql-prod/databases/orders", ""}},
		},
		{
			name: "failed snapshot", file: "failed.json",
			action: event.SnapshotCreate, outcome: event.Failure, actor: alice,
			resources: []res{
				{event.RoleCreated, event.Snapshot, rg + "microsoft.compute/snapshots/snap-denied", ""},
				{event.RoleSource, event.Volume, rg + "microsoft.compute/disks/db01-data", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := decodeFixture(t, tt.file)
			if tt.index >= len(events) {
				t.Fatalf("%d events, want more than %d", len(events), tt.index)
			}
			e := events[tt.index]
			if e.Cloud != event.Azure || e.Account != sub {
				t.Errorf("cloud, account = %s, %s", e.Cloud, e.Account)
			}
			if e.Action != tt.action {
				t.Errorf("action = %q, want %q", e.Action, tt.action)
			}
			if e.Outcome != tt.outcome {
				t.Errorf("outcome = %q, want %q", e.Outcome, tt.outcome)
			}
			if e.Actor.ID != tt.actor {
				t.Errorf("actor id = %q, want %q", e.Actor.ID, tt.actor)
			}
			if got := resources(e); !slices.Equal(got, tt.resources) {
				t.Errorf("resources:\n got %+v\nwant %+v", got, tt.resources)
			}
			if !slices.Equal(e.Shares, tt.shares) {
				t.Errorf("shares = %+v, want %+v", e.Shares, tt.shares)
			}
			if !slices.Equal(e.Ingress, tt.ingress) {
				t.Errorf("ingress = %+v, want %+v", e.Ingress, tt.ingress)
			}
		})
	}
}

func TestNormalize_Common(t *testing.T) {
	e := decodeFixture(t, "records_pair.json")[0]
	if e.Operation != "microsoft.compute/disks/write" || e.Service != "microsoft.compute" {
		t.Errorf("operation, service = %q, %q", e.Operation, e.Service)
	}
	if e.Region != "westeurope" { // "global" yields to the body's location
		t.Errorf("region = %q", e.Region)
	}
	if e.Time.Format("15:04:05.0") != "10:00:00.1" || e.Time.Location().String() != "UTC" {
		t.Errorf("time = %v, want the BeginRequest's", e.Time)
	}
	want := event.Actor{ID: alice, Name: "alice@contoso.example", Type: "user", IP: "203.0.113.7"}
	if e.Actor != want {
		t.Errorf("actor = %+v, want %+v", e.Actor, want)
	}
	if len(e.Raw) != 2 {
		t.Errorf("raw records = %d, want 2", len(e.Raw))
	}

	f := decodeFixture(t, "failed.json")[0]
	if f.Error != "AuthorizationFailed: The client does not have authorization to perform action 'Microsoft.Compute/snapshots/write'." {
		t.Errorf("error = %q", f.Error)
	}
	if f.Actor.IP != "203.0.113.66" {
		t.Errorf("ip = %q", f.Actor.IP)
	}

	r := decodeFixture(t, "rest_pair.json")[0]
	if r.ID != "e0000002-0000-4000-8000-000000000001" {
		t.Errorf("REST id = %q, want the BeginRequest's eventDataId", r.ID)
	}
	s := decodeFixture(t, "split_begin.json")[0]
	if s.Actor.Type != "service_principal" || s.Actor.ID != "5e000000-0000-4000-8000-000000000002" {
		t.Errorf("service principal actor = %+v", s.Actor)
	}
}

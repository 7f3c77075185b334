package yandex_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

type res struct {
	role event.Role
	typ  event.ResourceType
	id   string
}

const (
	alice = "ajeuser0000000000001"
	robot = "ajesa000000000000002"
)

// TestNormalize checks, fixture by fixture, what rules depend on; the
// goldens pin the rest.
func TestNormalize(t *testing.T) {
	tests := []struct {
		file    string
		op      string
		action  event.Action
		outcome event.Outcome
		actor   string
		has     []res // present
		hasNot  []res // absent
		ingress []event.Ingress
		err     string
	}{
		{file: "compute_create_snapshot.json", op: "CreateSnapshot", action: event.SnapshotCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Snapshot, "fd8snap0000000000001"}, {event.RoleSource, event.Volume, "fhmdisk0000000000001"}}},
		{file: "compute_create_snapshot_source_disk_id.json", op: "CreateSnapshot", action: event.SnapshotCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Snapshot, "fd8snap0000000000002"}, {event.RoleSource, event.Volume, "fhmdisk0000000000002"}}},
		{file: "compute_update_snapshot.json", op: "UpdateSnapshot", action: "", outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "compute_delete_snapshot.json", op: "DeleteSnapshot", action: event.SnapshotDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "compute_create_snapshot_schedule.json", op: "CreateSnapshotSchedule", action: event.BackupSchedule, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Volume, "fhmdisk0000000000001"}, {event.RoleSource, event.Volume, "fhmdisk0000000000002"}}},
		{file: "compute_update_snapshot_schedule_disks.json", op: "UpdateSnapshotScheduleDisks", action: event.BackupSchedule, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Volume, "fhmdisk0000000000003"}}},
		{file: "compute_enable_snapshot_schedule.json", op: "EnableSnapshotSchedule", action: event.BackupSchedule, outcome: event.Success, actor: alice},
		{file: "compute_disable_snapshot_schedule.json", op: "DisableSnapshotSchedule", action: event.BackupSchedule, outcome: event.Success, actor: alice},
		{file: "compute_create_image.json", op: "CreateImage", action: event.ImageCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Image, "fd8img00000000000001"}, {event.RoleSource, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "compute_delete_image.json", op: "DeleteImage", action: event.ImageDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Image, "fd8img00000000000001"}}},
		{file: "compute_create_disk_from_snapshot.json", op: "CreateDisk", action: event.VolumeRestore, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Volume, "fhmdisk0000000000010"}, {event.RoleSource, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "compute_create_disk_from_image.json", op: "CreateDisk", action: event.VolumeRestore, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Volume, "fhmdisk0000000000011"}, {event.RoleSource, event.Image, "fd8img00000000000001"}}},
		{file: "compute_create_disk_empty.json", op: "CreateDisk", action: event.VolumeCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Volume, "fhmdisk0000000000012"}}},
		{file: "compute_delete_disk.json", op: "DeleteDisk", action: event.VolumeDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Volume, "fhmdisk0000000000012"}}},
		{file: "compute_create_instance.json", op: "CreateInstance", action: event.InstanceCreate, outcome: event.Success, actor: alice,
			has: []res{
				{event.RoleCreated, event.Instance, "fhminst0000000000001"},
				{event.RoleSource, event.Snapshot, "fd8snap0000000000001"}, // boot disk from a snapshot
				{event.RoleSource, event.Volume, "fhmdisk0000000000010"},   // existing disk attached
				{event.RoleSource, event.Image, "fd8img00000000000001"},    // secondary disk from an image
				{event.RoleCreated, event.Volume, "fhmdisk0000000000020"},  // boot disk, known on DONE
				{event.RoleCreated, event.Volume, "fhmdisk0000000000021"},
				{event.RoleTarget, event.SecurityGroup, "enpsg000000000000001"},
				{event.RoleTarget, event.SecurityGroup, "enpsg000000000000002"},
				{event.RoleCreated, event.NIC, "fhminst0000000000001/nic/0"},
			},
			hasNot: []res{{event.RoleCreated, event.Volume, "fhmdisk0000000000010"}}},
		{file: "compute_attach_instance_disk.json", op: "AttachInstanceDisk", action: event.VolumeAttach, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Instance, "fhminst0000000000001"}, {event.RoleSource, event.Volume, "fhmdisk0000000000010"}}},
		{file: "compute_attach_instance_disk_snapshot.json", op: "AttachInstanceDisk", action: event.VolumeAttach, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Instance, "fhminst0000000000001"}, {event.RoleSource, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "compute_detach_instance_disk.json", op: "DetachInstanceDisk", action: event.VolumeDetach, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Instance, "fhminst0000000000001"}, {event.RoleSource, event.Volume, "fhmdisk0000000000010"}}},
		{file: "compute_update_instance_metadata.json", op: "UpdateInstanceMetadata", action: event.CredentialCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Instance, "fhminst0000000000001"}}},
		{file: "compute_update_instance_metadata_serial.json", op: "UpdateInstanceMetadata", action: event.InstanceModify, outcome: event.Success, actor: alice},
		{file: "compute_add_instance_one_to_one_nat.json", op: "AddInstanceOneToOneNat", action: event.PublicIPAssign, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Instance, "fhminst0000000000001"}, {event.RoleTarget, event.NIC, "fhminst0000000000001/nic/0"}}},
		{file: "network_create_security_group.json", op: "CreateSecurityGroup", action: event.IngressOpen, outcome: event.Success, actor: alice,
			has:     []res{{event.RoleCreated, event.SecurityGroup, "enpsg000000000000003"}},
			ingress: []event.Ingress{{Protocol: "tcp", FromPort: 443, ToPort: 443, Source: "10.0.0.0/8"}}},
		{file: "network_update_security_group.json", op: "UpdateSecurityGroup", action: event.IngressOpen, outcome: event.Success, actor: alice,
			has:     []res{{event.RoleTarget, event.SecurityGroup, "enpsg000000000000001"}},
			ingress: updatedRules},
		{file: "mdb_postgresql_backup_cluster.json", op: "BackupCluster", action: event.DBBackup, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Database, "c9qpg000000000000001"}}},
		{file: "mdb_mysql_restore_cluster.json", op: "RestoreCluster", action: event.DBRestore, outcome: event.Success, actor: alice,
			has: []res{
				{event.RoleCreated, event.Database, "c9qmy000000000000002"}, // final on DONE only
				{event.RoleSource, event.DBSnapshot, "c9qmy000000000000001:mysql_20261119T000000Z"},
				{event.RoleSource, event.Database, "c9qmy000000000000001"},
			}},
		{file: "mdb_mongodb_create_cluster.json", op: "CreateCluster", action: event.DBCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Database, "c9qmg000000000000001"}}},
		{file: "mdb_redis_update_cluster.json", op: "UpdateCluster", action: event.DBModify, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Database, "c9qrd000000000000001"}}},
		{file: "mdb_clickhouse_delete_cluster.json", op: "DeleteCluster", action: event.DBDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Database, "c9qch000000000000001"}}},
		{file: "mdb_postgresql_create_user.json", op: "CreateUser", action: event.DBUserCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Database, "c9qpg000000000000001"}, {event.RoleCreated, event.Principal, "maint"}}},
		{file: "mdb_postgresql_delete_backup.json", op: "DeleteBackup", action: event.DBSnapshotDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.DBSnapshot, "c9qpg000000000000001:base_000000010000000A000000FF"}}},
		{file: "mdb_mysql_update_cluster_access_bindings.json", op: "UpdateClusterAccessBindings", action: event.RoleAssign, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Database, "c9qmy000000000000001"}, {event.RoleSharedWith, event.Principal, "ajesa000000000000009"}}},
		{file: "backup_start_recover_backup.json", op: "StartRecoverBackup", action: event.BackupRestore, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Backup, "bkp00000000000000001"}, {event.RoleTarget, event.Instance, "fhminst0000000000001"}}},
		{file: "backup_execute_policy.json", op: "ExecutePolicy", action: event.BackupCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Instance, "fhminst0000000000002"}, {event.RoleCreated, event.Backup, "bkp00000000000000002"}}},
		{file: "backup_apply_policy.json", op: "ApplyPolicy", action: event.BackupSchedule, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSource, event.Instance, "fhminst0000000000003"}}},
		{file: "backup_create_policy.json", op: "CreatePolicy", action: event.BackupSchedule, outcome: event.Success, actor: alice},
		{file: "backup_delete_backup.json", op: "DeleteBackup", action: event.BackupDelete, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Backup, "bkp00000000000000001"}}},
		{file: "iam_create_service_account.json", op: "CreateServiceAccount", action: event.PrincipalCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Principal, "ajesa000000000000009"}}},
		{file: "iam_create_access_key.json", op: "CreateAccessKey", action: event.CredentialCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Principal, "ajesa000000000000009"}}},
		{file: "iam_create_api_key.json", op: "CreateApiKey", action: event.CredentialCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.Principal, "ajesa000000000000009"}}},
		{file: "iam_create_key.json", op: "CreateKey", action: event.CredentialCreate, outcome: event.Success, actor: robot,
			has: []res{{event.RoleTarget, event.Principal, robot}}}, // no service account named: the caller's key
		{file: "resourcemanager_update_folder_access_bindings.json", op: "UpdateFolderAccessBindings", action: event.RoleAssign, outcome: event.Success, actor: alice,
			has:    []res{{event.RoleTarget, event.AccountType, "b1gf01der00000000001"}, {event.RoleSharedWith, event.Principal, "ajesa000000000000009"}},
			hasNot: []res{{event.RoleSharedWith, event.Principal, "ajeuser0000000000003"}}}, // removed, not granted
		{file: "resourcemanager_set_cloud_access_bindings.json", op: "SetCloudAccessBindings", action: event.RoleAssign, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.AccountType, "b1gc10ud0000000000a1"}, {event.RoleSharedWith, event.Principal, "allAuthenticatedUsers"}}},
		{file: "organizationmanager_update_organization_access_bindings.json", op: "UpdateOrganizationAccessBindings", action: "", outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.AccountType, "bpforg00000000000001"}}},

		// camelCase, as in the per-event reference.
		{file: "camel_create_snapshot.json", op: "CreateSnapshot", action: event.SnapshotCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Snapshot, "fd8snap0000000000001"}, {event.RoleSource, event.Volume, "fhmdisk0000000000001"}}},
		{file: "camel_create_disk.json", op: "CreateDisk", action: event.VolumeRestore, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Volume, "fhmdisk0000000000010"}, {event.RoleSource, event.Snapshot, "fd8snap0000000000001"}}},
		{file: "camel_create_instance.json", op: "CreateInstance", action: event.InstanceCreate, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Instance, "fhminst0000000000001"}, {event.RoleSource, event.Snapshot, "fd8snap0000000000001"},
				{event.RoleCreated, event.Volume, "fhmdisk0000000000020"}, {event.RoleTarget, event.SecurityGroup, "enpsg000000000000002"},
				{event.RoleCreated, event.NIC, "fhminst0000000000001/nic/0"}}},
		{file: "camel_update_security_group.json", op: "UpdateSecurityGroup", action: event.IngressOpen, outcome: event.Success, actor: alice,
			has: []res{{event.RoleTarget, event.SecurityGroup, "enpsg000000000000001"}}, ingress: updatedRules},
		{file: "camel_update_folder_access_bindings.json", op: "UpdateFolderAccessBindings", action: event.RoleAssign, outcome: event.Success, actor: alice,
			has: []res{{event.RoleSharedWith, event.Principal, "ajesa000000000000009"}}},

		// Outcomes.
		{file: "pair_error.json", op: "CreateSnapshot", action: event.SnapshotCreate, outcome: event.Failure, actor: alice,
			err: "Permission denied to disk fhmdisk0000000000050"},
		{file: "pair_cancelled.json", op: "CreateDisk", action: event.VolumeRestore, outcome: event.Failure, actor: alice, err: "Operation cancelled"},
		{file: "pair_running.json", op: "RestoreCluster", action: event.DBRestore, outcome: event.Success, actor: alice,
			has: []res{{event.RoleCreated, event.Database, "c9qpg000000000000050"}}},
		{file: "lone_started.json", op: "CreateSnapshot", action: event.SnapshotCreate, outcome: event.Unknown, actor: alice,
			has: []res{{event.RoleSource, event.Volume, "fhmdisk0000000000053"}}},
		{file: "lone_done.json", op: "DeleteSnapshot", action: event.SnapshotDelete, outcome: event.Success, actor: alice},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			evs := decodeFile(t, "testdata/"+tt.file)
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			e := evs[0]
			if e.Operation != tt.op || e.Action != tt.action || e.Outcome != tt.outcome || e.Actor.ID != tt.actor || e.Error != tt.err {
				t.Errorf("got op %q action %q outcome %q actor %q error %q; want %q %q %q %q %q",
					e.Operation, e.Action, e.Outcome, e.Actor.ID, e.Error, tt.op, tt.action, tt.outcome, tt.actor, tt.err)
			}
			for _, r := range tt.has {
				if !hasResource(e, r) {
					t.Errorf("missing %s %s %s in %+v", r.role, r.typ, r.id, e.Resources)
				}
			}
			for _, r := range tt.hasNot {
				if hasResource(e, r) {
					t.Errorf("unexpected %s %s %s", r.role, r.typ, r.id)
				}
			}
			if tt.ingress != nil && !slices.Equal(e.Ingress, tt.ingress) {
				t.Errorf("ingress %+v, want %+v", e.Ingress, tt.ingress)
			}
			if tt.ingress == nil && len(e.Ingress) > 0 {
				t.Errorf("unexpected ingress %+v", e.Ingress)
			}
		})
	}
}

// updatedRules are network_update_security_group.json's INGRESS rules; its
// EGRESS rule to 0.0.0.0/0 and ::/0 is not one.
var updatedRules = []event.Ingress{
	{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"},
	{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "::/0"},
	{Protocol: "all", FromPort: 0, ToPort: 65535, Source: "enpsg000000000000002"},
	{Protocol: "all", FromPort: 0, ToPort: 65535, Source: "self_security_group"},
	{Protocol: "udp", FromPort: 53, ToPort: 53, Source: "192.0.2.0/24"},
	{Protocol: "udp", FromPort: 53, ToPort: 53, Source: "198.51.100.0/24"},
}

func TestNormalize_worldOpenSSH(t *testing.T) {
	e := decodeFile(t, "testdata/network_update_security_group.json")[0]
	if v4, v6 := decodetest.WorldOpen(e, 22); !v4 || !v6 {
		t.Errorf("SSH from anywhere: IPv4 %v, IPv6 %v; want both", v4, v6)
	}
}

// The envelope fields: account is the folder (else the cloud), region the
// zone, the actor's address kept when it is not an IP.
func TestNormalize_envelope(t *testing.T) {
	e := decodeFile(t, "testdata/compute_create_disk_from_snapshot.json")[0]
	want := event.Actor{ID: alice, Name: "alice@example.com", Type: "FEDERATED_USER_ACCOUNT", IP: "203.0.113.5", UserAgent: "yc/0.140.0 go/1.22"}
	if e.Account != "b1gf01der00000000001" || e.Region != "ru-central1-a" || e.Service != "compute" || e.Actor != want {
		t.Errorf("account %q region %q service %q actor %+v", e.Account, e.Region, e.Service, e.Actor)
	}
	if got := decodeFile(t, "testdata/resourcemanager_set_cloud_access_bindings.json")[0].Account; got != "b1gc10ud0000000000a1" {
		t.Errorf("cloud-level account %q, want the cloud id", got)
	}
	if got := decodeFile(t, "testdata/iam_create_service_account.json")[0].Actor.IP; got != "::1" {
		t.Errorf("console address %q, want ::1 kept", got)
	}
	if got := decodeFile(t, "testdata/iam_create_key.json")[0].Actor.IP; got != "cloud.yandex" {
		t.Errorf("console address %q, want cloud.yandex kept", got)
	}
}

func hasResource(e *event.Event, r res) bool {
	for _, x := range e.Resources {
		if x.Role == r.role && x.Type == r.typ && x.ID == r.id {
			return true
		}
	}
	return false
}

package event

import (
	"fmt"
	"net/netip"
	"strings"
)

// Cloud names a provider.
type Cloud string

const (
	AWS       Cloud = "aws"
	Azure     Cloud = "azure"
	GCP       Cloud = "gcp"
	VKCloud   Cloud = "vkcloud"
	OpenStack Cloud = "openstack"
	Yandex    Cloud = "yandex"
)

// Clouds lists every supported cloud.
var Clouds = []Cloud{AWS, Azure, GCP, VKCloud, OpenStack, Yandex}

// ParseCloud accepts a cloud name and rejects unknown text.
func ParseCloud(s string) (Cloud, error) {
	for _, c := range Clouds {
		if string(c) == strings.ToLower(s) {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown cloud %q (want one of aws, azure, gcp, vkcloud, openstack, yandex)", s)
}

// Outcome is whether the operation succeeded.
type Outcome string

const (
	Success Outcome = "success"
	Failure Outcome = "failure"
	Unknown Outcome = "unknown"
)

// Role is the part a resource played in an operation.
type Role string

const (
	// RoleSource is what was read: the volume snapshotted, the snapshot copied or restored.
	RoleSource Role = "source"
	// RoleCreated is what the operation made: the snapshot, the copy, the restored volume.
	RoleCreated Role = "created"
	// RoleTarget is what was changed in place: the instance attached to, the group opened, the snapshot shared.
	RoleTarget Role = "target"
	// RoleSharedWith is an account or principal given access.
	RoleSharedWith Role = "shared-with"
)

// ResourceType is the kind of a resource, the same on every cloud.
type ResourceType string

const (
	Volume        ResourceType = "volume"
	Snapshot      ResourceType = "snapshot"
	Image         ResourceType = "image"
	Backup        ResourceType = "backup"
	Instance      ResourceType = "instance"
	Database      ResourceType = "database"
	DBSnapshot    ResourceType = "db_snapshot"
	SecurityGroup ResourceType = "security_group"
	FirewallRule  ResourceType = "firewall_rule"
	NIC           ResourceType = "nic"
	Network       ResourceType = "network"
	Principal     ResourceType = "principal"
	AccountType   ResourceType = "account"
	Bucket        ResourceType = "bucket"
	// NetworkTag is a GCP network tag: it links firewall rules to instances.
	NetworkTag  ResourceType = "network_tag"
	Credential  ResourceType = "credential" // access keys, key pairs, API keys
	PublicIP    ResourceType = "public_ip"
	VolumeGroup ResourceType = "volume_group" // cinder groups and consistency groups
)

// Action is the normalized meaning of an operation. The empty action means
// the operation has no meaning for snapshot abuse (reads, unrelated writes).
type Action string

// The action vocabulary. Extend it where a cloud needs it; keep Actions in step.
const (
	SnapshotCreate   Action = "snapshot.create"
	SnapshotCopy     Action = "snapshot.copy"
	SnapshotShare    Action = "snapshot.share"
	SnapshotUnshare  Action = "snapshot.unshare"
	SnapshotExport   Action = "snapshot.export"
	SnapshotDelete   Action = "snapshot.delete"
	ImageCreate      Action = "image.create"
	ImageCopy        Action = "image.copy"
	ImageShare       Action = "image.share"
	ImageUnshare     Action = "image.unshare"
	ImageExport      Action = "image.export"
	ImageDownload    Action = "image.download"
	ImageDelete      Action = "image.delete"
	BackupCreate     Action = "backup.create"
	BackupCopy       Action = "backup.copy"
	BackupShare      Action = "backup.share"
	BackupRestore    Action = "backup.restore"
	BackupDelete     Action = "backup.delete"
	BackupSchedule   Action = "backup.schedule"
	VolumeCreate     Action = "volume.create"
	VolumeClone      Action = "volume.clone"
	VolumeRestore    Action = "volume.restore"
	VolumeAttach     Action = "volume.attach"
	VolumeDetach     Action = "volume.detach"
	VolumeTransfer   Action = "volume.transfer"
	VolumeShare      Action = "volume.share" // a disk itself made readable by others (GCP disk IAM)
	VolumeUnshare    Action = "volume.unshare"
	VolumeExport     Action = "volume.export"
	VolumeDelete     Action = "volume.delete"
	InstanceCreate   Action = "instance.create"
	InstanceModify   Action = "instance.modify"
	InstanceExport   Action = "instance.export"
	DBCreate         Action = "db.create"
	DBSnapshotCreate Action = "db.snapshot.create"
	DBSnapshotCopy   Action = "db.snapshot.copy"
	DBSnapshotShare  Action = "db.snapshot.share"
	DBSnapshotUnsh   Action = "db.snapshot.unshare"
	DBSnapshotDelete Action = "db.snapshot.delete"
	DBRestore        Action = "db.restore"
	DBModify         Action = "db.modify"
	DBDelete         Action = "db.delete"
	DBBackup         Action = "db.backup"
	DBUserCreate     Action = "db.user.create"
	DBExport         Action = "db.export"
	IngressOpen      Action = "network.ingress.open"
	PublicIPAssign   Action = "network.public_ip"
	PrincipalCreate  Action = "principal.create"
	CredentialCreate Action = "credential.create"
	RoleAssign       Action = "role.assign"
	GuardrailDisable Action = "guardrail.disable"
)

// Actions lists the vocabulary, for validation and --help.
var Actions = []Action{
	SnapshotCreate, SnapshotCopy, SnapshotShare, SnapshotUnshare, SnapshotExport, SnapshotDelete,
	ImageCreate, ImageCopy, ImageShare, ImageUnshare, ImageExport, ImageDownload, ImageDelete,
	BackupCreate, BackupCopy, BackupShare, BackupRestore, BackupDelete, BackupSchedule,
	VolumeCreate, VolumeClone, VolumeRestore, VolumeAttach, VolumeDetach, VolumeTransfer, VolumeShare, VolumeUnshare, VolumeExport, VolumeDelete,
	InstanceCreate, InstanceModify, InstanceExport,
	DBCreate, DBSnapshotCreate, DBSnapshotCopy, DBSnapshotShare, DBSnapshotUnsh, DBSnapshotDelete,
	DBRestore, DBModify, DBDelete, DBBackup, DBUserCreate, DBExport,
	IngressOpen, PublicIPAssign, PrincipalCreate, CredentialCreate, RoleAssign, GuardrailDisable,
}

// WorldOpen reports whether an ingress source admits any address: a CIDR
// with prefix length 0 (whatever its address: anonymised logs rewrite
// 0.0.0.0/0), or a provider's "anywhere" keyword.
func (in Ingress) WorldOpen() bool {
	s := strings.TrimSpace(in.Source)
	switch strings.ToLower(s) {
	case "*", "any", "internet", "0.0.0.0", "::", "anywhere":
		return true
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Bits() == 0
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 && s[i+1:] == "0" {
		return true
	}
	return false
}

// CoversPort reports whether the rule admits the port (ports 0..0 with
// protocol "all" or -1 mean every port).
func (in Ingress) CoversPort(port int) bool {
	if in.Protocol == "all" || in.Protocol == "-1" {
		return true
	}
	return in.FromPort <= port && port <= in.ToPort
}

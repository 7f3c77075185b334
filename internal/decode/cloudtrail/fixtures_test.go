package cloudtrail_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// fixtureGlob matches the hand-written inputs under testdata (and their
// golden files, which decodetest.Fixtures leaves out).
var fixtureGlob = filepath.Join("testdata", "*.json*")

// fixtures returns the hand-written inputs under testdata, by case name.
func fixtures(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	for _, f := range decodetest.Fixtures(tb, fixtureGlob) {
		out[f.Name] = f.Input
	}
	return out
}

func TestGolden(t *testing.T) {
	decodetest.GoldenFiles(t, decodetest.Fixtures(t, fixtureGlob), func(t *testing.T, f decodetest.Fixture) []*event.Event {
		evs := decodetest.MustDecode(t, cloudtrail.Format{}, f.Name, f.Input)
		if len(evs) == 0 {
			t.Fatal("no events")
		}
		return checkEvents(t, evs)
	})
}

// fixtureEvents decodes every fixture and indexes the events by id.
func fixtureEvents(tb testing.TB) map[string]*event.Event {
	tb.Helper()
	byID := map[string]*event.Event{}
	for name, in := range fixtures(tb) {
		for _, e := range decodetest.MustDecode(tb, cloudtrail.Format{}, name, in) {
			if byID[e.ID] != nil {
				tb.Fatalf("duplicate event id %s", e.ID)
			}
			byID[e.ID] = e
		}
	}
	return byID
}

func res(role event.Role, typ event.ResourceType, id string) event.Resource {
	return event.Resource{Role: role, Type: typ, ID: id}
}

func account(id string) event.Share { return event.Share{Target: id, Kind: "account"} }

var public = event.Share{Target: event.Public, Kind: "public"}

func tcp(from, to int, src string) event.Ingress {
	return event.Ingress{Protocol: "tcp", FromPort: from, ToPort: to, Source: src}
}

const (
	acct    = "111122223333"
	ext     = "444455556666"
	alice   = "arn:aws:iam::111122223333:user/alice"
	backup  = "arn:aws:iam::111122223333:role/backup-automation"
	rdsBase = "arn:aws:rds:eu-west-1:111122223333:"
)

// TestFixtures asserts the normalized fields of each hand-written record.
func TestFixtures(t *testing.T) {
	byID := fixtureEvents(t)
	type want struct {
		action    event.Action
		outcome   event.Outcome // success when empty
		actor     string        // alice when empty
		resources []event.Resource
		shares    []event.Share
		ingress   []event.Ingress
	}
	S, C, T, W := event.RoleSource, event.RoleCreated, event.RoleTarget, event.RoleSharedWith
	tests := map[string]want{
		// shapes
		"s3-create-snapshot": {action: event.SnapshotCreate, actor: backup, resources: []event.Resource{
			res(S, event.Volume, "vol-0aa11bb22cc33dd44"), res(C, event.Snapshot, "snap-0aa11bb22cc33dd44")}},
		"s3-delete-snapshot": {action: event.SnapshotDelete, actor: backup, resources: []event.Resource{res(T, event.Snapshot, "snap-0ffee00ddee11ff22")}},
		"gz-create-volume": {action: event.VolumeRestore, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0aa11bb22cc33dd44"), res(C, event.Volume, "vol-0restored000000001")}},
		"gz-attach-volume": {action: event.VolumeAttach, resources: []event.Resource{
			res(S, event.Volume, "vol-0restored000000001"), res(T, event.Instance, "i-0attacker00000001")}},
		"nd-copy-snapshot": {action: event.SnapshotCopy, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0aa11bb22cc33dd44"), res(C, event.Snapshot, "snap-0copy00000000001")}},
		"nd-describe":       {},
		"arr-delete-volume": {action: event.VolumeDelete, resources: []event.Resource{res(T, event.Volume, "vol-0tmp0000000000001")}},
		"single-create-image": {action: event.ImageCreate, resources: []event.Resource{
			res(S, event.Instance, "i-0db00000000000001"), res(C, event.Image, "ami-0image0000000001")}},
		"eb-share-snapshot": {action: event.SnapshotShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.Snapshot, "snap-0aa11bb22cc33dd44"), res(W, event.AccountType, ext)}},
		"lookup-share-db-snapshot": {action: event.DBSnapshotShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.DBSnapshot, rdsBase+"snapshot:prod-db-orders-snap"), res(W, event.AccountType, ext)}},
		"lookup-truncated": {outcome: event.Unknown, actor: "alice"},
		"ts-logstash": {action: event.SnapshotCreate, resources: []event.Resource{
			res(S, event.Volume, "vol-0db00000000000001"), res(C, event.Snapshot, "snap-0ts000000000001")}},
		"ts-panther": {action: event.SnapshotDelete, resources: []event.Resource{res(T, event.Snapshot, "snap-0ts000000000001")}},

		// EC2 snapshots
		"create-snapshot": {action: event.SnapshotCreate, resources: []event.Resource{
			res(S, event.Volume, "vol-0db00000000000001"), res(C, event.Snapshot, "snap-0new000000000001")}},
		"create-snapshots": {action: event.SnapshotCreate, resources: []event.Resource{
			res(S, event.Instance, "i-0db00000000000001"),
			res(S, event.Volume, "vol-0db00000000000001"), res(C, event.Snapshot, "snap-0multi00000000001"),
			res(S, event.Volume, "vol-0db00000000000002"), res(C, event.Snapshot, "snap-0multi00000000002")}},
		"copy-snapshot": {action: event.SnapshotCopy, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0new000000000001"), res(C, event.Snapshot, "snap-0copy00000000001")}},
		"share-snapshot-accounts": {action: event.SnapshotShare, shares: []event.Share{account(ext), account("555566667777")},
			resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001"), res(W, event.AccountType, ext), res(W, event.AccountType, "555566667777")}},
		"share-snapshot-public": {action: event.SnapshotShare, shares: []event.Share{public},
			resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001")}},
		"share-snapshot-groups": {action: event.SnapshotShare, shares: []event.Share{public},
			resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001")}},
		"unshare-snapshot": {action: event.SnapshotUnshare, shares: []event.Share{account(ext)},
			resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001")}},
		"share-snapshot-denied": {action: event.SnapshotShare, outcome: event.Failure},
		"reset-snapshot":        {action: event.SnapshotUnshare, resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001")}},
		"delete-snapshot":       {action: event.SnapshotDelete, resources: []event.Resource{res(T, event.Snapshot, "snap-0new000000000001")}},
		"restore-from-bin":      {action: event.SnapshotCreate, resources: []event.Resource{res(C, event.Snapshot, "snap-0binned000000001")}},
		"shared-copy":           {action: event.SnapshotCopy, actor: ext, resources: []event.Resource{res(S, event.Snapshot, "snap-0aa11bb22cc33dd44")}},
		"shared-volume":         {action: event.VolumeRestore, actor: ext, resources: []event.Resource{res(S, event.Snapshot, "snap-0aa11bb22cc33dd44")}},

		// EC2 images
		"create-image": {action: event.ImageCreate, resources: []event.Resource{
			res(S, event.Instance, "i-0db00000000000001"), res(C, event.Image, "ami-0created0000000001")}},
		"register-image": {action: event.ImageCreate, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0new000000000001"), res(C, event.Image, "ami-0registered000001")}},
		"copy-image": {action: event.ImageCopy, resources: []event.Resource{
			res(S, event.Image, "ami-0created0000000001"), res(C, event.Image, "ami-0copied000000001")}},
		"share-image-account": {action: event.ImageShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.Image, "ami-0created0000000001"), res(W, event.AccountType, ext)}},
		"share-image-public": {action: event.ImageShare, shares: []event.Share{public}, resources: []event.Resource{res(T, event.Image, "ami-0created0000000001")}},
		"share-image-org": {action: event.ImageShare, resources: []event.Resource{res(T, event.Image, "ami-0created0000000001")}, shares: []event.Share{
			{Target: "arn:aws:organizations::999988887777:organization/o-exampleorg1", Kind: "organization"},
			{Target: "arn:aws:organizations::999988887777:ou/o-exampleorg1/ou-ab12-cdef3456", Kind: "organization"}}},
		"unshare-image":     {action: event.ImageUnshare, shares: []event.Share{public}, resources: []event.Resource{res(T, event.Image, "ami-0created0000000001")}},
		"image-description": {resources: []event.Resource{res(T, event.Image, "ami-0created0000000001")}},
		"deregister-image":  {action: event.ImageDelete, resources: []event.Resource{res(T, event.Image, "ami-0copied000000001")}},
		"export-instance": {action: event.InstanceExport, resources: []event.Resource{
			res(S, event.Instance, "i-0db00000000000001"), res(T, event.Bucket, "exfil-bucket-198")}},
		"export-image": {action: event.ImageExport, resources: []event.Resource{
			res(S, event.Image, "ami-0created0000000001"), res(T, event.Bucket, "exfil-bucket-198")}},
		"store-image": {action: event.ImageExport, resources: []event.Resource{
			res(S, event.Image, "ami-0created0000000001"), res(T, event.Bucket, "exfil-bucket-198")}},

		// EC2 volumes, instances, guard rails
		"restore-volume": {action: event.VolumeRestore, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0new000000000001"), res(C, event.Volume, "vol-0fromsnap00000001")}},
		"create-volume": {action: event.VolumeCreate, resources: []event.Resource{res(C, event.Volume, "vol-0empty0000000001")}},
		"attach-volume": {action: event.VolumeAttach, resources: []event.Resource{
			res(S, event.Volume, "vol-0fromsnap00000001"), res(T, event.Instance, "i-0attacker00000001")}},
		"detach-volume": {action: event.VolumeDetach, resources: []event.Resource{
			res(S, event.Volume, "vol-0fromsnap00000001"), res(T, event.Instance, "i-0attacker00000001")}},
		"run-instances": {action: event.InstanceCreate, resources: []event.Resource{
			res(S, event.Image, "ami-0created0000000001"), res(S, event.Snapshot, "snap-0new000000000001"),
			res(T, event.SecurityGroup, "sg-0attacker000000001"), res(C, event.Instance, "i-0attacker00000001")}},
		"instance-groups": {action: event.InstanceModify, resources: []event.Resource{
			res(T, event.Instance, "i-0attacker00000001"), res(T, event.SecurityGroup, "sg-0open0000000000001")}},
		"instance-userdata":      {resources: []event.Resource{res(T, event.Instance, "i-0attacker00000001")}},
		"disable-snapshot-bpa":   {action: event.GuardrailDisable, resources: []event.Resource{res(T, event.AccountType, acct)}},
		"disable-image-bpa":      {action: event.GuardrailDisable, resources: []event.Resource{res(T, event.AccountType, acct)}},
		"disable-ebs-encryption": {action: event.GuardrailDisable, resources: []event.Resource{res(T, event.AccountType, acct)}},

		// security groups
		"ingress-nested": {action: event.IngressOpen, resources: []event.Resource{res(T, event.SecurityGroup, "sg-0nested00000000001")},
			ingress: []event.Ingress{tcp(22, 22, "0.0.0.0/0"), tcp(22, 22, "::/0"), tcp(5432, 5432, "sg-0app0000000000001"),
				tcp(5432, 5432, "pl-0abc1234"), {Protocol: "all", FromPort: 0, ToPort: 65535, Source: "203.0.113.0/24"}}},
		"ingress-flat": {action: event.IngressOpen, resources: []event.Resource{res(T, event.SecurityGroup, "sg-0flat000000000001")},
			ingress: []event.Ingress{tcp(22, 22, "203.0.113.7/0")}},
		"ingress-response": {action: event.IngressOpen, resources: []event.Resource{res(T, event.SecurityGroup, "sg-0resp000000000001")},
			ingress: []event.Ingress{tcp(22, 22, "::/0")}},
		"ingress-denied": {action: event.IngressOpen, outcome: event.Failure},
		"modify-rules": {action: event.IngressOpen, resources: []event.Resource{res(T, event.SecurityGroup, "sg-0modify00000000001")},
			ingress: []event.Ingress{tcp(22, 22, "0.0.0.0/0")}},

		// EBS direct APIs
		"ebs-start": {action: event.SnapshotCreate, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0parent000000001"), res(C, event.Snapshot, "snap-0direct000000001")}},
		"ebs-put":      {resources: []event.Resource{res(T, event.Snapshot, "snap-0direct000000001")}},
		"ebs-complete": {action: event.SnapshotCreate, resources: []event.Resource{res(C, event.Snapshot, "snap-0direct000000001")}},
		"ebs-list":     {action: event.SnapshotExport, resources: []event.Resource{res(S, event.Snapshot, "snap-0new000000000001")}},
		"ebs-changed": {action: event.SnapshotExport, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0parent000000001"), res(S, event.Snapshot, "snap-0new000000000001")}},
		"ebs-get": {action: event.SnapshotExport, resources: []event.Resource{res(S, event.Snapshot, "snap-0new000000000001")}},

		// RDS
		"rds-create-snapshot": {action: event.DBSnapshotCreate, resources: []event.Resource{
			res(S, event.Database, rdsBase+"db:prod-db-orders"), res(C, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"rds-create-cluster-snapshot": {action: event.DBSnapshotCreate, resources: []event.Resource{
			res(S, event.Database, rdsBase+"cluster:prod-db-aurora"), res(C, event.DBSnapshot, rdsBase+"cluster-snapshot:aurora-manual-1")}},
		"rds-copy-snapshot": {action: event.DBSnapshotCopy, resources: []event.Resource{
			{Role: S, Type: event.DBSnapshot, ID: "arn:aws:rds:eu-west-1:444455556666:snapshot:stolen-orders", Account: ext},
			res(C, event.DBSnapshot, rdsBase+"snapshot:orders-copy")}},
		"rds-copy-cluster-snapshot": {action: event.DBSnapshotCopy, resources: []event.Resource{
			res(S, event.DBSnapshot, rdsBase+"cluster-snapshot:aurora-manual-1"), res(C, event.DBSnapshot, rdsBase+"cluster-snapshot:aurora-copy")}},
		"rds-share-snapshot": {action: event.DBSnapshotShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1"), res(W, event.AccountType, ext)}},
		"rds-share-public": {action: event.DBSnapshotShare, shares: []event.Share{public}, resources: []event.Resource{
			res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"rds-share-nothing": {action: event.DBSnapshotShare, resources: []event.Resource{res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"rds-unshare-snapshot": {action: event.DBSnapshotUnsh, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"rds-share-cluster-snapshot": {action: event.DBSnapshotShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.DBSnapshot, rdsBase+"cluster-snapshot:aurora-manual-1"), res(W, event.AccountType, ext)}},
		"rds-delete-snapshot": {action: event.DBSnapshotDelete, resources: []event.Resource{res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"rds-export": {action: event.DBExport, resources: []event.Resource{
			res(S, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1"), res(T, event.Bucket, "exfil-bucket-198")}},
		"rds-restore-instance": {action: event.DBRestore, ingress: []event.Ingress{tcp(5432, 5432, "internet")}, resources: []event.Resource{
			{Role: S, Type: event.DBSnapshot, ID: "arn:aws:rds:eu-west-1:444455556666:snapshot:stolen-orders", Account: ext},
			res(C, event.Database, rdsBase+"db:orders-restored")}},
		"rds-restore-cluster": {action: event.DBRestore, resources: []event.Resource{
			res(S, event.DBSnapshot, rdsBase+"cluster-snapshot:aurora-manual-1"), res(C, event.Database, rdsBase+"cluster:aurora-restored")}},
		"rds-restore-pitr": {action: event.DBRestore, ingress: []event.Ingress{tcp(3306, 3306, "internet")}, resources: []event.Resource{
			res(S, event.Database, rdsBase+"db:prod-db-orders"), res(C, event.Database, rdsBase+"db:orders-pitr")}},
		"rds-clone-cluster": {action: event.DBRestore, resources: []event.Resource{
			res(S, event.Database, rdsBase+"cluster:prod-db-aurora"), res(C, event.Database, rdsBase+"cluster:aurora-clone")}},
		"rds-modify-password": {action: event.DBModify, resources: []event.Resource{res(T, event.Database, rdsBase+"db:orders-restored")}},
		"rds-modify-public": {action: event.DBModify, ingress: []event.Ingress{tcp(5432, 5432, "internet")},
			resources: []event.Resource{res(T, event.Database, rdsBase+"db:orders-restored")}},
		"rds-modify-cluster":  {action: event.DBModify, resources: []event.Resource{res(T, event.Database, rdsBase+"cluster:aurora-clone")}},
		"rds-delete-instance": {action: event.DBDelete, resources: []event.Resource{res(T, event.Database, rdsBase+"db:orders-pitr")}},
		"rds-delete-cluster":  {action: event.DBDelete, resources: []event.Resource{res(T, event.Database, rdsBase+"cluster:aurora-clone")}},
		"rds-create-instance": {action: event.DBCreate, resources: []event.Resource{res(C, event.Database, rdsBase+"db:scratch-db")}},
		"rds-create-cluster": {action: event.DBCreate, ingress: []event.Ingress{tcp(3306, 3306, "internet")},
			resources: []event.Resource{res(C, event.Database, rdsBase+"cluster:scratch-aurora")}},
		"rds-db-sg-ingress": {action: event.IngressOpen, ingress: []event.Ingress{tcp(0, 65535, "0.0.0.0/0")},
			resources: []event.Resource{res(T, event.SecurityGroup, rdsBase+"secgrp:legacy-db-sg")}},
		"rds-create-snapshot-denied": {action: event.DBSnapshotCreate, outcome: event.Failure},

		// AWS Backup
		"backup-start": {action: event.BackupCreate, actor: backup, resources: []event.Resource{
			res(S, event.Volume, "vol-0db00000000000001"), res(C, event.Snapshot, "snap-0backup000000001")}},
		"backup-start-rds": {action: event.BackupCreate, actor: backup, resources: []event.Resource{
			res(S, event.Database, rdsBase+"db:prod-db-orders"),
			res(C, event.DBSnapshot, rdsBase+"snapshot:awsbackup:job-22222222-2222-3333-4444-555555555555")}},
		"backup-start-dynamodb": {action: event.BackupCreate, actor: backup, resources: []event.Resource{
			res(S, event.Database, "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"),
			res(C, event.Backup, "arn:aws:backup:eu-west-1:111122223333:recovery-point:33333333-aaaa-bbbb-cccc-555555555555")}},
		"backup-copy-cross-account": {action: event.BackupCopy, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0backup000000001"), res(W, event.AccountType, ext)}},
		"backup-copy-same-account": {action: event.BackupCopy, resources: []event.Resource{
			res(S, event.Backup, "arn:aws:backup:eu-west-1:111122223333:recovery-point:33333333-aaaa-bbbb-cccc-555555555555")}},
		"backup-restore": {action: event.BackupRestore, resources: []event.Resource{res(S, event.Snapshot, "snap-0backup000000001")}},
		"backup-delete": {action: event.BackupDelete, actor: backup, resources: []event.Resource{
			res(T, event.Backup, "arn:aws:backup:eu-west-1:111122223333:recovery-point:33333333-aaaa-bbbb-cccc-555555555555")}},
		"backup-vault-policy": {action: event.BackupShare, shares: []event.Share{account(ext)}, resources: []event.Resource{
			res(T, event.Backup, "arn:aws:backup:eu-west-1:111122223333:backup-vault:Default"), res(W, event.AccountType, ext)}},
		"backup-plan-create": {action: event.BackupSchedule, shares: []event.Share{account(ext)}, resources: []event.Resource{res(W, event.AccountType, ext)}},
		"backup-plan-update": {action: event.BackupSchedule},

		// tags (the tags themselves are asserted in TestTags)
		"tags-create-volume": {action: event.VolumeRestore, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0new000000000001"), res(C, event.Volume, "vol-0tagged0000000001")}},
		"tags-create-snapshot": {action: event.SnapshotCreate, resources: []event.Resource{
			res(S, event.Volume, "vol-0tagged0000000001"), res(C, event.Snapshot, "snap-0tagged000000001")}},
		"tags-copy-snapshot": {action: event.SnapshotCopy, resources: []event.Resource{
			res(S, event.Snapshot, "snap-0tagged000000001"), res(C, event.Snapshot, "snap-0tagcopy00000001")}},
		"tags-create-image": {action: event.ImageCreate, resources: []event.Resource{
			res(S, event.Instance, "i-0db00000000000001"), res(C, event.Image, "ami-0tagged0000000001")}},
		"tags-run-instances": {action: event.InstanceCreate, resources: []event.Resource{
			res(S, event.Image, "ami-0tagged0000000001"), res(C, event.Instance, "i-0tagged00000000001")}},
		"tags-create-sg": {resources: []event.Resource{res(C, event.SecurityGroup, "sg-0tagged0000000001")}},
		"tags-create-tags": {resources: []event.Resource{res(T, event.Volume, "vol-0db00000000000001"),
			res(T, event.Snapshot, "snap-0new000000000001"), res(T, event.Image, "ami-0created0000000001")}},
		"tags-odd-shapes":         {action: event.VolumeCreate, resources: []event.Resource{res(C, event.Volume, "vol-0oddtags000000001")}},
		"tags-create-tags-denied": {outcome: event.Failure, resources: []event.Resource{res(T, event.Instance, "i-0db00000000000001")}},
		"tags-rds-create-snapshot": {action: event.DBSnapshotCreate, resources: []event.Resource{
			res(S, event.Database, rdsBase+"db:prod-db-orders"), res(C, event.DBSnapshot, rdsBase+"snapshot:orders-tagged-1")}},
		"tags-rds-restore": {action: event.DBRestore, resources: []event.Resource{
			res(S, event.DBSnapshot, rdsBase+"snapshot:orders-tagged-1"), res(C, event.Database, rdsBase+"db:orders-tagged-restore")}},
		"tags-rds-create-instance": {action: event.DBCreate, resources: []event.Resource{res(C, event.Database, rdsBase+"db:tagged-db")}},
		"tags-rds-add-tags":        {resources: []event.Resource{res(T, event.DBSnapshot, rdsBase+"snapshot:orders-manual-1")}},
		"tags-rds-add-tags-pg":     {},
		"tags-backup-start": {action: event.BackupCreate, resources: []event.Resource{
			res(S, event.Volume, "vol-0db00000000000001"), res(C, event.Snapshot, "snap-0tagbackup0000001")}},
		"tags-backup-tag-resource": {resources: []event.Resource{
			res(T, event.Backup, "arn:aws:backup:eu-west-1:111122223333:recovery-point:33333333-aaaa-bbbb-cccc-555555555555")}},

		// IAM and STS
		"iam-create-user":   {action: event.PrincipalCreate, resources: []event.Resource{res(C, event.Principal, "arn:aws:iam::111122223333:user/svc-maint")}},
		"iam-create-role":   {action: event.PrincipalCreate, resources: []event.Resource{res(C, event.Principal, "arn:aws:iam::111122223333:role/ops-helper")}},
		"iam-login-profile": {action: event.CredentialCreate, resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:user/svc-maint")}},
		"iam-access-key": {action: event.CredentialCreate, resources: []event.Resource{
			res(T, event.Principal, "arn:aws:iam::111122223333:user/svc-maint"), res(C, event.Principal, "AKIAEXAMPLESVCMAINT1")}},
		"iam-access-key-self": {action: event.CredentialCreate, resources: []event.Resource{
			res(T, event.Principal, alice), res(C, event.Principal, "AKIAEXAMPLEALICE0002")}},
		"iam-attach-user":        {action: event.RoleAssign, resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:user/svc-maint")}},
		"iam-attach-role":        {action: event.RoleAssign, resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:role/ops-helper")}},
		"iam-put-user-policy":    {action: event.RoleAssign, resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:user/svc-maint")}},
		"iam-add-to-group":       {action: event.RoleAssign, resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:user/svc-maint")}},
		"iam-create-user-denied": {action: event.PrincipalCreate, outcome: event.Failure},
		"sts-assume-role":        {resources: []event.Resource{res(T, event.Principal, "arn:aws:iam::111122223333:role/ops-helper")}},
		"sts-assume-role-service": {actor: "ec2.amazonaws.com", resources: []event.Resource{
			res(T, event.Principal, "arn:aws:iam::111122223333:role/ops-helper")}},
	}
	for id, w := range tests {
		t.Run(id, func(t *testing.T) {
			e := byID[id]
			if e == nil {
				t.Fatalf("no event %s in the fixtures", id)
			}
			if e.Action != w.action {
				t.Errorf("action %q, want %q", e.Action, w.action)
			}
			if want := cmpOr(w.outcome, event.Success); e.Outcome != want {
				t.Errorf("outcome %q, want %q", e.Outcome, want)
			}
			if want := cmpOr(w.actor, alice); e.Actor.ID != want {
				t.Errorf("actor %q, want %q", e.Actor.ID, want)
			}
			if got := resourceKeys(e.Resources); !slices.Equal(got, resourceKeys(w.resources)) {
				t.Errorf("resources\n got %v\nwant %v", got, resourceKeys(w.resources))
			}
			if !slices.Equal(e.Shares, w.shares) {
				t.Errorf("shares %v, want %v", e.Shares, w.shares)
			}
			if !slices.Equal(e.Ingress, w.ingress) {
				t.Errorf("ingress %v, want %v", e.Ingress, w.ingress)
			}
		})
	}
	for id := range byID {
		if _, ok := tests[id]; !ok {
			t.Errorf("event %s has no assertions", id)
		}
	}
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// resourceKeys lists resources as sorted role/type/id[@account] strings.
func resourceKeys(rs []event.Resource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		k := fmt.Sprintf("%s/%s/%s", r.Role, r.Type, r.ID)
		if r.Account != "" {
			k += "@" + r.Account
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

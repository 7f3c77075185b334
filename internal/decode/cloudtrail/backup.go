package cloudtrail

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// AWS Backup operations. Resources and recovery points are named by ARN;
// an EBS recovery point is an EC2 snapshot and an RDS one a DB snapshot, so
// they take those types and canonical ids.

func startBackupJob(r *rec) {
	r.e.Action = event.BackupCreate
	r.arn(event.RoleSource, r.req("resourceArn"), event.Volume)
	r.tag(r.arn(event.RoleCreated, r.resp("recoveryPointArn"), event.Backup), tagsAt(r.rp, "recoveryPointTags"))
}

// startCopyJob copies a recovery point to another vault; a vault of another
// account makes it a cross-account copy.
func startCopyJob(r *rec) {
	r.e.Action = event.BackupCopy
	r.arn(event.RoleSource, r.req("recoveryPointArn"), event.Backup)
	r.crossAccountVault(r.req("destinationBackupVaultArn"))
}

func startRestoreJob(r *rec) {
	r.e.Action = event.BackupRestore
	r.arn(event.RoleSource, r.req("recoveryPointArn"), event.Backup)
}

func deleteRecoveryPoint(r *rec) {
	r.e.Action = event.BackupDelete
	r.arn(event.RoleTarget, r.req("recoveryPointArn"), event.Backup)
}

// putBackupVaultAccessPolicy grants the principals an Allow statement of
// the vault policy names. Principals of the vault's own account are not a
// share.
func putBackupVaultAccessPolicy(r *rec) {
	r.e.Action = event.BackupShare
	if name := r.req("backupVaultName"); name != "" {
		r.add(event.RoleTarget, event.Backup, "arn:aws:backup:"+r.e.Region+":"+r.e.Account+":backup-vault:"+name)
	}
	policy := decode.ParseEmbedded(r.req("policy"))
	for _, st := range eachValue(policy.Get("Statement")) {
		if !strings.EqualFold(decode.Str(st, "Effect"), "Allow") {
			continue
		}
		p := st.Get("Principal")
		if decode.Str(p) == "*" {
			r.shareWith(event.Public, "public")
			continue
		}
		for _, who := range decode.Strs(p, "AWS") {
			switch acct := principalAccount(who); {
			case who == "*":
				r.shareWith(event.Public, "public")
			case acct == r.e.Account:
			case acct != "":
				r.shareWith(acct, "account")
			default:
				r.shareWith(who, "principal")
			}
		}
	}
}

// backupPlan schedules backups; a rule copying to another account's vault
// shares every recovery point it makes.
func backupPlan(r *rec) {
	r.e.Action = event.BackupSchedule
	for _, rule := range decode.Each(r.rp, "backupPlan", "rules") {
		for _, c := range decode.Each(rule, "copyActions") {
			r.crossAccountVault(decode.Str(c, "destinationBackupVaultArn"))
		}
	}
}

// crossAccountVault records a destination vault of another account as a
// share with that account.
func (r *rec) crossAccountVault(vault string) {
	if acct := event.ARNAccount(vault); acct != "" && acct != r.e.Account {
		r.shareWith(acct, "account")
	}
}

// arn records a resource named by ARN with the type and id its service
// gives it; def types ARNs of other services.
func (r *rec) arn(role event.Role, arn string, def event.ResourceType) *event.Resource {
	arn = strings.TrimSpace(arn)
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return r.add(role, def, arn)
	}
	service, res := parts[2], parts[5]
	switch service {
	case "ec2":
		kind, id, _ := strings.Cut(res, "/")
		if typ, ok := ec2Types[kind]; ok {
			return r.add(role, typ, id)
		}
	case "rds":
		kind := rdsKind(arn, "")
		return r.rds(role, rdsType(kind), kind, arn)
	case "s3":
		bucket, _, _ := strings.Cut(res, "/")
		return r.add(role, event.Bucket, bucket)
	case "backup":
		return r.add(role, event.Backup, arn)
	case "dynamodb", "redshift":
		return r.add(role, event.Database, arn)
	}
	return r.add(role, def, arn)
}

// ec2Types maps the resource kinds of EC2 ARNs.
var ec2Types = map[string]event.ResourceType{
	"volume":   event.Volume,
	"snapshot": event.Snapshot,
	"instance": event.Instance,
	"image":    event.Image,
}

// principalAccount returns the account of a policy principal: a bare
// account id or the account field of an ARN.
func principalAccount(p string) string {
	if isAccountID(p) {
		return p
	}
	return event.ARNAccount(p)
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

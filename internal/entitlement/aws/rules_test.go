package aws_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

const acct = "arn:aws:iam::111122223333:"

// TestEvaluate_rules runs one hand-built export per evaluation rule.
func TestEvaluate_rules(t *testing.T) {
	tests := []struct {
		file  string
		scps  []string
		users int // principals evaluated
		wants []want
	}{
		{file: "notaction.json", users: 3, wants: []want{
			// NotAction is a complement over the catalog
			{principal: "user/notaction", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy all-but-iam of " + acct + "user/notaction",
					"statement 0 (Sid NoIam): Allow NotAction iam:*,ebs:* (ec2:CreateSnapshot)"}},
			{principal: "user/notaction", capab: entitlement.ReadData, verdict: none},
			{principal: "user/notaction", capab: entitlement.AdminEquivalent, verdict: none},
			// NotResource on snapshots: CreateSnapshot needs the snapshot
			// resource, CreateImage does not
			{principal: "user/notresource", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy ec2-not-snapshots", "statement 0: Allow ec2:* (ec2:CreateImage)"}},
			{principal: "user/notresource", capab: entitlement.Share, verdict: allow,
				via: []string{"inline policy ec2-not-snapshots", "statement 0: Allow ec2:* (ec2:ModifyImageAttribute)"}},
			{principal: "user/notresource-rds", capab: entitlement.Copy, verdict: allow,
				scope: "* except arn:aws:rds:*:111122223333:snapshot:prod-*",
				via:   []string{"inline policy rds-not-prod", "statement 0: Allow rds:CopyDBSnapshot (rds:CopyDBSnapshot) on * except arn:aws:rds:*:111122223333:snapshot:prod-*"}},
		}},
		{file: "deny.json", users: 3, wants: []want{
			// a deny on one volume does not remove the action (pitfall 2)
			{principal: "user/deny-one-volume", capab: entitlement.Create, verdict: allow,
				scope: "* except arn:aws:ec2:eu-west-1:111122223333:volume/vol-0prod",
				via:   []string{"inline policy p of " + acct + "user/deny-one-volume", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			// explicit deny in another (managed) policy wins; case of the
			// action does not matter
			{principal: "user/deny-all-ec2", capab: entitlement.Create, verdict: denied,
				via: []string{"inline policy allow-create of " + acct + "user/deny-all-ec2",
					"statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)",
					"denied by managed policy " + acct + "policy/no-ec2 (v1): statement 0 (Sid NoEC2): Deny EC2:* (ec2:CreateSnapshot)"}},
			// Deny ec2:*Snapshot* leaves the image actions
			{principal: "user/deny-snapshot-words", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:* (ec2:CreateImage)"}},
			{principal: "user/deny-snapshot-words", capab: entitlement.Copy, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:* (ec2:CopyImage)"}},
			{principal: "user/deny-snapshot-words", capab: entitlement.GuardrailOff, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:* (ec2:DisableImageBlockPublicAccess)"}},
			{principal: "user/deny-snapshot-words", capab: entitlement.ReadData, verdict: none},
		}},
		{file: "wildcard.json", users: 2, wants: []want{
			// wildcards anywhere in the action
			{principal: "user/snapshot-words", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:*Snapshot* (ec2:CreateSnapshot)"}},
			{principal: "user/snapshot-words", capab: entitlement.Copy, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:*Snapshot* (ec2:CopySnapshot)"}},
			{principal: "user/snapshot-words", capab: entitlement.Share, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:*Snapshot* (ec2:ModifySnapshotAttribute)"}},
			{principal: "user/snapshot-words", capab: entitlement.Restore, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:*Snapshot* (ec2:RestoreSnapshotFromRecycleBin)"}},
			{principal: "user/snapshot-words", capab: entitlement.GuardrailOff, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:*Snapshot* (ec2:DisableSnapshotBlockPublicAccess)"}},
			{principal: "user/snapshot-words", capab: entitlement.Export, verdict: none},
			{principal: "user/question-mark", capab: entitlement.Copy, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow rds:CopyDB???????? (rds:CopyDBSnapshot)"}},
		}},
		{file: "case.json", users: 4, wants: []want{
			// actions are case-insensitive, ARNs are not
			{principal: "user/odd-case-action", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow EC2:createSNAPSHOT (ec2:CreateSnapshot)"}},
			{principal: "user/odd-case-arn", capab: entitlement.Create, verdict: none},
			{principal: "user/scoped-arn", capab: entitlement.Create, verdict: allow, scope: "arn:aws:ec2:*::snapshot/SNAP-*",
				via: []string{"inline policy p", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot) on arn:aws:ec2:*::snapshot/SNAP-*"}},
			// CreateSnapshot is authorized on the volume AND the snapshot
			{principal: "user/volume-only", capab: entitlement.Create, verdict: none},
		}},
		{file: "condition.json", users: 3, wants: []want{
			{principal: "user/region-bound", capab: entitlement.Create, verdict: conditional,
				conds: []string{"StringEquals aws:RequestedRegion eu-west-1|eu-central-1"},
				via:   []string{"inline policy p", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			// a conditional deny is not a definite one
			{principal: "user/mfa-deny", capab: entitlement.Share, verdict: conditional,
				conds: []string{"unless BoolIfExists aws:MultiFactorAuthPresent false"},
				via:   []string{"inline policy p", "statement 0: Allow ec2:ModifySnapshotAttribute (ec2:ModifySnapshotAttribute)"}},
			// an unconditional allow beside a conditional one
			{principal: "user/both", capab: entitlement.Copy, verdict: allow,
				via: []string{"inline policy p", "statement 1: Allow ec2:CopySnapshot (ec2:CopySnapshot)"}},
		}},
		{file: "group.json", users: 3, wants: []want{
			{principal: "user/member", capab: entitlement.Create, verdict: allow,
				via: []string{"group " + acct + "group/ops/backup-operators", "managed policy " + acct + "policy/backup-start (v2)",
					"statement 0: Allow backup:StartBackupJob (backup:StartBackupJob)"}},
			{principal: "user/member", capab: entitlement.Restore, verdict: allow,
				via: []string{"group " + acct + "group/ops/backup-operators", "inline policy restore of " + acct + "group/ops/backup-operators",
					"statement 0 (Sid Restore): Allow backup:StartRestoreJob (backup:StartRestoreJob)"}},
			{principal: "user/outsider", capab: entitlement.Create, verdict: none},
			// the same managed policy on a role
			{principal: "role/same-policy-role", capab: entitlement.Create, verdict: allow,
				via: []string{"managed policy " + acct + "policy/backup-start (v2)", "statement 0: Allow backup:StartBackupJob (backup:StartBackupJob)"}},
			{principal: "role/same-policy-role", capab: entitlement.Restore, verdict: none},
		}},
		{file: "versions.json", users: 2, wants: []want{
			// only the default version is in force
			{principal: "user/versioned", capab: entitlement.Create, verdict: allow,
				via: []string{"managed policy " + acct + "policy/two-versions (v2)", "statement 0: Allow rds:CreateDBSnapshot (rds:CreateDBSnapshot)"}},
			{principal: "user/versioned", capab: entitlement.Copy, verdict: none},
			// … unless the principal may bring an older version back
			{principal: "user/version-switcher", capab: entitlement.Copy, verdict: allow, indirect: true,
				via: []string{"makes another version the default of its policy " + acct + "policy/two-versions (inline policy switch of " + acct + "user/version-switcher: statement 0: Allow iam:SetDefaultPolicyVersion (iam:SetDefaultPolicyVersion on " + acct + "policy/two-versions))",
					"managed policy " + acct + "policy/two-versions (v1), once made the default", "statement 0: Allow ec2:* (ec2:CopySnapshot)"}},
			{principal: "user/version-switcher", capab: entitlement.Create, verdict: allow,
				via: []string{"managed policy " + acct + "policy/two-versions (v2)", "statement 0: Allow rds:CreateDBSnapshot (rds:CreateDBSnapshot)"}},
		}},
		{file: "urlencoded.json", users: 2, wants: []want{
			// SDK output: URL-encoded documents, '+' for a space
			{principal: "user/encoded", capab: entitlement.Create, verdict: conditional,
				conds: []string{"StringEquals aws:PrincipalTag/team data platform"},
				via:   []string{"inline policy sdk-inline of " + acct + "user/encoded", "statement 0 (Sid Tagged): Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			{principal: "user/encoded", capab: entitlement.Export, verdict: allow,
				via: []string{"managed policy " + acct + "policy/sdk-managed (v1)", "statement 0: Allow rds:StartExportTask (rds:StartExportTask)"}},
			{principal: "user/encoded", capab: entitlement.Copy, verdict: allow, indirect: true,
				via: []string{"assumes role " + acct + "role/sdk-role (trust statement 0 names " + acct + "user/encoded)",
					"inline policy copy of " + acct + "role/sdk-role", "statement 0: Allow ec2:CopySnapshot (ec2:CopySnapshot)"}},
		}},
		{file: "boundary.json", users: 4, wants: []want{
			// the boundary caps AdministratorAccess to RDS (and IAM)
			{principal: "user/bounded-admin", capab: entitlement.Create, verdict: allow,
				via: []string{"managed policy arn:aws:iam::aws:policy/AdministratorAccess (published version; not in the export)",
					"statement 0: Allow * (rds:CreateDBSnapshot)"}},
			{principal: "user/bounded-admin", capab: entitlement.GuardrailOff, verdict: denied,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ec2:DisableSnapshotBlockPublicAccess)",
					"capped by permissions boundary managed policy " + acct + "policy/rds-only (v1): it does not allow ec2:DisableSnapshotBlockPublicAccess"}},
			{principal: "user/bounded-admin", capab: entitlement.ReadData, verdict: denied,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ebs:ListSnapshotBlocks)", "capped by permissions boundary",
					"statement 0: Allow * (ebs:GetSnapshotBlock)", "capped by permissions boundary"}},
			// boundaries on roles too (pitfall 8)
			{principal: "role/bounded-role", capab: entitlement.Create, verdict: denied,
				via: []string{"inline policy ec2 of " + acct + "role/bounded-role", "statement 0: Allow ec2:* (ec2:CreateSnapshot)",
					"capped by permissions boundary managed policy " + acct + "policy/s3-only (v1): it does not allow ec2:CreateSnapshot"}},
			// a boundary that allows part of the resources narrows the scope
			{principal: "role/region-boundary", capab: entitlement.Copy, verdict: allow,
				scope: "* within the boundary's arn:aws:ec2:eu-west-1::snapshot/*",
				via:   []string{"inline policy copy of " + acct + "role/region-boundary", "statement 0: Allow ec2:CopySnapshot (ec2:CopySnapshot)"}},
			{principal: "role/conditional-boundary", capab: entitlement.Create, verdict: conditional,
				conds: []string{"StringEquals aws:RequestedRegion eu-west-1"},
				via:   []string{"inline policy ec2 of " + acct + "role/conditional-boundary", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
		}},
		{file: "assume.json", users: 11, wants: []want{
			// start-user → starting-role → intermediate-role → ending-role,
			// each trusting the account and allowed sts:AssumeRole
			{principal: "user/start-user", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{
					"assumes role " + acct + "role/starting-role (trust statement 0 names arn:aws:iam::111122223333:root; sts:AssumeRole: inline policy assume-starting of " + acct + "user/start-user: statement 0: Allow sts:AssumeRole (sts:AssumeRole on " + acct + "role/starting-role))",
					"assumes role " + acct + "role/intermediate-role (trust statement 0 names 111122223333; sts:AssumeRole: inline policy next of " + acct + "role/starting-role",
					"assumes role " + acct + "role/ending-role (trust statement 0 names arn:aws:iam::111122223333:root; sts:AssumeRole: inline policy next of " + acct + "role/intermediate-role",
					"inline policy snapshots of " + acct + "role/ending-role",
					"statement 0 (Sid Snap): Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			{principal: "user/start-user", capab: entitlement.Share, verdict: none},
			{principal: "role/starting-role", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{"assumes role " + acct + "role/intermediate-role", "assumes role " + acct + "role/ending-role", "inline policy snapshots", "(ec2:CreateSnapshot)"}},
			// the account is trusted, but its own policies do not allow
			// sts:AssumeRole
			{principal: "user/no-permission-user", capab: entitlement.Create, verdict: none},
			// named by ARN: the trust policy alone lets it in
			{principal: "user/named-user", capab: entitlement.Share, verdict: allow, indirect: true,
				via: []string{"assumes role " + acct + "role/named-role (trust statement 0 names " + acct + "user/named-user)",
					"inline policy share of " + acct + "role/named-role", "statement 0: Allow ec2:ModifySnapshotAttribute (ec2:ModifySnapshotAttribute)"}},
			// … unless its own policies deny it
			{principal: "user/denied-user", capab: entitlement.Share, verdict: none},
			{principal: "user/denied-user", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{"assumes role " + acct + "role/ending-role", "inline policy snapshots", "(ec2:CreateSnapshot)"}},
			// NotPrincipal: everyone but denied-user (who needs sts:AssumeRole)
			{principal: "user/external-id-user", capab: entitlement.Schedule, verdict: allow, indirect: true,
				via: []string{"assumes role " + acct + "role/not-principal-role (trust statement 0 names everyone (NotPrincipal); sts:AssumeRole: inline policy assume-any",
					"inline policy dlm of " + acct + "role/not-principal-role", "statement 0: Allow dlm:CreateLifecyclePolicy (dlm:CreateLifecyclePolicy)"}},
			{principal: "user/denied-user", capab: entitlement.Schedule, verdict: none},
			// a trust condition makes the path CONDITIONAL
			{principal: "user/external-id-user", capab: entitlement.Export, verdict: conditional, indirect: true,
				conds: []string{"StringEquals sts:ExternalId ab12"},
				via: []string{"assumes role " + acct + "role/vendor-role (trust statement 0 names *; sts:AssumeRole: inline policy assume-any of " + acct + "user/external-id-user: statement 0: Allow sts:AssumeRole (sts:AssumeRole on " + acct + "role/vendor-role))",
					"inline policy export of " + acct + "role/vendor-role", "statement 0: Allow ec2:ExportImage (ec2:ExportImage)"}},
		}},
		{file: "passrole.json", users: 5, wants: []want{
			{principal: "user/dlm-operator", capab: entitlement.Schedule, verdict: allow,
				via: []string{"inline policy dlm of " + acct + "user/dlm-operator", "statement 0 (Sid Policies): Allow dlm:CreateLifecyclePolicy (dlm:CreateLifecyclePolicy)"}},
			// iam:PassRole + dlm:CreateLifecyclePolicy: DLM snapshots with
			// the role's rights
			{principal: "user/dlm-operator", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{"passes role " + acct + "role/service-role/dlm-role to dlm.amazonaws.com (inline policy dlm of " + acct + "user/dlm-operator: statement 1 (Sid Pass): Allow iam:PassRole (iam:PassRole on " + acct + "role/service-role/dlm-role); inline policy dlm of " + acct + "user/dlm-operator: statement 0 (Sid Policies): Allow dlm:CreateLifecyclePolicy (dlm:CreateLifecyclePolicy))",
					"inline policy snapshots of " + acct + "role/service-role/dlm-role", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			// DLM does not read blocks, whatever its role may do
			{principal: "user/dlm-operator", capab: entitlement.ReadData, verdict: none},
			// PassRole alone starts nothing
			{principal: "user/pass-only", capab: entitlement.Create, verdict: none},
			// iam:PassedToService is settled by the service the role goes to
			{principal: "user/lambda-dev", capab: entitlement.Export, verdict: allow, indirect: true,
				via: []string{"passes role " + acct + "role/lambda-role to lambda.amazonaws.com", "inline policy export of " + acct + "role/lambda-role",
					"statement 0: Allow rds:StartExportTask (rds:StartExportTask)"}},
			{principal: "user/lambda-dev", capab: entitlement.Create, verdict: none},
		}},
		{file: "admin.json", users: 5, wants: []want{
			{principal: "user/self-putter", capab: entitlement.AdminEquivalent, verdict: allow,
				via: []string{"inline policy own-policies of " + acct + "user/self-putter",
					"statement 0: Allow iam:PutUserPolicy (iam:PutUserPolicy on " + acct + "user/self-putter)"}},
			// granting itself a policy: indirect
			{principal: "user/self-putter", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{"inline policy own-policies", "(iam:PutUserPolicy on " + acct + "user/self-putter)",
					"a policy it grants itself", "statement 0: Allow * (ec2:CreateSnapshot)"}},
			{principal: "user/other-putter", capab: entitlement.AdminEquivalent, verdict: none},
			{principal: "user/other-putter", capab: entitlement.Create, verdict: none},
			{principal: "user/versioner", capab: entitlement.AdminEquivalent, verdict: allow,
				via: []string{"group " + acct + "group/devs", "managed policy " + acct + "policy/dev-tools (v1)",
					"statement 0: Allow iam:CreatePolicyVersion (iam:CreatePolicyVersion on " + acct + "policy/dev-tools)"}},
			// what it would grant itself is still capped by its boundary
			{principal: "user/capped-admin", capab: entitlement.AdminEquivalent, verdict: allow,
				via: []string{"inline policy own of " + acct + "user/capped-admin", "statement 0: Allow iam:AttachUserPolicy (iam:AttachUserPolicy on " + acct + "user/capped-admin)"}},
			{principal: "user/capped-admin", capab: entitlement.Create, verdict: denied, indirect: true,
				via: []string{"inline policy own", "iam:AttachUserPolicy", "a policy it grants itself", "statement 0: Allow * (ec2:CreateSnapshot)",
					"capped by permissions boundary managed policy " + acct + "policy/iam-only (v1): it does not allow ec2:CreateSnapshot"}},
			{principal: "role/self-role", capab: entitlement.AdminEquivalent, verdict: allow,
				via: []string{"inline policy self of " + acct + "role/self-role", "statement 0: Allow iam:PutRolePolicy (iam:PutRolePolicy on " + acct + "role/self-role)"}},
		}},
		{file: "takeover.json", users: 5, wants: []want{
			// an access key for another user: what that user holds
			{principal: "user/key-maker", capab: entitlement.Create, verdict: allow, indirect: true,
				via: []string{"creates an access key for user " + acct + "user/snapshotter (inline policy keys of " + acct + "user/key-maker: statement 0: Allow iam:CreateAccessKey (iam:CreateAccessKey on " + acct + "user/snapshotter))",
					"inline policy snap of " + acct + "user/snapshotter", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
			// joining a group: its policies, under the user's own boundary
			// (which denies rds:*: the DynamoDB export is what remains)
			{principal: "user/joiner", capab: entitlement.Export, verdict: allow, indirect: true,
				via: []string{"adds itself to group " + acct + "group/exporters (inline policy join of " + acct + "user/joiner: statement 0: Allow iam:AddUserToGroup (iam:AddUserToGroup on " + acct + "group/exporters))",
					"group " + acct + "group/exporters", "inline policy export of " + acct + "group/exporters", "statement 0: Allow dynamodb:ExportTableToPointInTime (dynamodb:ExportTableToPointInTime)"}},
			// rewriting a trust policy is not enough without sts:AssumeRole
			{principal: "user/trust-editor", capab: entitlement.Copy, verdict: none},
		}},
		{file: "scp.json", scps: []string{"scp-deny-ec2.json"}, users: 2, wants: []want{
			// denying ec2:* leaves the EBS direct APIs
			{principal: "user/admin", capab: entitlement.Create, verdict: allow,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ebs:StartSnapshot)",
					"statement 0: Allow * (ebs:PutSnapshotBlock)", "statement 0: Allow * (ebs:CompleteSnapshot)"}},
			{principal: "user/admin", capab: entitlement.GuardrailOff, verdict: denied,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ec2:DisableSnapshotBlockPublicAccess)",
					"denied by SCP testdata/scp-deny-ec2.json: statement 0 (Sid NoEC2): Deny ec2:* (ec2:DisableSnapshotBlockPublicAccess)"}},
			// service-linked roles are exempt from SCPs
			{principal: "role/aws-service-role/example.amazonaws.com/AWSServiceRoleForExample", capab: entitlement.Create, verdict: allow,
				via: []string{"inline policy p", "statement 0: Allow ec2:CreateSnapshot (ec2:CreateSnapshot)"}},
		}},
		{file: "scp.json", scps: []string{"scp-allowlist.json"}, users: 2, wants: []want{
			{principal: "user/admin", capab: entitlement.Create, verdict: allow,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ec2:CreateSnapshot)"}},
			{principal: "user/admin", capab: entitlement.Copy, verdict: allow,
				via: []string{"AdministratorAccess", "statement 0: Allow * (rds:CopyDBSnapshot)"}},
			{principal: "user/admin", capab: entitlement.GuardrailOff, verdict: denied,
				via: []string{"AdministratorAccess", "statement 0: Allow * (ec2:DisableSnapshotBlockPublicAccess)",
					"capped by the service control policies: none allows ec2:DisableSnapshotBlockPublicAccess"}},
		}},
	}
	for _, tt := range tests {
		name := strings.TrimSuffix(tt.file, ".json")
		if len(tt.scps) > 0 {
			name += "+" + strings.Join(tt.scps, "+")
		}
		t.Run(name, func(t *testing.T) {
			var scps []string
			for _, s := range tt.scps {
				scps = append(scps, filepath.Join("testdata", s))
			}
			rep := evaluateFile(t, filepath.Join("testdata", tt.file), scps...)
			if rep.Principals != tt.users {
				t.Errorf("principals = %d, want %d", rep.Principals, tt.users)
			}
			for _, w := range tt.wants {
				w.check(t, rep)
			}
		})
	}
}

func TestEvaluate_notes(t *testing.T) {
	rep := evaluateFile(t, filepath.Join("testdata", "group.json"))
	if !slices.Contains(rep.Notes, "group absent-group of "+acct+"user/member is not in the export: its policies are not evaluated") {
		t.Errorf("notes %q lack the absent group", rep.Notes)
	}
	rep = evaluateFile(t, filepath.Join("testdata", "scp.json"), filepath.Join("testdata", "scp-deny-ec2.json"))
	if !slices.Contains(rep.Notes, "no SCP given allows anything: FullAWSAccess assumed beside them") {
		t.Errorf("notes %q lack the assumed FullAWSAccess", rep.Notes)
	}
}

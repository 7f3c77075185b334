package aws

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
)

// TestCatalog: the embedded catalog loads, every capability has actions,
// and the actions the reference names for AWS are where it puts them.
func TestCatalog(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range entitlement.Capabilities {
		if c == entitlement.AdminEquivalent {
			if len(cat.Admin) == 0 {
				t.Error("no admin-equivalent rules")
			}
			continue
		}
		if len(cat.Capabilities[c]) == 0 {
			t.Errorf("capability %s has no actions", c)
		}
	}
	has := func(c entitlement.Capability, actions ...string) bool {
		for _, req := range cat.Capabilities[c] {
			if strings.Join(req, "+") == strings.Join(actions, "+") {
				return true
			}
		}
		return false
	}
	for _, tt := range []struct {
		c       entitlement.Capability
		actions []string
	}{
		{entitlement.Create, []string{"ec2:CreateSnapshot"}},
		{entitlement.Create, []string{"ebs:StartSnapshot", "ebs:PutSnapshotBlock", "ebs:CompleteSnapshot"}},
		{entitlement.Create, []string{"rds:CreateDBClusterSnapshot"}},
		{entitlement.Copy, []string{"ec2:CopySnapshot"}},
		// sharing is classed by capability, not by AWS access level
		// (ModifyImageAttribute and the RDS attribute actions are "Write")
		{entitlement.Share, []string{"ec2:ModifyImageAttribute"}},
		{entitlement.Share, []string{"rds:ModifyDBSnapshotAttribute"}},
		{entitlement.Share, []string{"rds:ModifyDBClusterSnapshotAttribute"}},
		{entitlement.Export, []string{"ec2:ExportImage"}},
		{entitlement.Restore, []string{"ec2:CreateVolume"}},
		{entitlement.ReadData, []string{"ebs:ListSnapshotBlocks", "ebs:GetSnapshotBlock"}},
		{entitlement.Schedule, []string{"dlm:CreateLifecyclePolicy"}},
		{entitlement.GuardrailOff, []string{"ec2:DisableSnapshotBlockPublicAccess"}},
	} {
		if !has(tt.c, tt.actions...) {
			t.Errorf("catalog %s lacks %v", tt.c, tt.actions)
		}
	}
	if got := cat.Resources["ec2:createsnapshot"]; len(got) != 2 {
		t.Errorf("ec2:CreateSnapshot resource types = %v, want volume and snapshot", got)
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess"} {
		if cat.Known[arn] == nil {
			t.Errorf("known policy %s missing", arn)
		}
	}
}

func TestParseCatalog_invalid(t *testing.T) {
	tests := []struct {
		yaml, want string
	}{
		{"capabilities: {steal: [[ec2:CreateSnapshot]]}", `catalog: unknown capability "steal"`},
		{"capabilities: {create: [[CreateSnapshot]]}", `catalog: create[0]: action "CreateSnapshot" is not service:Action`},
		{"capabilities: {create: [[ec2:Create*]]}", `catalog: create[0]: action "ec2:Create*" is not service:Action`},
		{"admin: [{principal: group, actions: [iam:PutGroupPolicy], on: self}]", `catalog: admin[0]: principal "group" is neither user nor role`},
		{"admin: [{actions: [iam:PutUserPolicy], on: elsewhere}]", `catalog: admin[0]: unknown target "elsewhere"`},
		{"passrole: [{service: x, actions: [a:B], capabilities: [fly]}]", `catalog: passrole[0]: unknown capability "fly"`},
		{"takeover: [{target: bucket, actions: [a:B]}]", `catalog: takeover[0]: unknown target "bucket"`},
		{"known: {x: 'not json'}", "catalog: known x: policy document: invalid character 'o' in literal null (expecting 'u')"},
	}
	for _, tt := range tests {
		_, err := parseCatalog([]byte(tt.yaml))
		if err == nil || err.Error() != tt.want {
			t.Errorf("parseCatalog(%q) = %v, want %s", tt.yaml, err, tt.want)
		}
	}
}

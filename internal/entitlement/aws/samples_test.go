package aws_test

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/aws"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

const (
	allow       = entitlement.Allow
	conditional = entitlement.Conditional
	denied      = entitlement.Denied
	none        = entitlement.NotGranted
)

// every capability of the catalog.
var all = entitlement.Capabilities

func TestEvaluate_smallSample(t *testing.T) {
	rep := sample(t, "example-authz-details.json")
	if rep.Principals != 6 {
		t.Errorf("principals = %d, want 6 (3 users, 3 roles)", rep.Principals)
	}
	// obama and userwithlotsofpermissions: everything, through
	// AdministratorAccess (obama directly, the other through group admin)
	for _, c := range all {
		obama := []string{"managed policy arn:aws:iam::aws:policy/AdministratorAccess", "statement 0: Allow * ("}
		if c == entitlement.ReadData { // an AND-requirement: both actions show
			obama = append(obama, "statement 0: Allow * (ebs:GetSnapshotBlock)")
		}
		want{principal: ":user/obama", capab: c, verdict: allow, via: obama}.check(t, rep)
		want{principal: ":user/userwithlotsofpermissions", capab: c, verdict: allow,
			via: append([]string{"group arn:aws:iam::012345678901:group/admin"}, obama...)}.check(t, rep)
	}
	// biden: the RDS snapshot actions, through group biden
	bidenVia := func(action string) []string {
		return []string{"group arn:aws:iam::012345678901:group/biden", "managed policy arn:aws:iam::aws:policy/AmazonRDSFullAccess (v6)",
			"statement 0: Allow rds:* (" + action + ")"}
	}
	for c, action := range map[entitlement.Capability]string{
		entitlement.Create:  "rds:CreateDBSnapshot",
		entitlement.Copy:    "rds:CopyDBSnapshot",
		entitlement.Share:   "rds:ModifyDBSnapshotAttribute",
		entitlement.Export:  "rds:StartExportTask",
		entitlement.Restore: "rds:RestoreDBInstanceFromDBSnapshot",
	} {
		want{principal: ":user/biden", capab: c, verdict: allow, via: bidenVia(action)}.check(t, rep)
	}
	if got := slices.Sorted(maps.Keys(capsOf(rep, ":user/biden"))); len(got) != 5 {
		t.Errorf("biden holds %v, want only create, copy, share, export, restore", got)
	}
	// MyRole, MyOtherRole: iam:PassRole alone, with no service to start:
	// nothing
	for _, r := range []string{":role/MyRole", ":role/MyOtherRole"} {
		if got := capsOf(rep, r); len(got) != 0 {
			t.Errorf("%s holds %v, want nothing", r, got)
		}
	}
	// OverprivilegedEC2 may create an access key for any user, obama
	// included: everything, indirectly (the reference expects "roles ⇒
	// none"; iam:CreateAccessKey on * says otherwise)
	for _, c := range all {
		via := []string{"creates an access key for user arn:aws:iam::012345678901:user/obama (inline policy SupYo of arn:aws:iam::012345678901:role/OverprivilegedEC2: " +
			"statement 0 (Sid VisualEditor0): Allow iam:CreateAccessKey (iam:CreateAccessKey on arn:aws:iam::012345678901:user/obama))",
			"managed policy arn:aws:iam::aws:policy/AdministratorAccess (v1)", "statement 0: Allow * ("}
		if c == entitlement.ReadData {
			via = append(via, "(ebs:GetSnapshotBlock)")
		}
		want{principal: ":role/OverprivilegedEC2", capab: c, verdict: allow, indirect: true, via: via}.check(t, rep)
	}
}

func TestEvaluate_minimalSample(t *testing.T) {
	// group → managed policy resolution; AdministratorAccess is attached
	// but absent from Policies: evaluated as AWS publishes it, with a note
	rep := sample(t, "example_authz_v2.json")
	if rep.Principals != 3 {
		t.Errorf("principals = %d, want 3", rep.Principals)
	}
	want{principal: ":user/BlakeBortles", capab: entitlement.Create, verdict: allow,
		via: []string{"group arn:aws:iam::", "managed policy arn:aws:iam::aws:policy/AdministratorAccess (published version; not in the export)",
			"statement 0: Allow * (ec2:CreateSnapshot)"}}.check(t, rep)
	if !slices.ContainsFunc(rep.Notes, func(n string) bool {
		return n == "managed policy arn:aws:iam::aws:policy/AdministratorAccess is attached but not in the export; evaluated as AWS publishes it"
	}) {
		t.Errorf("notes %q lack the missing AdministratorAccess", rep.Notes)
	}
}

func TestEvaluate_largeSample(t *testing.T) {
	rep := sample(t, "example.json")
	if rep.Principals != 44+78 {
		t.Errorf("principals = %d, want 122 (44 users, 78 roles)", rep.Principals)
	}
	const acct = "arn:aws:iam::200611803367:"
	tests := []want{
		// Allow NotAction [iam:Update*, iam:Create*, iam:Attach*]: every
		// snapshot action is in the complement
		{principal: ":user/fn4-exploitableNotAction-user", capab: entitlement.Create, verdict: allow,
			via: []string{"managed policy " + acct + "policy/fn4-exploitableNotAction (v1)",
				"statement 0: Allow NotAction iam:Update*,iam:Create*,iam:Attach* (ec2:CreateSnapshot)"}},
		{principal: ":user/fn4-exploitableNotAction-user", capab: entitlement.Share, verdict: allow,
			via: []string{"fn4-exploitableNotAction (v1)", "Allow NotAction iam:Update*,iam:Create*,iam:Attach* (ec2:ModifySnapshotAttribute)"}},
		{principal: ":user/fn4-exploitableNotAction-user", capab: entitlement.ReadData, verdict: allow,
			via: []string{"fn4-exploitableNotAction (v1)", "(ebs:ListSnapshotBlocks)", "(ebs:GetSnapshotBlock)"}},
		// Allow * and Deny * in two attached policies
		{principal: ":user/fp2-allow-and-deny-multiple-policies-user", capab: entitlement.Create, verdict: denied,
			via: []string{"managed policy " + acct + "policy/fp2-allow-all (v1)", "statement 0: Allow * (ec2:CreateSnapshot)",
				"denied by managed policy " + acct + "policy/deny-all (v1): statement 0: Deny * (ec2:CreateSnapshot)"}},
		{principal: ":user/fp2-allow-and-deny-multiple-policies-user", capab: entitlement.AdminEquivalent, verdict: denied,
			via: []string{"fp2-allow-all", "Allow * (iam:PutUserPolicy on " + acct + "user/fp2-allow-and-deny-multiple-policies-user)", "denied by"}},
		// EC2 through the group; admin through iam:*
		{principal: ":user/privesc-sre-user", capab: entitlement.Create, verdict: allow,
			via: []string{"group " + acct + "group/privesc-sre-group", "managed policy " + acct + "policy/privesc-sre-admin-policy (v1)",
				"statement 0: Allow ec2:* (ec2:CreateSnapshot)"}},
		{principal: ":user/privesc-sre-user", capab: entitlement.AdminEquivalent, verdict: allow,
			via: []string{"group " + acct + "group/privesc-sre-group", "privesc-sre-admin-policy", "Allow iam:* (iam:PutUserPolicy on " + acct + "user/privesc-sre-user)"}},
		// read-data (ebs:*) is outside the group's services: only through
		// another identity (the shortest path: the role EC2 runs with)
		{principal: ":user/privesc-sre-user", capab: entitlement.ReadData, verdict: allow, indirect: true,
			via: []string{"passes role " + acct + "role/privesc-high-priv-service-role to ec2.amazonaws.com (group " + acct + "group/privesc-sre-group: managed policy " + acct + "policy/privesc-sre-admin-policy (v1): statement 0: Allow iam:* (iam:PassRole on " + acct + "role/privesc-high-priv-service-role); group " + acct + "group/privesc-sre-group: managed policy " + acct + "policy/privesc-sre-admin-policy (v1): statement 0: Allow ec2:* (ec2:RunInstances))",
				"managed policy " + acct + "policy/privesc-high-priv-service-policy (v1)",
				"statement 0: Allow * (ebs:ListSnapshotBlocks)", "statement 0: Allow * (ebs:GetSnapshotBlock)"}},
		// taking over other identities: an access key for a user, a
		// group to join, a trust policy to rewrite
		{principal: ":user/privesc4-CreateAccessKey-user", capab: entitlement.Create, verdict: allow, indirect: true,
			via: []string{"creates an access key for user " + acct + "user/fn4-exploitableNotAction-user (managed policy " + acct + "policy/privesc4-CreateAccessKey (v1): statement 0: Allow iam:CreateAccessKey (iam:CreateAccessKey on " + acct + "user/fn4-exploitableNotAction-user))",
				"managed policy " + acct + "policy/fn4-exploitableNotAction (v1)", "statement 0: Allow NotAction iam:Update*,iam:Create*,iam:Attach* (ec2:CreateSnapshot)"}},
		{principal: ":user/privesc13-AddUserToGroup-user", capab: entitlement.Create, verdict: allow, indirect: true,
			via: []string{"adds itself to group " + acct + "group/privesc-sre-group (managed policy " + acct + "policy/privesc13-AddUserToGroup (v1): statement 0: Allow iam:AddUserToGroup (iam:AddUserToGroup on " + acct + "group/privesc-sre-group))",
				"group " + acct + "group/privesc-sre-group", "managed policy " + acct + "policy/privesc-sre-admin-policy (v1)", "statement 0: Allow ec2:* (ec2:CreateSnapshot)"}},
		{principal: ":user/privesc14-UpdatingAssumeRolePolicy-user", capab: entitlement.AdminEquivalent, verdict: allow, indirect: true,
			via: []string{"rewrites the trust policy of, then assumes, role " + acct + "role/", "managed policy arn:aws:iam::aws:policy/AdministratorAccess (v1)", "statement 0: Allow * (iam:PutRolePolicy on " + acct + "role/"}},
		// iam:CreatePolicyVersion only under an aws:TokenIssueTime
		// condition: conditional escalation, nothing direct
		{principal: ":user/fn3-exploitableConditionConstraint-user", capab: entitlement.AdminEquivalent, verdict: conditional,
			via:   []string{"fn3-exploitableConditionConstraint (v1)", "Allow iam:CreatePolicyVersion (iam:CreatePolicyVersion on " + acct + "policy/fn3-exploitableConditionConstraint)"},
			conds: []string{"DateGreaterThan aws:TokenIssueTime 2020-01-01T00:00:01Z"}},
		{principal: ":user/fn3-exploitableConditionConstraint-user", capab: entitlement.Create, verdict: conditional, indirect: true,
			via:   []string{"fn3-exploitableConditionConstraint (v1)", "iam:CreatePolicyVersion", "a policy it grants itself", "Allow * (ec2:CreateSnapshot)"},
			conds: []string{"aws:TokenIssueTime"}},
		{principal: ":user/fp5-nonExploitableConditionConstraint-user", capab: entitlement.AdminEquivalent, verdict: conditional,
			via:   []string{"fp5-nonExploitableConditionConstraint (v1)", "(iam:CreatePolicyVersion on "},
			conds: []string{"DateLessThan aws:TokenIssueTime"}},
		// administrators are listed, not excluded
		{principal: ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc", capab: entitlement.AdminEquivalent, verdict: allow,
			via: []string{"managed policy arn:aws:iam::aws:policy/AdministratorAccess (v1)", "statement 0: Allow * (iam:PutRolePolicy on "}},
		{principal: ":role/OrganizationAccountAccessRole", capab: entitlement.AdminEquivalent, verdict: allow,
			via: []string{"AdministratorAccess", "Allow * (iam:PutRolePolicy on " + acct + "role/OrganizationAccountAccessRole)"}},
		// the trust chain of this export: starting-role is trusted by an
		// SSO session, intermediate trusts starting-role by ARN (enough in
		// one account), ending trusts intermediate
		{principal: ":role/privesc-AssumeRole-starting-role", capab: entitlement.Create, verdict: allow, indirect: true,
			via: []string{"assumes role " + acct + "role/privesc-AssumeRole-intermediate-role (trust statement 0 names " + acct + "role/privesc-AssumeRole-starting-role)",
				"assumes role " + acct + "role/privesc-AssumeRole-ending-role (trust statement 0 names " + acct + "role/privesc-AssumeRole-intermediate-role)",
				"managed policy " + acct + "policy/privesc-AssumeRole-high-priv-policy (v1)", "statement 0: Allow * (ec2:CreateSnapshot)"}},
		// the start user of this export has no policy and no role trusts
		// it: it holds nothing (see TestEvaluate_assumeRole for the
		// scenario as iam-vulnerable builds it)
		{principal: ":user/privesc-AssumeRole-start-user", capab: entitlement.Create, verdict: none},
		// iam:PassRole on * + ec2:RunInstances: the high-privilege role
		// that EC2 may assume
		{principal: ":user/privesc3-CreateEC2WithExistingInstanceProfile-user", capab: entitlement.Create, verdict: allow, indirect: true,
			via: []string{"passes role " + acct + "role/privesc-high-priv-service-role to ec2.amazonaws.com",
				"managed policy " + acct + "policy/privesc-high-priv-service-policy (v1)", "statement 0: Allow * (ec2:CreateSnapshot)"}},
		// a notebook started with a passed role, and a function started by
		// an event source: the role's rights
		{principal: ":user/privesc-sageMakerCreateNotebookPassRole-user", capab: entitlement.Export, verdict: allow, indirect: true,
			via: []string{"passes role " + acct + "role/privesc-high-priv-service-role to sagemaker.amazonaws.com",
				"managed policy " + acct + "policy/privesc-high-priv-service-policy (v1)", "statement 0: Allow * (ec2:ExportImage)"}},
		{principal: ":user/privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user", capab: entitlement.Share, verdict: allow, indirect: true,
			via: []string{"passes role " + acct + "role/privesc-high-priv-service-role to lambda.amazonaws.com",
				"managed policy " + acct + "policy/privesc-high-priv-service-policy (v1)", "statement 0: Allow * (ec2:ModifySnapshotAttribute)"}},
		// iam:SetDefaultPolicyVersion, but its policy has one version only
		{principal: ":user/privesc2-SetExistingDefaultPolicyVersion-user", capab: entitlement.Create, verdict: none},
		// Allow iam:* + Deny iam:*: no snapshot action, escalation denied
		{principal: ":user/fp1-allow-and-deny-user", capab: entitlement.Create, verdict: none},
		{principal: ":user/fp1-allow-and-deny-user", capab: entitlement.AdminEquivalent, verdict: denied,
			via: []string{"fp1-allow-and-deny (v1)", "statement 0: Allow iam:* (iam:PutUserPolicy on", "denied by managed policy " + acct + "policy/fp1-allow-and-deny (v1): statement 1: Deny iam:*"}},
	}
	for _, w := range tests {
		w.check(t, rep)
	}
	// fn4 holds every snapshot capability directly, but no escalation
	// (iam:Attach*, iam:Create* are excluded; iam:Put* is not)
	for _, c := range all {
		g := grantOf(rep, ":user/fn4-exploitableNotAction-user", c)
		if g == nil || g.Verdict != allow {
			t.Errorf("fn4 %s: %+v, want ALLOW", c, g)
		}
	}
	// fp2 is denied everything it is allowed
	for c, v := range capsOf(rep, ":user/fp2-allow-and-deny-multiple-policies-user") {
		if v != denied {
			t.Errorf("fp2 %s = %s, want DENIED", c, v)
		}
	}
	if n := len(capsOf(rep, ":user/fp2-allow-and-deny-multiple-policies-user")); n != len(all) {
		t.Errorf("fp2 has %d grants, want a DENIED one per capability (%d)", n, len(all))
	}
}

// TestEvaluate_deterministic: the same input gives the same report.
func TestEvaluate_deterministic(t *testing.T) {
	a, b := sample(t, "example.json"), sample(t, "example.json")
	if !reflect.DeepEqual(a, b) {
		t.Error("two evaluations of example.json differ")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, name := range []string{"example-authz-details.json", "example.json"} {
		b.Run("sample="+name, func(b *testing.B) {
			f := readFile(b, filepath.Join(testenv.Shared(b, "samples"), "iam", "aws", "cloudsplaining", name))
			b.SetBytes(int64(len(f.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := aws.Evaluate(aws.Input{Authorization: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

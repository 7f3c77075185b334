package aws_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/aws"
)

// TestEvaluate_invalid: bad input is an error naming the file and the
// element of the export that is wrong.
func TestEvaluate_invalid(t *testing.T) {
	tests := []struct {
		file string
		scp  string
		want string
	}{
		{file: "effect.json", want: `testdata/invalid/effect.json: Policies[0] (arn:aws:iam::111122223333:policy/bad): PolicyVersionList[0] (v3): statement 1: Effect "Permit" is neither Allow nor Deny`},
		{file: "both-actions.json", want: "testdata/invalid/both-actions.json: role arn:aws:iam::111122223333:role/r: RolePolicyList[0] (p): statement 0: both Action and NotAction"},
		{file: "trust.json", want: `testdata/invalid/trust.json: RoleDetailList[0] (arn:aws:iam::111122223333:role/r): AssumeRolePolicyDocument: statement 0: Principal: "someone" is neither "*" nor an object`},
		{file: "encoded.json", want: `testdata/invalid/encoded.json: user arn:aws:iam::111122223333:user/u: UserPolicyList[0] (broken): URL-encoded policy document: invalid URL escape "%ZZ"`},
		{file: "condition.json", want: "testdata/invalid/condition.json: group arn:aws:iam::111122223333:group/g: GroupPolicyList[0] (nested): statement 0: condition value is neither a scalar nor a list of scalars"},
		{file: "not-authz.json", want: "testdata/invalid/not-authz.json: no UserDetailList, GroupDetailList, RoleDetailList or Policies: not `aws iam get-account-authorization-details` output"},
		{file: "truncated.json", want: "testdata/invalid/truncated.json: unexpected end of JSON input"},
		{file: "../group.json", scp: "scp-effect.json", want: `testdata/invalid/scp-effect.json: statement 0: Effect "allowed" is neither Allow nor Deny`},
		{file: "../group.json", scp: "truncated.json", want: "testdata/invalid/truncated.json: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"+"+tt.scp, func(t *testing.T) {
			in := aws.Input{Authorization: readFile(t, filepath.Join("testdata", "invalid", tt.file))}
			in.Authorization.Name = filepath.ToSlash(filepath.Clean(in.Authorization.Name))
			if tt.scp != "" {
				f := readFile(t, filepath.Join("testdata", "invalid", tt.scp))
				f.Name = filepath.ToSlash(f.Name)
				in.SCPs = []aws.File{f}
			}
			rep, err := aws.Evaluate(in)
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n  %s\nwant\n  %s", err, tt.want)
			}
		})
	}
}

// TestEvaluate_emptyLists: an export with empty lists is valid and holds
// nothing.
func TestEvaluate_emptyLists(t *testing.T) {
	rep, err := aws.Evaluate(aws.Input{Authorization: aws.File{Name: "empty.json",
		Data: []byte(`{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Principals != 0 || len(rep.Grants) != 0 {
		t.Errorf("got %+v, want nothing", rep)
	}
	if rep.Grants == nil {
		t.Error("Grants is nil; want an empty list (JSON [])")
	}
}

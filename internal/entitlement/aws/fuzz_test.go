package aws_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/aws"
)

// FuzzEvaluate feeds arbitrary exports and SCPs: no panic, and on success
// every grant is well formed.
func FuzzEvaluate(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	bad, _ := filepath.Glob("testdata/invalid/*.json")
	seeds = append(seeds, bad...)
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b, []byte(`{"Statement":{"Effect":"Deny","Action":"ec2:*","Resource":"*"}}`))
		}
	}
	if b, err := os.ReadFile(filepath.Join(os.Getenv("SNAPWARDEN_SHARED"), "samples/iam/aws/cloudsplaining/example_authz_v2.json")); err == nil {
		f.Add(b, []byte(`{}`))
	}
	f.Add([]byte(`{"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::1:user/u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}]}]}`), []byte(`{"Policy":{"Content":"{}"}}`))
	f.Fuzz(func(t *testing.T, authz, scp []byte) {
		in := aws.Input{Authorization: aws.File{Name: "authz.json", Data: authz}}
		if len(scp) > 0 {
			in.SCPs = []aws.File{{Name: "scp.json", Data: scp}}
		}
		rep, err := aws.Evaluate(in)
		if err != nil {
			return
		}
		for _, g := range rep.Grants {
			if g.Verdict == entitlement.NotGranted || len(g.Via) == 0 || g.Principal == "" && g.ID == "" {
				t.Fatalf("malformed grant %+v", g)
			}
		}
	})
}

package aws_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/aws"
)

func TestDump(t *testing.T) {
	name := os.Getenv("F")
	b, _ := os.ReadFile(name)
	rep, err := aws.Evaluate(aws.Input{Authorization: aws.File{Name: name, Data: b}})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("principals", rep.Principals, "grants", len(rep.Grants))
	for _, n := range rep.Notes {
		fmt.Println("NOTE", n)
	}
	for _, g := range rep.Grants {
		if w := os.Getenv("W"); w != "" && !strings.Contains(g.Principal, w) {
			continue
		}
		fmt.Printf("%s %s %s ind=%v scope=%s conds=%v\n   %s\n", g.Principal, g.Capability, g.Verdict, g.Indirect, g.Scope, g.Conditions, strings.Join(g.Via, "\n   "))
	}
}

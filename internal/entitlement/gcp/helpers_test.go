package gcp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/gcp"
)

// loadCase reads a testdata folder into an Input: deny*.json are deny
// policies, roles*.json custom roles, group-*.json group memberships,
// ancestry*.json ancestries, the rest
// allow policies whose resource their name tells.
func loadCase(tb testing.TB, dir string) gcp.Input {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no case files in testdata/%s: %v", dir, err)
	}
	var in gcp.Input
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		f := gcp.File{Name: p, Data: data}
		switch base := filepath.Base(p); {
		case strings.HasPrefix(base, "deny"):
			in.Deny = append(in.Deny, gcp.PolicyFile{File: f})
		case strings.HasPrefix(base, "roles"):
			in.Roles = append(in.Roles, f)
		case strings.HasPrefix(base, "group-"):
			in.Groups = append(in.Groups, gcp.GroupFile{File: f})
		case strings.HasPrefix(base, "ancestry"):
			in.Ancestry = append(in.Ancestry, f)
		default:
			in.Policies = append(in.Policies, gcp.PolicyFile{File: f})
		}
	}
	return in
}

func evaluate(tb testing.TB, in gcp.Input) *entitlement.Report {
	tb.Helper()
	r, err := gcp.Evaluate(in)
	if err != nil {
		tb.Fatalf("Evaluate: %v", err)
	}
	return r
}

// grant finds principal × capability in a report, or nil.
func grant(r *entitlement.Report, principal string, c entitlement.Capability) *entitlement.Grant {
	for i := range r.Grants {
		if r.Grants[i].Principal == principal && r.Grants[i].Capability == c {
			return &r.Grants[i]
		}
	}
	return nil
}

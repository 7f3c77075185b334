package aws_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/aws"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// sample evaluates a file of the shared cloudsplaining samples.
func sample(tb testing.TB, name string) *entitlement.Report {
	tb.Helper()
	dir := testenv.Shared(tb, "samples")
	return evaluateFile(tb, filepath.Join(dir, "iam", "aws", "cloudsplaining", name))
}

// evaluateFile evaluates an export, with SCP files if any.
func evaluateFile(tb testing.TB, path string, scps ...string) *entitlement.Report {
	tb.Helper()
	in := aws.Input{Authorization: readFile(tb, path)}
	for _, s := range scps {
		in.SCPs = append(in.SCPs, readFile(tb, s))
	}
	rep, err := aws.Evaluate(in)
	if err != nil {
		tb.Fatalf("Evaluate(%s): %v", path, err)
	}
	return rep
}

func readFile(tb testing.TB, path string) aws.File {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return aws.File{Name: path, Data: b}
}

// grantOf returns the grant of the principal whose ARN ends with suffix,
// or nil.
func grantOf(rep *entitlement.Report, suffix string, c entitlement.Capability) *entitlement.Grant {
	for i, g := range rep.Grants {
		if strings.HasSuffix(g.Principal, suffix) && g.Capability == c {
			return &rep.Grants[i]
		}
	}
	return nil
}

// capsOf lists the capabilities a principal holds, with their verdicts.
func capsOf(rep *entitlement.Report, suffix string) map[entitlement.Capability]entitlement.Verdict {
	out := make(map[entitlement.Capability]entitlement.Verdict)
	for _, g := range rep.Grants {
		if strings.HasSuffix(g.Principal, suffix) {
			out[g.Capability] = g.Verdict
		}
	}
	return out
}

// want is what a test expects of one grant: the verdict, whether it is
// indirect, and fragments each via element must contain, in order.
type want struct {
	principal string // ARN suffix
	capab     entitlement.Capability
	verdict   entitlement.Verdict // NotGranted: no grant at all
	indirect  bool
	via       []string // one fragment per via element, all elements
	conds     []string // fragments the conditions must contain
	scope     string   // "" means "*"
}

func (w want) check(t *testing.T, rep *entitlement.Report) {
	t.Helper()
	g := grantOf(rep, w.principal, w.capab)
	if w.verdict == entitlement.NotGranted {
		if g != nil {
			t.Errorf("%s %s: got %s via %q, want no grant", w.principal, w.capab, g.Verdict, g.Via)
		}
		return
	}
	if g == nil {
		t.Errorf("%s %s: no grant, want %s", w.principal, w.capab, w.verdict)
		return
	}
	if g.Verdict != w.verdict || g.Indirect != w.indirect {
		t.Errorf("%s %s: got %s indirect=%v, want %s indirect=%v (via %q)", w.principal, w.capab,
			g.Verdict, g.Indirect, w.verdict, w.indirect, g.Via)
	}
	if w.via != nil {
		ok := len(g.Via) == len(w.via)
		for i := 0; ok && i < len(w.via); i++ {
			ok = strings.Contains(g.Via[i], w.via[i])
		}
		if !ok {
			t.Errorf("%s %s: via\n  %s\nwant elements containing\n  %s", w.principal, w.capab,
				strings.Join(g.Via, "\n  "), strings.Join(w.via, "\n  "))
		}
	}
	for _, c := range w.conds {
		if !slices.ContainsFunc(g.Conditions, func(s string) bool { return strings.Contains(s, c) }) {
			t.Errorf("%s %s: conditions %q lack %q", w.principal, w.capab, g.Conditions, c)
		}
	}
	if len(w.conds) == 0 && len(g.Conditions) > 0 {
		t.Errorf("%s %s: unexpected conditions %q", w.principal, w.capab, g.Conditions)
	}
	scope := w.scope
	if scope == "" {
		scope = "*"
	}
	if g.Scope != scope {
		t.Errorf("%s %s: scope %q, want %q", w.principal, w.capab, g.Scope, scope)
	}
	if g.ID != entitlement.GrantID("aws", g.Principal, g.Capability) || g.Cloud != "aws" || !g.Standing {
		t.Errorf("%s %s: id/cloud/standing wrong: %+v", w.principal, w.capab, g)
	}
}

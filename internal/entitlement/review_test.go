package entitlement_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
)

func grant(principal string, c entitlement.Capability, v entitlement.Verdict, standing bool) entitlement.Grant {
	return entitlement.Grant{ID: entitlement.GrantID(event.AWS, principal, c), Cloud: event.AWS, Principal: principal,
		PrincipalType: "user", Capability: c, Verdict: v, Standing: standing, Via: []string{"policy P", "statement 0"}, Scope: "*"}
}

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const expectedYAML = `admin_equivalent_max: 1
expected:
  - principal: "arn:aws:iam::111122223333:role/backup-*"
    capability: create
    owner: platform
    justification: nightly backups
  - principal: "arn:aws:iam::111122223333:user/dana"
    capability: "*"
    owner: security
    justification: break-glass
    expires: 2026-10-31
  - principal: "arn:aws:iam::111122223333:user/root-admin"
    owner: security
    justification: account owner
`

// TestReview: unexpected holders, expired approvals, too many admins and
// standing privileged grants become findings; approved ones do not.
func TestReview(t *testing.T) {
	exp, err := entitlement.ParseExpected("expected.yaml", []byte(expectedYAML))
	if err != nil {
		t.Fatal(err)
	}
	r := &entitlement.Report{Grants: []entitlement.Grant{
		grant("arn:aws:iam::111122223333:role/backup-automation", entitlement.Create, entitlement.Allow, true),    // approved
		grant("arn:aws:iam::111122223333:role/backup-automation", entitlement.Share, entitlement.Allow, true),     // unexpected: high
		grant("arn:aws:iam::111122223333:user/dana", entitlement.Export, entitlement.Allow, true),                 // approval expired
		grant("arn:aws:iam::111122223333:user/root-admin", entitlement.AdminEquivalent, entitlement.Allow, true),  // approved, but standing
		grant("arn:aws:iam::111122223333:user/mallory", entitlement.AdminEquivalent, entitlement.Eligible, false), // unexpected, eligible
		grant("arn:aws:iam::111122223333:user/eve", entitlement.Copy, entitlement.Denied, true),                   // capped: nothing
	}}
	got := map[string][]string{}
	for _, f := range entitlement.Review(r, exp, now) {
		got[f.Rule.ID] = append(got[f.Rule.ID], f.Severity.String()+" "+strings.Join(f.Actors, ","))
		if f.Summary["en"] == "" || f.Summary["ru"] == "" || f.ID == "" {
			t.Errorf("malformed finding %+v", f)
		}
	}
	want := map[string][]string{
		"entitlement-unexpected-holder":   {"high arn:aws:iam::111122223333:role/backup-automation", "medium arn:aws:iam::111122223333:user/mallory"},
		"entitlement-approval-expired":    {"medium arn:aws:iam::111122223333:user/dana"},
		"entitlement-standing-privileged": {"medium arn:aws:iam::111122223333:user/root-admin"},
		"entitlement-too-many-admins":     {"medium arn:aws:iam::111122223333:user/mallory,arn:aws:iam::111122223333:user/root-admin"},
	}
	for rule, w := range want {
		if strings.Join(got[rule], "|") != strings.Join(w, "|") {
			t.Errorf("%s: %v, want %v", rule, got[rule], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v", got)
	}
}

func TestParseExpected_Errors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"expected:\n  - {principal: a, capability: steal}\n", "expected.yaml:2: expected[0]: unknown capability \"steal\""},
		{"expected:\n  - {capability: create}\n", "expected.yaml:2: expected[0]: principal is required"},
		{"expectd: []\n", "field expectd not found"},
	} {
		_, err := entitlement.ParseExpected("expected.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

// TestOutputsAndCompare: JSON round-trips into a baseline; the comparison
// tells added, removed and changed grants; CSV has a row per grant.
func TestOutputsAndCompare(t *testing.T) {
	base := []entitlement.Grant{
		grant("alice", entitlement.Create, entitlement.Allow, true),
		grant("bob", entitlement.Share, entitlement.Allow, true),
	}
	var b bytes.Buffer
	if err := entitlement.WriteJSON(&b, base); err != nil {
		t.Fatal(err)
	}
	back, err := entitlement.ReadJSON("base.json", b.Bytes())
	if err != nil || len(back) != 2 {
		t.Fatalf("round trip: %v %v", back, err)
	}
	cur := []entitlement.Grant{
		grant("alice", entitlement.Create, entitlement.Conditional, true),
		grant("carol", entitlement.Export, entitlement.Allow, true),
	}
	var kinds []string
	for _, c := range entitlement.Compare(back, cur) {
		g := c.New
		if g == nil {
			g = c.Old
		}
		kinds = append(kinds, c.Kind+" "+g.Principal)
	}
	if got := strings.Join(kinds, ", "); got != "changed alice, added carol, removed bob" {
		t.Errorf("compare: %s", got)
	}
	b.Reset()
	if err := entitlement.WriteCSV(&b, cur); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][2] != "alice" || rows[1][5] != "CONDITIONAL" {
		t.Errorf("csv: %v %v", rows, err)
	}
	b.Reset()
	if err := entitlement.WriteTable(&b, cur, map[string]bool{cur[1].ID: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if !strings.HasPrefix(lines[1], "!") || !strings.Contains(lines[1], "carol") || !strings.Contains(b.String(), "create?") {
		t.Errorf("table:\n%s", b.String())
	}
}

package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

const (
	arnBackup  = "arn:aws:iam::111122223333:role/backup"
	arnDana    = "arn:aws:iam::111122223333:user/dana"
	arnZed     = "arn:aws:iam::111122223333:user/zed"
	arnEve     = "arn:aws:iam::111122223333:user/eve"
	arnHostile = "arn:aws:iam::111122223333:user/" + hostileText
	arnFormer  = "arn:aws:iam::111122223333:user/former" // unexpected in the older run, approved since
)

func grantOf(principal string, c entitlement.Capability, v entitlement.Verdict, via ...string) entitlement.Grant {
	return entitlement.Grant{ID: entitlement.GrantID(event.AWS, principal, c), Cloud: event.AWS, Principal: principal,
		PrincipalType: "user", Capability: c, Verdict: v, Via: via, Standing: true}
}

// storeRun stores a run's report and the review findings it makes
// against expected, as snapwarden entitlements --db does.
func storeRun(t *testing.T, fx *fixture, at time.Time, rep *entitlement.Report, expected string) []finding.Finding {
	t.Helper()
	exp, err := entitlement.ParseExpected("expected.yaml", []byte(expected))
	if err != nil {
		t.Fatal(err)
	}
	fs := entitlement.Review(rep, exp, at)
	body, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.store.PutEntitlementRun(t.Context(), at, body); err != nil {
		t.Fatal(err)
	}
	fx.put(fs...)
	return fs
}

var dataPrincipal = regexp.MustCompile(`<tr data-principal="([^"]+)"`)

func TestEntitlements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		at := fx.now.Add(-time.Hour)
		older := &entitlement.Report{Principals: 1, Grants: []entitlement.Grant{grantOf(arnFormer, entitlement.Share, entitlement.Allow)}}
		if fs := storeRun(t, fx, at.AddDate(0, 0, -1), older, "expected: []\n"); len(fs) != 1 {
			t.Fatalf("the older run made %d findings, want 1", len(fs))
		}
		hostileCond := grantOf(arnHostile, entitlement.Copy, entitlement.Conditional, "group "+hostileText, "policy copy-all")
		hostileCond.Conditions = []string{"aws:SourceIp " + hostileText}
		rep := &entitlement.Report{Principals: 9, Notes: []string{"SCPs not given: " + hostileText}, Grants: []entitlement.Grant{
			grantOf(arnBackup, entitlement.Create, entitlement.Allow, "role backup", "policy AWSBackupFullAccess"),
			grantOf(arnDana, entitlement.Export, entitlement.Allow, "policy export"),
			grantOf(arnZed, entitlement.Share, entitlement.Allow, "group ops", "policy ec2-all"),
			grantOf(arnZed, entitlement.Create, entitlement.Allow, "group ops", "policy ec2-all"),
			grantOf(arnEve, entitlement.Copy, entitlement.Denied, "policy copy", "SCP deny-copy"),
			grantOf(arnFormer, entitlement.Share, entitlement.Allow, "policy share"),
			hostileCond,
		}}
		fs := storeRun(t, fx, at, rep, `expected:
  - principal: "`+arnBackup+`"
    capability: create
    owner: platform
  - principal: "`+arnDana+`"
    capability: export
    owner: finance
    expires: 2020-01-31
  - principal: "`+arnFormer+`"
    owner: security
  - principal: "arn:aws:iam::111122223333:user/<script>*"
    owner: red team
  - principal: "`+arnEve+`"
    owner: security
`)
		zedShare := ""
		for _, f := range fs {
			if f.Rule.ID == "entitlement-unexpected-holder" && slices.Contains(f.Actors, arnZed) {
				zedShare = f.ID
			}
		}
		if zedShare == "" {
			t.Fatalf("no unexpected-holder finding for zed among %d", len(fs))
		}
		c := fx.client()
		c.login()
		r := c.get("/entitlements")
		if r.status != http.StatusOK {
			t.Fatalf("GET /entitlements: %d %s", r.status, r.body)
		}
		var got []string
		for _, m := range dataPrincipal.FindAllStringSubmatch(r.body, -1) {
			got = append(got, m[1])
		}
		// zed holds capabilities no approval covers; dana's approval
		// expired; then by principal. former's finding is the older run's.
		// After the marked ones, by principal ("<" sorts before letters).
		want := []string{arnZed, arnDana, arnBackup, "arn:aws:iam::111122223333:user/&lt;script&gt;", arnEve, arnFormer}
		if len(got) != len(want) {
			t.Fatalf("holders %q, want %q", got, want)
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("holder %d is %q, want %q", i, got[i], want[i])
			}
		}
		holder := func(p string) string {
			i := strings.Index(r.body, `data-principal="`+p+`"`)
			s := r.body[i:]
			return s[:strings.Index(s, "</tr>")]
		}
		zed := holder(arnZed)
		if !strings.Contains(zed, "unexpected") || !strings.Contains(zed, `href="/findings/`+zedShare+`"`) {
			t.Errorf("zed is not marked unexpected with a link to its finding: %s", zed)
		}
		if strings.Index(zed, `data-capability="create"`) > strings.Index(zed, `data-capability="share"`) {
			t.Errorf("zed's capabilities are not in catalog order")
		}
		if d := holder(arnDana); !strings.Contains(d, "approval expired") || strings.Contains(d, ">unexpected<") {
			t.Errorf("dana: %s", d)
		}
		if f := holder(arnFormer); strings.Contains(f, "badge") || strings.Contains(f, "/findings/") {
			t.Errorf("former is marked by the older run's finding: %s", f)
		}
		if e := holder(arnEve); !strings.Contains(e, `data-verdict="DENIED"`) || !strings.Contains(e, "SCP deny-copy") {
			t.Errorf("eve's denied grant and its path are not shown: %s", e)
		}
		if !strings.Contains(r.body, "9 principals evaluated") || !strings.Contains(r.body, ", 1 of them unexpected") {
			t.Errorf("the run's line: %s", pageSection(t, r.body, "run"))
		}
		checkEscaped(t, r.body)
		if n := strings.Count(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 5 {
			t.Errorf("the hostile text shows %d times as text, want it in the principal, its path, condition and the note", n)
		}
	})
}

func TestEntitlementsEmpty(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		fx := newFixture(t, b)
		c := fx.client()
		c.login()
		for _, lang := range []string{"en", "ru"} {
			r := c.get("/entitlements", "Accept-Language", lang)
			if r.status != http.StatusOK {
				t.Fatalf("GET /entitlements: %d", r.status)
			}
			if !strings.Contains(r.body, `id="no-run"`) || !strings.Contains(r.body, "snapwarden entitlements") || !strings.Contains(r.body, "--db") {
				t.Errorf("%s: the empty page does not say how to store a run: %s", lang, r.body)
			}
		}
		// A run with no grants at all.
		storeRun(t, fx, fx.now, &entitlement.Report{Principals: 3}, "expected: []\n")
		if r := c.get("/entitlements"); !strings.Contains(r.body, `id="no-grants"`) {
			t.Errorf("a run without grants: %s", r.body)
		}
	})
}

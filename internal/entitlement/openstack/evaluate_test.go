package openstack_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/openstack"
	"github.com/snapwarden/snapwarden/internal/event"
)

func file(tb testing.TB, path string) openstack.File {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		tb.Fatal(err)
	}
	return openstack.File{Name: path, Data: b}
}

// policies reads every file of testdata/policies/<dir>.
func policies(tb testing.TB, dir string) []openstack.File {
	tb.Helper()
	if dir == "" {
		return nil
	}
	names, err := filepath.Glob(filepath.Join("testdata", "policies", dir, "*"))
	if err != nil || len(names) == 0 {
		tb.Fatalf("no policy files in %s: %v", dir, err)
	}
	var out []openstack.File
	for _, n := range names {
		rel, _ := filepath.Rel("testdata", n)
		out = append(out, file(tb, rel))
	}
	return out
}

func evaluate(tb testing.TB, in openstack.Input) *entitlement.Report {
	tb.Helper()
	r, err := openstack.Evaluate(in)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func find(r *entitlement.Report, principal string, c entitlement.Capability) *entitlement.Grant {
	for i := range r.Grants {
		if r.Grants[i].Principal == principal && r.Grants[i].Capability == c {
			return &r.Grants[i]
		}
	}
	return nil
}

// want is the expected grant of one principal and capability; a zero
// verdict means no grant at all.
type want struct {
	principal  string
	capability entitlement.Capability
	verdict    entitlement.Verdict
	scope      string
	via        []string // each must be one of the grant's via entries, in this order
	conditions []string
	indirect   bool
}

func check(t *testing.T, r *entitlement.Report, w want) {
	t.Helper()
	g := find(r, w.principal, w.capability)
	if w.verdict == "" {
		if g != nil {
			t.Errorf("%s %s: got %s via %q, want no grant", w.principal, w.capability, g.Verdict, g.Via)
		}
		return
	}
	if g == nil {
		t.Fatalf("%s %s: no grant, want %s", w.principal, w.capability, w.verdict)
	}
	if g.Verdict != w.verdict {
		t.Errorf("%s %s: verdict %s, want %s (via %q)", w.principal, w.capability, g.Verdict, w.verdict, g.Via)
	}
	if w.scope != "" && g.Scope != w.scope {
		t.Errorf("%s %s: scope %q, want %q", w.principal, w.capability, g.Scope, w.scope)
	}
	at := 0
	for _, v := range w.via {
		i := slices.Index(g.Via[at:], v)
		if i < 0 {
			t.Errorf("%s %s: via %q lacks %q (in order)", w.principal, w.capability, g.Via, v)
			break
		}
		at += i + 1
	}
	if w.conditions != nil && !slices.Equal(g.Conditions, w.conditions) {
		t.Errorf("%s %s: conditions %q, want %q", w.principal, w.capability, g.Conditions, w.conditions)
	}
	if g.Indirect != w.indirect {
		t.Errorf("%s %s: indirect %v, want %v", w.principal, w.capability, g.Indirect, w.indirect)
	}
	if g.ID != entitlement.GrantID(g.Cloud, g.Principal, g.Capability) || !g.Standing {
		t.Errorf("%s %s: id %q standing %v", w.principal, w.capability, g.ID, g.Standing)
	}
}

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name     string
		policies string // folder under testdata/policies
		implied  string
		legacy   bool
		want     []want
	}{{
		name: "defaults: a project member snapshots its own project",
		want: []want{
			{principal: "alice@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"role member on project demo@Default", "cinder volume:create_snapshot [default]: role:member and project_id:%(project_id)s", "gives: volume snapshot (POST /snapshots)"}},
			{principal: "alice@Default", capability: entitlement.Copy, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"cinder volume:create [default]: role:member and project_id:%(project_id)s",
					"cinder volume:get_snapshot [default]: role:reader (member ⇒ reader) and project_id:%(project_id)s"}},
			{principal: "alice@Default", capability: entitlement.Share, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"glance add_member [default]: role:member and project_id:%(project_id)s"}},
			{principal: "alice@Default", capability: entitlement.AdminEquivalent},
		},
	}, {
		name: "defaults: a reader creates only database backups (trove's admin_or_owner takes any role)",
		want: []want{
			{principal: "bob@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"any role on project demo@Default (holds reader)", "trove backup:create [default]: project_id:%(tenant)s", "gives: database backup"}},
			{principal: "bob@Default", capability: entitlement.Share},
			{principal: "bob@Default", capability: entitlement.Copy},
			{principal: "bob@Default", capability: entitlement.Export},
		},
	}, {
		name: "defaults: admin on one project is admin everywhere and can grant roles",
		want: []want{
			{principal: "carol@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "*",
				via: []string{"role admin on project ops@Default", "cinder volume:create_snapshot [default]: role:admin"}},
			{principal: "carol@Default", capability: entitlement.Export, verdict: entitlement.Allow, scope: "*",
				via: []string{"role admin on project ops@Default", "cinder backup:export-import [default]: is_admin:True (context_is_admin: role:admin)"}},
			{principal: "carol@Default", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, scope: "*",
				via: []string{"role admin on project ops@Default", "keystone identity:create_grant [default]: role:admin", "gives: role assignment (can grant itself any role)"}},
			{principal: "dave@Default", capability: entitlement.Share, verdict: entitlement.Allow, scope: "*",
				via: []string{"role admin on system all", "glance add_member [default]: role:admin"}},
		},
	}, {
		name: "defaults: the service role makes assisted volume snapshots anywhere",
		want: []want{
			{principal: "nova@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "*",
				via: []string{"role service on project service@Default", "nova os_compute_api:os-assisted-volume-snapshots:create [default]: role:service"}},
		},
	}, {
		name: "defaults: a domain reader holds nothing",
		want: []want{
			{principal: "kate@Default", capability: entitlement.Create},
			{principal: "kate@Default", capability: entitlement.Export},
		},
	}, {
		name:     "not: a member who is also an auditor is refused image data",
		policies: "not",
		want: []want{
			{principal: "gina@Default", capability: entitlement.ReadData, verdict: entitlement.Denied, scope: "project demo@Default",
				via: []string{"role member on project demo@Default", "glance download_image [policies/not/glance.yaml:2]: role:member and project_id:%(project_id)s and not role:auditor",
					"refused by: not role:auditor", "gives: image data (GET /v2/images/{id}/file)"}},
			{principal: "alice@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"role member on project demo@Default", "glance download_image [policies/not/glance.yaml:2]: role:member and project_id:%(project_id)s and not role:auditor"}},
			{principal: "hank@Default", capability: entitlement.ReadData},
		},
	}, {
		name:     "or: either branch passes; a role check without a project check is cloud-wide",
		policies: "or",
		want: []want{
			{principal: "hank@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*",
				via: []string{"role auditor on project demo@Default", "glance download_image [policies/or/glance.yaml:2]: role:auditor"}},
			{principal: "carol@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*",
				via: []string{"role admin on project ops@Default", "glance download_image [policies/or/glance.yaml:2]: role:admin"}},
			{principal: "alice@Default", capability: entitlement.ReadData},
		},
	}, {
		name:     "implied roles: role:reader is satisfied by admin (bootstrap implications)",
		policies: "implied",
		want: []want{
			{principal: "carol@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "project ops@Default",
				via: []string{"role admin on project ops@Default", "glance download_image [policies/implied/glance.yaml:1]: role:reader (admin ⇒ member ⇒ reader) and project_id:%(project_id)s"}},
		},
	}, {
		name:    "implied roles from the CLI export: operator ⇒ member",
		implied: "implied_cli.json",
		want: []want{
			{principal: "ivan@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"role operator on project demo@Default", "cinder volume:create_snapshot [default]: role:member (operator ⇒ member) and project_id:%(project_id)s"}},
		},
	}, {
		name:    "implied roles from the API export: operator ⇒ member ⇒ reader",
		implied: "implied_api.json",
		want: []want{
			{principal: "ivan@Default", capability: entitlement.Copy, verdict: entitlement.Allow,
				via: []string{"cinder volume:get_snapshot [default]: role:reader (operator ⇒ member ⇒ reader) and project_id:%(project_id)s"}},
		},
	}, {
		name: "without an implied role export an unknown role implies nothing",
		want: []want{
			{principal: "ivan@Default", capability: entitlement.Copy},
			{principal: "ivan@Default", capability: entitlement.Create, verdict: entitlement.Allow,
				via: []string{"any role on project demo@Default (holds operator)", "trove backup:create [default]: project_id:%(tenant)s"}},
		},
	}, {
		name:     "a target attribute the input cannot know makes the grant conditional",
		policies: "conditional",
		want: []want{
			{principal: "bob@Default", capability: entitlement.ReadData, verdict: entitlement.Conditional, scope: "project demo@Default",
				via:        []string{"role reader on project demo@Default", `glance download_image [policies/conditional/glance.json:2]: role:reader and "public":%(visibility)s`},
				conditions: []string{`"public":%(visibility)s`}},
		},
	}, {
		name:     "a rule the policy file leaves out keeps its default",
		policies: "partial",
		want: []want{
			{principal: "alice@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"role member on project demo@Default", "cinder group:create_group_snapshot [default]: role:member and project_id:%(project_id)s"}},
		},
	}, {
		name:   "enforce_new_defaults=False ORs the deprecated check strings",
		legacy: true,
		want: []want{
			{principal: "bob@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "*",
				via: []string{"any role on project demo@Default (holds reader)", `cinder backup:create [default, enforce_new_defaults=False]: always ("" or @)`}},
			{principal: "bob@Default", capability: entitlement.Share, verdict: entitlement.Allow,
				via: []string{`glance add_member [default, enforce_new_defaults=False]: always ("" or @)`}},
		},
	}, {
		name:     "a principal that can grant roles holds the rest indirectly",
		policies: "grantor",
		want: []want{
			{principal: "judy@Default", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, scope: "*",
				via: []string{"role grantor on project iam@Default", "keystone identity:create_grant [policies/grantor/keystone.yaml:1]: role:grantor"}},
			{principal: "judy@Default", capability: entitlement.Share, verdict: entitlement.Allow, scope: "*", indirect: true,
				via: []string{"keystone identity:create_grant [policies/grantor/keystone.yaml:1]: role:grantor", "grants itself role member",
					"glance add_member [default]: role:member and project_id:%(project_id)s"}},
			{principal: "bob@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project demo@Default",
				via: []string{"trove backup:create [default]: project_id:%(tenant)s"}},
			// Its own role gives database backups directly: the direct
			// grant wins.
			{principal: "judy@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project iam@Default",
				via: []string{"any role on project iam@Default (holds grantor)", "trove backup:create [default]: project_id:%(tenant)s"}},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := openstack.Input{Assignments: file(t, "assignments.json"), Policies: policies(t, tc.policies), LegacyDefaults: tc.legacy}
			if tc.implied != "" {
				in.Implied = file(t, tc.implied)
			}
			r := evaluate(t, in)
			if r.Principals != 10 {
				t.Errorf("principals %d, want 10", r.Principals)
			}
			for _, w := range tc.want {
				check(t, r, w)
			}
		})
	}
}

func TestEvaluate_legacyNarrowerWithNewDefaults(t *testing.T) {
	// Under the new defaults the reader creates nothing in cinder; the
	// legacy run must be a superset.
	newer := evaluate(t, openstack.Input{Assignments: file(t, "assignments.json")})
	legacy := evaluate(t, openstack.Input{Assignments: file(t, "assignments.json"), LegacyDefaults: true})
	if g := find(newer, "bob@Default", entitlement.Create); g == nil || !strings.HasPrefix(g.Via[1], "trove ") {
		t.Errorf("new defaults: bob create = %+v, want only trove", g)
	}
	for _, g := range newer.Grants {
		if l := find(legacy, g.Principal, g.Capability); l == nil {
			t.Errorf("legacy lost %s %s", g.Principal, g.Capability)
		}
	}
	if !slices.ContainsFunc(legacy.Notes, func(n string) bool { return strings.Contains(n, "enforce_new_defaults=False") }) {
		t.Errorf("legacy notes %q do not say enforce_new_defaults=False", legacy.Notes)
	}
}

func TestEvaluate_apiForm(t *testing.T) {
	r := evaluate(t, openstack.Input{Assignments: file(t, "assignments_api.json"), Implied: file(t, "implied_api.json")})
	if r.Principals != 3 {
		t.Errorf("principals %d, want 3", r.Principals)
	}
	check(t, r, want{principal: "lena@Default", capability: entitlement.Create, verdict: entitlement.Allow, scope: "project web@Default",
		via: []string{"role member on project web@Default through group g1"}})
	check(t, r, want{principal: "mike@Lab", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, scope: "*",
		via: []string{"role admin on every project of domain Lab"}})
	// Role r3 has no name, and the implied role list does not name it.
	check(t, r, want{principal: "u3", capability: entitlement.Create})
}

func TestEvaluate_rolesByID(t *testing.T) {
	asg := []byte(`[{"Role": "a1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "User": "u1", "Project": "p1"}]`)
	r := evaluate(t, openstack.Input{Assignments: openstack.File{Name: "ids.json", Data: asg}})
	if len(r.Grants) != 2 {
		t.Errorf("grants %+v, want trove's any-role backup and restore", r.Grants)
	}
	for _, g := range r.Grants {
		if !strings.HasPrefix(g.Via[1], "trove ") {
			t.Errorf("%s via %q, want only trove's any-role rules", g.Capability, g.Via)
		}
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "--names") }) {
		t.Errorf("notes %q do not ask for --names", r.Notes)
	}
	// The implied role list names the id.
	imp := []byte(`[{"Prior Role ID": "a1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Prior Role Name": "admin", "Implied Role ID": "m", "Implied Role Name": "member"}]`)
	r = evaluate(t, openstack.Input{Assignments: openstack.File{Name: "ids.json", Data: asg}, Implied: openstack.File{Name: "implied.json", Data: imp}})
	check(t, r, want{principal: "u1", capability: entitlement.AdminEquivalent, verdict: entitlement.Allow, via: []string{"role admin on project p1"}})
}

func TestEvaluate_errors(t *testing.T) {
	good := file(t, "assignments.json")
	cases := []struct {
		name string
		in   openstack.Input
		want string
	}{
		{"empty assignments", openstack.Input{Assignments: openstack.File{Name: "a.json"}}, "a.json: empty"},
		{"not JSON", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte("{")}}, "a.json: not a role assignment list"},
		{"no role_assignments", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte(`{"roles": []}`)}}, "a.json: no role_assignments"},
		{"row without role", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte(`[{"User": "u", "Project": "p"}]`)}}, "a.json: element 0: no Role"},
		{"row without scope", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte(`[{"Role": "r", "User": "u"}]`)}}, "a.json: element 0: no Project, Domain or System"},
		{"bad Inherited", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte(`[{"Role": "r", "User": "u", "Domain": "d", "Inherited": "maybe"}]`)}}, `a.json: element 0: Inherited: want true or false, got "maybe"`},
		{"API row without principal", openstack.Input{Assignments: openstack.File{Name: "a.json", Data: []byte(`{"role_assignments": [{"role": {"id": "r"}, "scope": {"project": {"id": "p"}}}]}`)}}, "a.json: role_assignments[0]: neither user nor group"},
		{"bad implied", openstack.Input{Assignments: good, Implied: openstack.File{Name: "i.json", Data: []byte(`[{"Prior Role Name": "admin"}]`)}}, "i.json: element 0: want Prior Role and Implied Role"},
		{"implied without implies", openstack.Input{Assignments: good, Implied: openstack.File{Name: "i.json", Data: []byte(`{"role_inferences": [{"prior_role": {"id": "x"}}]}`)}}, "i.json: role_inferences[0]: no implies"},
		{"policy file of no known service", openstack.Input{Assignments: good, Policies: policies(t, "unknown-service")}, "policies/unknown-service/policy.yaml: cannot tell the service"},
		{"unbalanced parenthesis", openstack.Input{Assignments: good, Policies: policies(t, "bad-check")}, `policies/bad-check/cinder.yaml:2: rule "volume:create_snapshot": missing ")"`},
		{"rules in a loop", openstack.Input{Assignments: good, Policies: policies(t, "loop")}, "nova: rules refer to each other in a loop: a → b → a (policies/loop/nova.yaml:1)"},
		{"policy not a mapping", openstack.Input{Assignments: good, Policies: []openstack.File{{Name: "nova.yaml", Data: []byte("- a\n- b\n")}}}, "nova.yaml:1: want a mapping"},
		{"null check", openstack.Input{Assignments: good, Policies: []openstack.File{{Name: "nova.yaml", Data: []byte("\"a\":\n")}}}, `nova.yaml:1: rule "a": no check string`},
		{"unknown cloud", openstack.Input{Assignments: good, Cloud: event.AWS}, `cloud "aws"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openstack.Evaluate(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestEvaluate_sharedRuleChainsAreLinear(t *testing.T) {
	// 40 rules each naming the next twice: 2^40 evaluations without
	// memoisation.
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "\"r%d\": \"rule:r%d and rule:r%d\"\n", i, i+1, i+1)
	}
	b.WriteString("\"r40\": \"role:member\"\n\"download_image\": \"rule:r0\"\n")
	done := make(chan *entitlement.Report, 1)
	go func() {
		r, _ := openstack.Evaluate(openstack.Input{Assignments: file(t, "assignments.json"),
			Policies: []openstack.File{{Name: "glance.yaml", Data: []byte(b.String())}}})
		done <- r
	}()
	select {
	case r := <-done:
		check(t, r, want{principal: "alice@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*",
			via: []string{"role member on project demo@Default", "glance download_image [glance.yaml:42]: role:member"}})
	case <-time.After(30 * time.Second):
		t.Fatal("evaluation of shared rule chains did not finish in 30s")
	}
}

func TestEvaluate_loosenedOverrides(t *testing.T) {
	r := evaluate(t, openstack.Input{Assignments: file(t, "assignments.json"), Policies: policies(t, "loosened")})
	var got []string
	for _, n := range r.Notes {
		if strings.Contains(n, "broader than its default") {
			got = append(got, n)
		}
	}
	expected := []string{
		`glance communitize_image (policies/loosened/glance.yaml:3) is broader than its default "role:admin or (role:member and project_id:%(project_id)s)": it passes for (any role) in its project, (any role) in every project, reader in its project, reader in every project, member in every project, service in its project, service in every project`,
		`glance publicize_image (policies/loosened/glance.yaml:2) is broader than its default "role:admin": it passes for member in its project, member in every project`,
	}
	if !slices.Equal(got, expected) {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(expected, "\n"))
	}
	check(t, r, want{principal: "alice@Default", capability: entitlement.Share, verdict: entitlement.Allow, scope: "*",
		via: []string{"any role on project demo@Default (holds member)", "glance communitize_image [policies/loosened/glance.yaml:3]: always (\"\" or @)"}})
}

func TestEvaluate_literalIDs(t *testing.T) {
	// A check on a literal id depends on the principal's own project:
	// members and readers of demo pass for every image, others never.
	r := evaluate(t, openstack.Input{Assignments: file(t, "assignments.json"), Policies: policies(t, "literal-project")})
	for _, w := range []want{
		{principal: "bob@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*",
			via: []string{"any role on project demo@Default (holds reader)", "glance download_image [policies/literal-project/glance.yaml:2]: project_id:demo@Default"}},
		{principal: "alice@Default", capability: entitlement.ReadData, verdict: entitlement.Allow, scope: "*"},
		{principal: "carol@Default", capability: entitlement.ReadData},
	} {
		check(t, r, w)
	}
}

func TestEvaluate_sharedEvaluationChangesNothing(t *testing.T) {
	// A rule no capability uses that compares a user id turns sharing
	// between principals off; the grants must not change.
	asg := syntheticAssignments(t, 300)
	shared := evaluate(t, openstack.Input{Assignments: asg, Policies: policies(t, "not"), Implied: file(t, "implied_cli.json")})
	pol := append(policies(t, "not"), openstack.File{Name: "nova.yaml", Data: []byte(`"unused": "user_id:nobody"`)})
	alone := evaluate(t, openstack.Input{Assignments: asg, Policies: pol, Implied: file(t, "implied_cli.json")})
	if len(shared.Grants) == 0 || !reflect.DeepEqual(shared.Grants, alone.Grants) {
		t.Fatalf("grants differ: %d shared, %d alone", len(shared.Grants), len(alone.Grants))
	}
}

func TestEvaluate_domainManagerIsConditionalAdmin(t *testing.T) {
	asg := openstack.File{Name: "d.json", Data: []byte(`[{"Role": "manager", "User": "olga@Default", "Domain": "Default"}]`)}
	r := evaluate(t, openstack.Input{Assignments: asg})
	cond := []string{"domain_id:%(target.domain.id)s"}
	check(t, r, want{principal: "olga@Default", capability: entitlement.AdminEquivalent, verdict: entitlement.Conditional, scope: "*", conditions: cond,
		via: []string{"role manager on domain Default", "keystone identity:create_grant [default]: rule:admin_required or (role:manager and domain_id:%(target.domain.id)s)"}})
	// What it could grant itself in the domain's projects is held
	// indirectly, on the same condition.
	check(t, r, want{principal: "olga@Default", capability: entitlement.Create, verdict: entitlement.Conditional, indirect: true, conditions: cond,
		via: []string{"role manager on domain Default"}})
	if g := find(r, "olga@Default", entitlement.Create); g != nil && !slices.ContainsFunc(g.Via, func(v string) bool { return strings.HasPrefix(v, "grants itself role ") }) {
		t.Errorf("via %q does not say which role it grants itself", g.Via)
	}
}

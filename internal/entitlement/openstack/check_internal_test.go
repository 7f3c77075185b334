package openstack

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCheck(t *testing.T) {
	cases := []struct {
		in, want string // want: the parsed tree printed back, with grouping made explicit
	}{
		{"", "@"},
		{"@", "@"},
		{"!", "!"},
		{"role:admin", "role:admin"},
		{"role:a or role:b and role:c", "role:a or (role:b and role:c)"},
		{"role:a and role:b or role:c", "(role:a and role:b) or role:c"},
		{"(role:a or role:b) and role:c", "(role:a or role:b) and role:c"},
		{"not role:a and role:b", "not role:a and role:b"},
		{"not (role:a and role:b)", "not (role:a and role:b)"},
		{"not not role:a", "not not role:a"},
		{"((role:a))", "role:a"},
		{"role:a AND role:b Or NOT role:c", "(role:a and role:b) or not role:c"},
		{"rule:admin_api or project_id:%(project_id)s", "rule:admin_api or project_id:%(project_id)s"},
		{`"public":%(visibility)s`, `"public":%(visibility)s`},
		{"http://example.com/check", "http://example.com/check"},
		{"(role:admin) or (role:member and project_id:%(project_id)s)", "role:admin or (role:member and project_id:%(project_id)s)"},
	}
	for _, tc := range cases {
		n, err := parseCheck(tc.in)
		if err != nil {
			t.Errorf("parseCheck(%q): %v", tc.in, err)
			continue
		}
		if got := n.String(); got != tc.want {
			t.Errorf("parseCheck(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// What String prints parses to the same tree.
		again, err := parseCheck(n.String())
		if err != nil || again.String() != n.String() {
			t.Errorf("reparse of %q: %v, %v", n.String(), again, err)
		}
	}
}

func TestParseCheck_errors(t *testing.T) {
	cases := []struct{ in, want string }{
		{" ", "is blank"},
		{"(role:a", `missing ")"`},
		{"role:a)", `unexpected ")"`},
		{"role:a and", "ends where a check is expected"},
		{"or role:a", `unexpected "or"`},
		{"admin", "not of the form kind:match"},
		{":x", "has no kind"},
		{"role:a role:b", `unexpected "role:b"`},
		{strings.Repeat("(", 100) + "role:a" + strings.Repeat(")", 100), "nested deeper than"},
		{strings.Repeat("not ", 100) + "role:a", "nested deeper than"},
	}
	for _, tc := range cases {
		_, err := parseCheck(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseCheck(%q) error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestLegacyForm(t *testing.T) {
	cases := []struct {
		in   [][]string
		want string
	}{
		{nil, "@"},
		{[][]string{{"role:admin"}}, "(role:admin)"},
		{[][]string{{"role:a", "role:b"}, {"role:c"}}, "(role:a and role:b) or (role:c)"},
	}
	for _, tc := range cases {
		if got := legacyForm(tc.in); got != tc.want {
			t.Errorf("legacyForm(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// testEnv is a member of project p1 (who is also "Auditor", in another
// case) with the bootstrap implications.
func testEnv(t *testing.T, rules map[string]string, project string, roles ...string) *env {
	t.Helper()
	parsed := map[string]*rule{}
	for name, s := range rules {
		n, err := parseCheck(s)
		if err != nil {
			t.Fatal(err)
		}
		parsed[name] = &rule{name: name, check: s, node: n}
	}
	g := newRoleGraph(bootstrapImplications)
	c := &creds{roles: map[string]heldRole{}, fields: map[string]string{"project_id": "p1", "user_id": "u1", "domain_id": "None", "system_scope": "None", "is_admin_project": "True"}}
	for _, r := range roles {
		g.expand(r, c.roles)
	}
	return &env{rules: parsed, cred: c, target: targetIn(project)}
}

func TestEval(t *testing.T) {
	rules := map[string]string{
		"context_is_admin": "role:admin",
		"owner":            "project_id:%(project_id)s",
		"admin_or_owner":   "is_admin:True or rule:owner",
	}
	cases := []struct {
		check   string
		project string
		roles   []string
		want    truth
		matched []string
		conds   []string
	}{
		{"role:member", "p1", []string{"member"}, yes, []string{"role:member"}, nil},
		{"role:MEMBER", "p1", []string{"Member"}, yes, []string{"role:MEMBER"}, nil},
		{"role:reader", "p1", []string{"admin"}, yes, []string{"role:reader (admin ⇒ member ⇒ reader)"}, nil},
		{"role:admin", "p1", []string{"member"}, no, nil, nil},
		{"role:member and project_id:%(project_id)s", "p1", []string{"member"}, yes, []string{"role:member", "project_id:%(project_id)s"}, nil},
		{"role:member and project_id:%(project_id)s", "p2", []string{"member"}, no, nil, nil},
		{"project_id:%(tenant)s", "p1", nil, yes, []string{"project_id:%(tenant)s"}, nil},
		{"rule:admin_or_owner", "p2", []string{"admin"}, yes, []string{"is_admin:True (context_is_admin: role:admin)"}, nil},
		{"rule:admin_or_owner", "p2", []string{"member"}, no, nil, nil},
		{"is_admin:False", "p1", []string{"member"}, yes, []string{"is_admin:False"}, nil},
		{"rule:missing or role:member", "p1", []string{"member"}, yes, []string{"role:member"}, nil},
		{"rule:missing", "p1", []string{"admin"}, no, nil, nil},
		{"not role:auditor", "p1", []string{"member"}, yes, []string{"not role:auditor"}, nil},
		{"not role:auditor", "p1", []string{"member", "auditor"}, no, nil, nil},
		{"role:a or role:member", "p1", []string{"member"}, yes, []string{"role:member"}, nil},
		{"role:a or role:b", "p1", []string{"member"}, no, nil, nil},
		{"project_id:p1", "p9", nil, yes, []string{"project_id:p1"}, nil},
		{"user_id:u2", "p1", nil, no, nil, nil},
		{"'member':%(role_name)s", "p1", nil, maybe, nil, []string{"'member':%(role_name)s"}},
		{"True:%(flag)s or role:member", "p1", []string{"member"}, yes, []string{"role:member"}, nil},
		{"role:member and \"public\":%(visibility)s", "p1", []string{"member"}, maybe, []string{"role:member"}, []string{`"public":%(visibility)s`}},
		{"\"public\":%(visibility)s or \"community\":%(visibility)s", "p1", nil, maybe, nil, []string{`"public":%(visibility)s`, `"community":%(visibility)s`}},
		{"not \"public\":%(visibility)s", "p1", nil, maybe, nil, []string{`not "public":%(visibility)s`}},
		{"role:member and \"public\":%(visibility)s", "p1", []string{"reader"}, no, nil, nil},
		{"https://policy.example/check", "p1", nil, maybe, nil, []string{"https://policy.example/check"}},
		{"project_domain_id:%(project_id)s", "p1", nil, maybe, nil, []string{"project_domain_id:%(project_id)s"}},
		{"system_scope:all", "p1", []string{"admin"}, no, nil, nil},
		{"domain_id:None", "p1", nil, yes, []string{"domain_id:None"}, nil},
		{"!", "p1", []string{"admin"}, no, nil, nil},
		{"", "p1", nil, yes, []string{always}, nil},
	}
	for _, tc := range cases {
		e := testEnv(t, rules, tc.project, tc.roles...)
		n, err := parseCheck(tc.check)
		if err != nil {
			t.Fatal(err)
		}
		o := e.eval(n)
		if o.t != tc.want || !slices.Equal(o.matched, tc.matched) || !slices.Equal(o.conds, tc.conds) {
			t.Errorf("%q on %s with %v: got %v matched %q conds %q, want %v matched %q conds %q",
				tc.check, tc.project, tc.roles, o.t, o.matched, o.conds, tc.want, tc.matched, tc.conds)
		}
	}
}

func TestEval_relaxedRecordsTheNegation(t *testing.T) {
	e := testEnv(t, nil, "p1", "member", "auditor")
	n, err := parseCheck("role:member and not role:auditor")
	if err != nil {
		t.Fatal(err)
	}
	if o := e.eval(n); o.t != no {
		t.Fatalf("strict: %v, want no", o.t)
	}
	e.relax = true
	o := e.eval(n)
	if o.t != yes || !slices.Equal(o.capped, []string{"not role:auditor"}) {
		t.Errorf("relaxed: %v capped %q, want yes capped [not role:auditor]", o.t, o.capped)
	}
}

func TestParsePolicyFile(t *testing.T) {
	cases := []struct {
		name, data string
		want       map[string]string
	}{
		{"yaml with comments and an empty rule", "# a comment\n\"backup:create\": \"\"\n\"volume:create\": \"role:member\" # trailing\n",
			map[string]string{"backup:create": "", "volume:create": "role:member"}},
		{"comments only", "# nothing overridden\n", map[string]string{}},
		{"json", `{"add_image": "role:admin", "download_image": "@"}`, map[string]string{"add_image": "role:admin", "download_image": "@"}},
		// YAML refuses a repeated key; JSON takes the last.
		{"json with a repeated key", `{"add_image": "role:admin", "add_image": "!"}`, map[string]string{"add_image": "!"}},
		{"old list form", "\"a\": [[\"role:x\", \"role:y\"], [\"role:z\"]]\n\"b\": []\n",
			map[string]string{"a": "(role:x and role:y) or (role:z)", "b": "@"}},
		{"old list form in JSON that YAML refuses", `{"a": [["role:x"]], "a": [["role:y"]]}`, map[string]string{"a": "(role:y)"}},
	}
	for _, tc := range cases {
		got, err := parsePolicyFile(File{Name: "x.yaml", Data: []byte(tc.data)})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		checks := map[string]string{}
		for k, o := range got {
			checks[k] = o.check
		}
		if len(checks) != len(tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, checks, tc.want)
		}
		for k, v := range tc.want {
			if checks[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, checks[k], v)
			}
		}
	}
}

func TestServiceOf(t *testing.T) {
	services := []string{"cinder", "nova", "glance", "trove", "keystone"}
	cases := map[string]string{
		"cinder.yaml":                 "cinder",
		"/etc/nova/policy.yaml":       "nova",
		"policy-glance.json":          "glance",
		"etc/trove/policy.d/10.yaml":  "trove",
		"conf/nova/keystone.yaml":     "keystone", // the base name wins over the folder
		"policy.yaml":                 "",
		"/etc/cinderella/policy.yaml": "",
	}
	for name, want := range cases {
		if got := serviceOf(name, services); got != want {
			t.Errorf("serviceOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestEmbeddedData(t *testing.T) {
	d, err := embedded()
	if err != nil {
		t.Fatal(err)
	}
	// Every default parses, with and without the deprecated strings, and
	// no default refers to a rule its service does not define.
	for _, legacy := range []bool{false, true} {
		p, notes, err := loadPolicy(nil, legacy, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if strings.Contains(n, "not defined") {
				t.Errorf("legacy=%v: %s", legacy, n)
			}
		}
		if len(p) != len(d.services) {
			t.Errorf("services %d, want %d", len(p), len(d.services))
		}
	}
	if _, err := parseData(defaultsYAML, []byte("grants: [{capability: create, requires: [\"cinder nope\"]}]"), vkRolesYAML); err == nil {
		t.Error("a catalog rule without a default was accepted")
	}
	if _, err := parseData(defaultsYAML, []byte("grants: [{capability: steal, requires: [\"cinder backup:create\"]}]"), vkRolesYAML); err == nil {
		t.Error("an unknown capability was accepted")
	}
}

func FuzzParseCheck(f *testing.F) {
	d, err := embedded()
	if err != nil {
		f.Fatal(err)
	}
	for _, rules := range d.defaults {
		for _, r := range rules {
			f.Add(r.Check)
		}
	}
	f.Add("not (role:a or (b:%(c)s and 'x':%(y)s))")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCheck(s)
		if err != nil {
			return
		}
		again, err := parseCheck(n.String())
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, n.String(), err)
		}
		if again.String() != n.String() {
			t.Fatalf("%q: %q reparses as %q", s, n.String(), again.String())
		}
		e := testEnv(t, map[string]string{"context_is_admin": "role:admin"}, "p1", "member")
		e.eval(n)
		e.relax = true
		e.eval(n)
	})
}

func TestValueFree(t *testing.T) {
	cases := map[string]bool{
		"role:member and project_id:%(project_id)s":  true,
		"project_id:%(tenant)s":                      true,
		"user_id:%(user_id)s":                        true, // the target's user is unknown: maybe for anyone
		`"public":%(visibility)s`:                    true,
		"domain_id:%(target.domain.id)s":             true,
		"system_scope:all and is_admin_project:True": true,
		"project_id:abc":                             false,
		"role:member or not user_id:u1":              false,
		"user_id:%(owner)s":                          false,
		"project_id:%(project_id)s%(x)s":             false,
		"domain_id:%(project_id)s or @":              false,
		"project_domain_id:%(owner)s":                false,
		"rule:other and user_id:%(tenant)s":          false,
	}
	for check, want := range cases {
		n, err := parseCheck(check)
		if err != nil {
			t.Fatal(err)
		}
		p := policy{"svc": {"r": &rule{name: "r", check: check, node: n}}}
		if got := valueFree(p); got != want {
			t.Errorf("valueFree(%q) = %v, want %v", check, got, want)
		}
	}
}

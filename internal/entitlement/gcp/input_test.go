package gcp_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement"
	"github.com/snapwarden/snapwarden/internal/entitlement/gcp"
)

func TestParsePolicyArg(t *testing.T) {
	tests := []struct {
		arg      string
		resource string
		file     string
		err      string
	}{
		{arg: "project:my-proj=exports/iam.json", resource: "projects/my-proj", file: "exports/iam.json"},
		{arg: "org:123=org.json", resource: "organizations/123", file: "org.json"},
		{arg: "org:organizations/123=org.json", resource: "organizations/123", file: "org.json"},
		{arg: "organizations:123=a=b.json", resource: "organizations/123", file: "a=b.json"},
		{arg: "Folder:456=f.json", resource: "folders/456", file: "f.json"},
		{arg: "serviceAccount:sa@p.iam.gserviceaccount.com=sa.json", resource: "serviceAccounts/sa@p.iam.gserviceaccount.com", file: "sa.json"},
		{arg: "plain.json", file: "plain.json"},
		{arg: "C:/exports/x=1.json", file: "C:/exports/x=1.json"},
		{arg: "project:=iam.json", err: "non-empty ID and FILE"},
		{arg: "project:p=", err: "non-empty ID and FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			r, file, err := gcp.ParsePolicyArg(tt.arg)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || r.String() != tt.resource || file != tt.file {
				t.Fatalf("got %q %q %v, want %q %q", r, file, err, tt.resource, tt.file)
			}
		})
	}
}

func TestResourceFromName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"organization-123.json", "organizations/123"},
		{"exports/organizations_123.json", "organizations/123"},
		{"org.123.json", "organizations/123"},
		{"folder-456.policy.json", "folders/456"},
		{"project-my-proj.iam.json", "projects/my-proj"},
		{"projects/my-proj.json", "projects/my-proj"},
		{"dump/projects/my-proj/iam.json", "projects/my-proj"},
		{"serviceAccount-sa@p.iam.gserviceaccount.com.json", "serviceAccounts/sa@p.iam.gserviceaccount.com"},
		{"iam.json", ""},
		{"project.json", ""},
	}
	for _, tt := range tests {
		r, ok := gcp.ResourceFromName(tt.name)
		if r.String() != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: got %q %v, want %q", tt.name, r, ok, tt.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]gcp.Level{"ORG": gcp.Organization, "folders": gcp.Folder, "project": gcp.Project, "sa": gcp.ServiceAccount} {
		if got, err := gcp.ParseLevel(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	if _, err := gcp.ParseLevel("bucket"); err == nil || !strings.Contains(err.Error(), `"bucket"`) {
		t.Errorf("bucket: %v", err)
	}
}

// Bad input is an error that names the file and the element.
func TestEvaluate_badInput(t *testing.T) {
	policy := func(name, data string) gcp.Input {
		return gcp.Input{Policies: []gcp.PolicyFile{{File: gcp.File{Name: name, Data: []byte(data)}}}}
	}
	okPolicy := gcp.PolicyFile{File: gcp.File{Name: "project-p1.json", Data: []byte(`{"bindings":[],"etag":"x"}`)}}
	deny := func(data string) gcp.Input {
		return gcp.Input{Policies: []gcp.PolicyFile{okPolicy}, Deny: []gcp.PolicyFile{{File: gcp.File{Name: "deny.json", Data: []byte(data)}}}}
	}
	roles := func(data string) gcp.Input {
		return gcp.Input{Roles: []gcp.File{{Name: "roles.json", Data: []byte(data)}}}
	}
	tests := []struct {
		name string
		in   gcp.Input
		err  string
	}{
		{"no resource", policy("iam.json", `{"bindings":[]}`), "policy iam.json: cannot tell its resource from the name: pass it as LEVEL:ID=FILE"},
		{"bad json", policy("project-p1.json", `{"bindings": [`), "policy project-p1.json: invalid JSON at offset"},
		{"empty", policy("project-p1.json", ``), "policy project-p1.json: empty"},
		{"yaml", policy("project-p1.json", "bindings:\n- members:\n  - user:a@example.com\n  role: roles/owner\netag: BwY=\n"), "policy project-p1.json: not JSON (gcloud writes YAML by default): export it again with --format=json"},
		{"not a policy", policy("project-p1.json", `{"kind":"compute#snapshot"}`), "policy project-p1.json: not a get-iam-policy output"},
		{"no role", policy("project-p1.json", `{"bindings":[{"role":"roles/viewer","members":["user:a@x"]},{"members":["user:b@x"]}]}`), "policy project-p1.json: bindings[1]: no role"},
		{"bad member", policy("project-p1.json", `{"bindings":[{"role":"roles/viewer","members":["user:a@x","alice"]}]}`), `policy project-p1.json: bindings[0].members[1]: unknown member "alice"`},
		{"members type", policy("project-p1.json", `{"bindings":[{"role":"roles/viewer","members":"user:a@x"}]}`), "policy project-p1.json: bindings.members: string where []string was expected"},
		{"null binding", policy("project-p1.json", `{"bindings":[null]}`), "policy project-p1.json: bindings[0]: null"},
		{"empty condition", policy("project-p1.json", `{"bindings":[{"role":"roles/viewer","members":["user:a@x"],"condition":{"title":"t"}}]}`), "bindings[0].condition: no expression"},
		{"sa without email", policy("serviceAccount-robot.json", `{"bindings":[]}`), `service account "robot": want its email`},
		{"deny permission", deny(`{"name":"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp1/denypolicies/d","rules":[{"denyRule":{"deniedPrincipals":["principalSet://goog/public:all"],"deniedPermissions":["compute.snapshots.create"]}}]}`),
			`deny policy deny.json: rules[0].deniedPermissions: [0] "compute.snapshots.create": want SERVICE.googleapis.com/RESOURCE.ACTION`},
		{"deny name", deny(`{"name":"denypolicies/d","rules":[]}`), `deny policy deny.json: name "denypolicies/d": want policies/ATTACHMENT_POINT/denypolicies/ID`},
		{"deny attachment", deny(`{"name":"policies/storage.googleapis.com%2Fbuckets%2Fb/denypolicies/d","rules":[]}`), "is not an organization, folder or project"},
		{"deny no point", deny(`{"rules":[{"denyRule":{}}]}`), "deny policy deny.json: no name to tell its attachment point"},
		{"deny no rule body", deny(`[{"name":"policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp1/denypolicies/d","rules":[{}]},{}]`), "deny policy deny.json: policies[0]: rules[0]: no denyRule"},
		{"deny not a policy", deny(`{"kind":"x"}`), "deny policy deny.json: not a deny policy"},
		{"role name", roles(`[{"name":"roles/custom","includedPermissions":[]}]`), `role roles.json: name "roles/custom": want projects/P/roles/R`},
		{"role list", roles(`{"roles":[{"name":"projects/p/roles/a"},{"name":"x"}]}`), `role roles.json: [1]: name "x"`},
		{"role perms type", roles(`{"name":"projects/p/roles/a","includedPermissions":"compute.snapshots.create"}`), "role roles.json: includedPermissions: string"},
		{"group name", gcp.Input{Groups: []gcp.GroupFile{{File: gcp.File{Name: "members.json", Data: []byte(`[]`)}}}}, "group members.json: cannot tell the group from the name: pass it as GROUP_EMAIL=FILE"},
		{"group member", gcp.Input{Groups: []gcp.GroupFile{{File: gcp.File{Name: "group-g@example.com.json", Data: []byte(`[{"preferredMemberKey":{"id":"a@x"}},{"roles":[]}]`)}}}}, "group group-g@example.com.json: [1]: no preferredMemberKey.id email"},
		{"group json", gcp.Input{Groups: []gcp.GroupFile{{File: gcp.File{Name: "x.json", Data: []byte(`{"memberships":{}}`)}, Group: "g@example.com"}}}, "group x.json: memberships: "},
		{"ancestry type", gcp.Input{Ancestry: []gcp.File{{Name: "anc.json", Data: []byte(`[{"id":"p","type":"project"},{"id":"b","type":"bucket"}]`)}}}, "ancestry anc.json: [1]: want {id, type: project|folder|organization}"},
		{"ancestry order", gcp.Input{Ancestry: []gcp.File{{Name: "anc.json", Data: []byte(`[{"id":"1","type":"organization"},{"id":"p","type":"project"}]`)}}}, "ancestry anc.json: [0] organizations/1 cannot sit under projects/p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gcp.Evaluate(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err %v\nwant it to hold %q", err, tt.err)
			}
		})
	}
}

// A UTF-8 byte order mark (as some editors and shells write) is skipped.
func TestEvaluate_byteOrderMark(t *testing.T) {
	in := gcp.Input{Policies: []gcp.PolicyFile{{File: gcp.File{Name: "project-p.json",
		Data: []byte("\xef\xbb\xbf{\"bindings\":[{\"role\":\"roles/compute.storageAdmin\",\"members\":[\"user:a@example.com\"]}]}")}}}}
	r := evaluate(t, in)
	want{principal: "user:a@example.com", cap: entitlement.Create, verdict: entitlement.Allow, via: []string{diskSnapshot}}.check(t, r)
}

// A custom role exported without its permissions grants nothing and says so.
func TestEvaluate_roleWithoutPermissions(t *testing.T) {
	in := gcp.Input{
		Policies: []gcp.PolicyFile{{File: gcp.File{Name: "project-p.json", Data: []byte(`{"bindings":[{"role":"projects/p/roles/r","members":["user:a@example.com"]}]}`)}}},
		Roles:    []gcp.File{{Name: "list.json", Data: []byte(`[{"name":"projects/p/roles/r","title":"r"}]`)}},
	}
	r := evaluate(t, in)
	if len(r.Grants) != 0 || r.Principals != 1 {
		t.Fatalf("grants %v principals %d", r.Grants, r.Principals)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "custom role projects/p/roles/r (list.json) lists no includedPermissions") {
		t.Fatalf("notes %q", r.Notes)
	}
}

func TestGroupFromName(t *testing.T) {
	for name, want := range map[string]string{
		"group-ops@example.com.json":         "ops@example.com",
		"exports/group_ops@example.com.json": "ops@example.com",
		"ops@example.com.json":               "ops@example.com",
		"members.json":                       "",
	} {
		if got, ok := gcp.GroupFromName(name); got != want || ok != (want != "") {
			t.Errorf("%s: got %q %v, want %q", name, got, ok, want)
		}
	}
}

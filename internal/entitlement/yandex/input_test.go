package yandex_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/yandex"
)

func TestParseSpec(t *testing.T) {
	cases := []struct {
		spec              string
		level             yandex.Level
		id, path, errPart string
	}{
		{spec: "folder:b1gabc=bindings.json", level: yandex.Folder, id: "b1gabc", path: "bindings.json"},
		{spec: "org:bpfx=/tmp/o.json", level: yandex.Organization, id: "bpfx", path: "/tmp/o.json"},
		{spec: "sa:ajex=sa.json", level: yandex.ServiceAccount, id: "ajex", path: "sa.json"},
		{spec: "Snapshot:fd8x=s.json", level: yandex.Snapshot, id: "fd8x", path: "s.json"},
		{spec: "plain.json", path: "plain.json"},
		{spec: "folder=x.json", errPart: "want LEVEL:ID=FILE"},
		{spec: "folder:=x.json", errPart: "want LEVEL:ID=FILE"},
		{spec: "folder:b1g=", errPart: "want LEVEL:ID=FILE"},
		{spec: "project:p=x.json", errPart: `unknown level "project"`},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			level, id, path, err := yandex.ParseSpec(tc.spec)
			if tc.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errPart) {
					t.Fatalf("err = %v, want one holding %q", err, tc.errPart)
				}
				return
			}
			if err != nil || level != tc.level || id != tc.id || path != tc.path {
				t.Errorf("= %q %q %q %v, want %q %q %q", level, id, path, err, tc.level, tc.id, tc.path)
			}
		})
	}
}

func TestScopeFromName(t *testing.T) {
	cases := []struct {
		name  string
		level yandex.Level
		id    string
		ok    bool
	}{
		{"exports/folder-b1gc2k9p6m0r8t3v5x7a.json", yandex.Folder, "b1gc2k9p6m0r8t3v5x7a", true},
		{"cloud_b1gia87mbaomkfvsleds.json", yandex.Cloud, "b1gia87mbaomkfvsleds", true},
		{"organization.bpf3nq8l0c2d4ab1ahaq.json", yandex.Organization, "bpf3nq8l0c2d4ab1ahaq", true},
		{"service-account-ajec2i3s4a5c6i7s8a9c.json", yandex.ServiceAccount, "ajec2i3s4a5c6i7s8a9c", true},
		{"snapshot-schedule-fd8sc1h2e3d4u5l6e7a8.json", yandex.Schedule, "fd8sc1h2e3d4u5l6e7a8", true},
		{"snapshot-fd8s1n2a3p4s5h6o7t8a.json", yandex.Snapshot, "fd8s1n2a3p4s5h6o7t8a", true},
		{"Folder-B1GABC.json", yandex.Folder, "B1GABC", true}, // the id keeps its case
		{"folders.json", "", "", false},
		{"bindings.json", "", "", false},
		{"folder-.json", "", "", false},
		{"folder-a b.json", "", "", false},
		{"folder-ü.json", "", "", false},
	}
	for _, tc := range cases {
		level, id, ok := yandex.ScopeFromName(tc.name)
		if level != tc.level || id != tc.id || ok != tc.ok {
			t.Errorf("ScopeFromName(%q) = %q %q %v, want %q %q %v", tc.name, level, id, ok, tc.level, tc.id, tc.ok)
		}
	}
}

// TestEvaluate_badInput: each error names the file and, where it can,
// the element or line:col.
func TestEvaluate_badInput(t *testing.T) {
	ok := []byte(`[{"role_id":"viewer","subject":{"id":"ajex","type":"userAccount"}}]`)
	cases := []struct {
		name string
		in   yandex.Input
		want string
	}{
		{"syntax", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte("[\n  {\"role_id\": \"viewer\",,}\n]")}}},
			"folder-b1g.json:2:24: invalid character ','"},
		{"no role", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`[{"subject":{"id":"a","type":"userAccount"}}]`)}}},
			"folder-b1g.json: binding 0: no role_id"},
		{"no subject", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`{"accessBindings":[{"roleId":"admin"}]}`)}}},
			"folder-b1g.json: binding 0 (admin): no subject id"},
		{"no type", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`[{"role_id":"admin","subject":{"id":"aje1"}}]`)}}},
			"folder-b1g.json: binding 0 (admin): subject aje1 has no type"},
		{"wrong type", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`[{"role_id":7,"subject":{"id":"a","type":"userAccount"}}]`)}}},
			"folder-b1g.json: binding 0: role_id: want string, found JSON number"},
		{"not bindings", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`{"folders":[]}`)}}},
			"folder-b1g.json: not an access-bindings list"},
		{"scalar", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: []byte(`"x"`)}}},
			"folder-b1g.json: not an access-bindings list"},
		{"unplaced", yandex.Input{Bindings: []yandex.BindingFile{{Name: "bindings.json", Data: ok}}},
			"bindings.json: cannot tell where these bindings sit"},
		{"level without id", yandex.Input{Bindings: []yandex.BindingFile{{Name: "b.json", Level: yandex.Folder, Data: ok}}},
			"b.json: level folder without an id"},
		{"listing without parent", yandex.Input{Bindings: []yandex.BindingFile{{Name: "folder-b1g.json", Data: ok}},
			Resources: []yandex.File{{Name: "list.json", Data: []byte(`[{"id":"b1g","name":"x"}]`)}}},
			"list.json: item 0 (b1g): no organization_id, cloud_id or folder_id"},
		{"listing without id", yandex.Input{Resources: []yandex.File{{Name: "list.json", Data: []byte(`{"folders":[{"cloudId":"c"}]}`)}}},
			"list.json: item 0: no id"},
		{"listing of two lists", yandex.Input{Resources: []yandex.File{{Name: "list.json", Data: []byte(`{"folders":[],"clouds":[]}`)}}},
			"list.json: not a resource listing"},
		{"group without id", yandex.Input{Groups: []yandex.GroupFile{{Name: "m.json", Data: []byte(`[]`)}}},
			"m.json: no group id"},
		{"member without id", yandex.Input{Groups: []yandex.GroupFile{{Name: "m.json", GroupID: "g", Data: []byte(`{"members":[{"subjectType":"userAccount"}]}`)}}},
			"m.json: member 0: no subject_id"},
		{"member syntax", yandex.Input{Groups: []yandex.GroupFile{{Name: "m.json", GroupID: "g", Data: []byte("[\n{")}}},
			"m.json:2:1: unexpected end of JSON input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := yandex.Evaluate(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (report %v), want one holding %q", err, r, tc.want)
			}
		})
	}
}

// TestEvaluate_inputForms: the CLI's snake_case array, the REST form, an
// empty file (yc prints nothing for no bindings) and LEVEL/ID given
// explicitly all read the same.
func TestEvaluate_inputForms(t *testing.T) {
	const user = "ajeu1s2e3r4o5n6e7a8b"
	forms := map[string]string{
		"cli":  `[{"role_id":"compute.editor","subject":{"id":"` + user + `","type":"userAccount"}}]`,
		"rest": `{"accessBindings":[{"roleId":"compute.editor","subject":{"id":"` + user + `","type":"userAccount"}}]}`,
		"grpc": `{"access_bindings":[{"role_id":"compute.editor","subject":{"id":"` + user + `","type":"userAccount"}}]}`,
	}
	for name, data := range forms {
		t.Run(name, func(t *testing.T) {
			r, err := yandex.Evaluate(yandex.Input{Bindings: []yandex.BindingFile{
				{Name: name + ".json", Level: yandex.Folder, ID: "b1gf", Data: []byte(data)},
				{Name: "folder-b1gempty.json", Data: []byte("\n")},
				{Name: "folder-b1gempty2.json", Data: []byte("{}")},
			}})
			if err != nil {
				t.Fatal(err)
			}
			g, ok := grantsOf(r)[user]["create"]
			if !ok || g.Scope != "folder:b1gf" || g.Via[0] != "compute.editor on folder:b1gf ["+name+".json binding 1]" {
				t.Errorf("grant %+v", g)
			}
			if r.Principals != 1 {
				t.Errorf("Principals = %d, want 1", r.Principals)
			}
		})
	}
}

package yandex_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/entitlement/yandex"
)

func TestLoad(t *testing.T) {
	dir := "testdata/acme"
	args := []string{
		"folder:" + prod + "=" + filepath.Join(dir, prodFile), // explicit level and id
		filepath.Join(dir, devFile),                           // named by the file
		filepath.Join(dir, "list-folders.json"),               // yc array listing
		filepath.Join(dir, "list-clouds.json"),                // REST listing
		"members:" + admins + "=" + filepath.Join(dir, "members-"+admins+".json"),
	}
	in, err := yandex.Load(args, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Bindings) != 2 || len(in.Resources) != 2 || len(in.Groups) != 1 {
		t.Fatalf("bindings %d, resources %d, groups %d; want 2, 2, 1", len(in.Bindings), len(in.Resources), len(in.Groups))
	}
	if b := in.Bindings[0]; b.Level != yandex.Folder || b.ID != prod {
		t.Errorf("first bindings at %s:%s", b.Level, b.ID)
	}
	if b := in.Bindings[1]; b.Level != "" || b.Name != filepath.Join(dir, devFile) {
		t.Errorf("second bindings %q at %q", b.Name, b.Level)
	}
	if g := in.Groups[0]; g.GroupID != admins {
		t.Errorf("group id %q", g.GroupID)
	}
	r, err := yandex.Evaluate(in)
	if err != nil {
		t.Fatal(err)
	}
	// The folder listing names prod, so its label carries the name.
	g := grantsOf(r)[dev1]["create"]
	if len(g.Via) != 1 || g.Via[0] != bindingVia("compute.editor", prodLabel, filepath.Join(dir, prodFile), 1) {
		t.Errorf("via %q", g.Via)
	}

	bad := []struct {
		args []string
		want string
	}{
		{[]string{"members:=x.json"}, "want members:GROUP_ID=FILE"},
		{[]string{filepath.Join(dir, "members-"+admins+".json")}, "a member list: say whose with members:GROUP_ID="},
		{[]string{"project:p=x.json"}, `unknown level "project"`},
		{[]string{"missing.json"}, "missing.json"},
	}
	for _, tc := range bad {
		_, err := yandex.Load(tc.args, os.ReadFile)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%q) = %v, want an error holding %q", tc.args, err, tc.want)
		}
	}
	_, err = yandex.Load([]string{"folder-b1g.json"}, func(string) ([]byte, error) { return nil, errors.ErrUnsupported })
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("read error not passed on: %v", err)
	}
}

package openstack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resolveRefs loads a nova notification sample and resolves its $refs as
// nova's tests/json_ref.py does: the referenced file is loaded relative to
// the referring file and its own $refs resolved; $refs in the referring
// object's other keys are resolved; those keys are then merged over the
// loaded document recursively (objects key by key, anything else replaced).
func resolveRefs(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := json.Marshal(loadRef(tb, path))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func loadRef(tb testing.TB, path string) any {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return resolve(tb, v, filepath.Dir(path))
}

func resolve(tb testing.TB, v any, dir string) any {
	tb.Helper()
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = resolve(tb, x[i], dir)
		}
	case map[string]any:
		ref, ok := x["$ref"].(string)
		if !ok {
			for k := range x {
				x[k] = resolve(tb, x[k], dir)
			}
			return x
		}
		delete(x, "$ref")
		file, fragment, _ := strings.Cut(ref, "#")
		if fragment != "" {
			tb.Fatalf("%s: JSON paths in $ref are not supported (nor used by nova)", ref)
		}
		base, ok := loadRef(tb, filepath.Join(dir, file)).(map[string]any)
		if !ok {
			tb.Fatalf("%s: referenced document is not an object", ref)
		}
		overrides := resolve(tb, x, dir).(map[string]any)
		mergeOver(base, overrides)
		return base
	}
	return v
}

// mergeOver merges update into d: objects key by key, anything else replaced.
func mergeOver(d, update map[string]any) {
	for k, v := range update {
		if vm, ok := v.(map[string]any); ok {
			if dm, ok := d[k].(map[string]any); ok {
				mergeOver(dm, vm)
				continue
			}
		}
		d[k] = v
	}
}

func TestResolveRefs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("common/Base.json", `{"data":{"a":1,"b":{"c":2,"d":3},"list":[1,2]},"name":"Base"}`)
	write("common/Child.json", `{"$ref":"Base.json","data":{"b":{"c":20},"list":[9]},"name":"Child"}`)
	write("sample.json", `{"payload":{"$ref":"common/Child.json#","data":{"a":{"$ref":"common/Base.json"}}}}`)
	var got any
	if err := json.Unmarshal(resolveRefs(t, filepath.Join(dir, "sample.json")), &got); err != nil {
		t.Fatal(err)
	}
	want := `{"payload":{"data":{"a":{"data":{"a":1,"b":{"c":2,"d":3},"list":[1,2]},"name":"Base"},"b":{"c":20,"d":3},"list":[9]},"name":"Child"}}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("resolved:\n%s\nwant:\n%s", b, want)
	}
}

package openstack

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// PolicyFiles reads the policy files of a folder (--openstack-policy DIR):
// every .yaml, .yml and .json file in it and in its folders one level
// down (an /etc-like layout: DIR/nova/policy.yaml), in name order. The
// service comes from each file's path (see Input.Policies).
func PolicyFiles(dir string) ([]File, error) {
	var names []string
	for _, pattern := range []string{"*", filepath.Join("*", "*")} {
		matches, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		for _, m := range matches {
			switch strings.ToLower(filepath.Ext(m)) {
			case ".yaml", ".yml", ".json":
				names = append(names, m)
			}
		}
	}
	slices.Sort(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: n, Data: b})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no policy files (*.yaml, *.yml, *.json) in it or in its folders", dir)
	}
	return files, nil
}

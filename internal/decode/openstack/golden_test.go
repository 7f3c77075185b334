package openstack_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

// TestGolden decodes every fixture and compares the events with
// testdata/<fixture>.golden.jsonl (go test -run Golden -update rewrites).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".ndjson")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := detect(t, name, b)
			checkClean(t, name, res)
			decodetest.Golden(t, name, res.Events)
		})
	}
}

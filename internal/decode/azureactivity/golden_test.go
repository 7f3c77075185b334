package azureactivity_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

// TestGolden decodes each fixture under testdata/ as one input and compares
// the events with testdata/<fixture>.golden.jsonl.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			events := decodetest.MustDecode(t, azureactivity.Format{}, filepath.Base(p), b)
			decodetest.Golden(t, name, events)
		})
	}
}

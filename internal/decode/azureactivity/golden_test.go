package azureactivity_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestGolden decodes each fixture under testdata/ as one input and compares
// the events with testdata/<fixture>.golden.jsonl.
func TestGolden(t *testing.T) {
	fixtures := decodetest.Fixtures(t, filepath.Join("testdata", "*.json"))
	decodetest.GoldenFiles(t, fixtures, func(t *testing.T, f decodetest.Fixture) []*event.Event {
		return decodeFixture(t, filepath.Base(f.Path))
	})
}

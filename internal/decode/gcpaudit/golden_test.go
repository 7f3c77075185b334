package gcpaudit_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// decodeFile decodes one fixture with format auto-detection and fails on
// any bad record.
func decodeFile(t *testing.T, path string) []*event.Event {
	t.Helper()
	return decodetest.Decode(t, nil, gcp, filepath.Base(path), decodetest.ReadFile(t, path)).Clean(t)
}

func TestGolden(t *testing.T) {
	fixtures := decodetest.Fixtures(t, "testdata/*.json", "testdata/*.ndjson")
	decodetest.GoldenFiles(t, fixtures, func(t *testing.T, f decodetest.Fixture) []*event.Event {
		return decodeFile(t, f.Path)
	})
}

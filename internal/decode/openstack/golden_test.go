package openstack_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestGolden decodes every fixture and compares the events with
// testdata/<fixture>.golden.jsonl (go test -run Golden -update rewrites).
func TestGolden(t *testing.T) {
	fixtures := decodetest.Fixtures(t, filepath.Join("testdata", "*.ndjson"))
	decodetest.GoldenFiles(t, fixtures, func(t *testing.T, f decodetest.Fixture) []*event.Event {
		res := detect(t, f.Name, f.Input)
		checkClean(t, f.Name, res)
		return res.Events
	})
}

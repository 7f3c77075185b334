package gcpaudit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// fixtures lists the hand-written inputs under testdata.
func fixtures(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, glob := range []string{"testdata/*.json", "testdata/*.ndjson"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no fixtures under testdata")
	}
	return out
}

// decodeFile decodes one fixture with format auto-detection and fails on
// any bad record.
func decodeFile(t *testing.T, path string) []*event.Event {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res := decodetest.Decode(t, nil, gcp, filepath.Base(path), b)
	for _, e := range res.Errors {
		t.Errorf("%s: bad record: %v", path, e)
	}
	if res.Err != nil {
		t.Errorf("%s: input ended early: %v", path, res.Err)
	}
	return res.Events
}

func TestGolden(t *testing.T) {
	for _, path := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		t.Run(name, func(t *testing.T) {
			decodetest.Golden(t, name, decodeFile(t, path))
		})
	}
}

package gcpaudit_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

// TestExamples decodes every file under examples/gcp, the README's GCP
// storyline (Cloud Storage sink exports), with zero errors.
func TestExamples(t *testing.T) {
	files := decodetest.ExampleFiles(t, "gcp")
	events := decodeInputs(t, files...)
	t.Logf("examples/gcp: %d files, %d events", len(files), len(events))
	for _, e := range events {
		if e.Outcome == "unknown" {
			t.Errorf("%s:%d %s: outcome unknown (a first entry without its last)", e.Source.File, e.Source.Line, e.Operation)
		}
	}
}

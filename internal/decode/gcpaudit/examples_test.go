package gcpaudit_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// examplesDir holds the README's GCP storyline: Cloud Storage sink exports.
const examplesDir = "../../../examples/gcp"

// TestExamples decodes every file under examples/gcp with zero errors.
func TestExamples(t *testing.T) {
	var files []string
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".ndjson")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example files under " + examplesDir)
	}
	events := decodeInputs(t, files...)
	t.Logf("examples/gcp: %d files, %d events", len(files), len(events))
	for _, e := range events {
		if e.Outcome == "unknown" {
			t.Errorf("%s:%d %s: outcome unknown (a first entry without its last)", e.Source.File, e.Source.Line, e.Operation)
		}
	}
}

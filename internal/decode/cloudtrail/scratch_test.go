package cloudtrail_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

// TestScratch_sameEvents decodes the shared samples and the fixtures with
// and without scratch events: the events are the same, and those of
// operations without a handler (reads) were lent.
func TestScratch_sameEvents(t *testing.T) {
	var paths []string
	for _, g := range []string{
		filepath.Join(decodetest.SamplesDir(t), "aws", "cloudtrail", "*", "*.json"),
		filepath.Join(decodetest.SamplesDir(t), "aws", "cloudtrail", "*", "*", "*.json*"),
		filepath.Join("testdata", "*.json"),
	} {
		p, _ := filepath.Glob(g)
		paths = append(paths, p...)
	}
	total, lent := 0, 0
	for _, p := range paths {
		n, l := decodetest.Scratch(t, cloudtrail.Format{}, decodetest.ReadFile(t, p))
		total += n
		lent += l
	}
	t.Logf("%d files, %d events, %d lent", len(paths), total, lent)
	if total < 900 || lent == 0 || lent == total {
		t.Errorf("%d events, %d lent: want the samples' hundreds, reads lent, the rest not", total, lent)
	}
}

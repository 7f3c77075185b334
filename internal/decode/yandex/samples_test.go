package yandex_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
)

// TestSamples decodes shared Yandex samples when there are any. None is
// redistributable today (see the reference page), so it usually skips; the
// hand-written fixtures and examples stand in.
func TestSamples(t *testing.T) {
	dir := filepath.Join(decodetest.SamplesDir(t), "yandex")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no Yandex samples at %s", dir)
	}
	n := 0
	for _, p := range decodetest.SampleFiles(t, "yandex") {
		n += len(decodetest.MustDecode(t, yandex.Format{}, p, decodetest.ReadFile(t, p)))
	}
	t.Logf("%s: %d events", dir, n)
	if n == 0 {
		t.Error("no events in the Yandex samples")
	}
}

// TestSamples_foreign checks that Sniff claims no record of another cloud's
// samples: CloudTrail has an eventType too, OpenStack and VK have event_type.
func TestSamples_foreign(t *testing.T) {
	perFolder := map[string]int{}
	for r := range decodetest.SampleRecords(t) {
		folder, _, _ := strings.Cut(r.Path, "/")
		if folder == "yandex" || r.Value == nil {
			continue
		}
		perFolder[folder]++
		if (yandex.Format{}).Sniff(r.Value) {
			t.Errorf("%s:%d: a %s record was claimed", r.Path, r.Line, folder)
		}
	}
	total := 0
	for f, n := range perFolder {
		t.Logf("%s: %d records, none claimed", f, n)
		total += n
	}
	if total == 0 {
		t.Error("no foreign records scanned")
	}
}

package cloudtrail_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes the README's example CloudTrail delivery files with
// zero errors and checks that the attack story is in them.
func TestExamples(t *testing.T) {
	actions := map[event.Action]int{}
	files, events := 0, 0
	for _, path := range decodetest.ExampleFiles(t, "aws") {
		if !strings.HasSuffix(path, ".json.gz") {
			t.Errorf("%s: not a CloudTrail delivery file", path)
			continue
		}
		files++
		for _, e := range checkEvents(t, decodetest.MustDecode(t, cloudtrail.Format{}, path, decodetest.ReadFile(t, path))) {
			events++
			actions[e.Action]++
			if e.Time.Format("2006-01-02") != "2026-11-20" {
				t.Errorf("%s: event %s at %s, not on 2026-11-20", path, e.ID, e.Time)
			}
		}
	}
	t.Logf("%d events in %d files; actions %v", events, files, actions)
	for _, a := range []event.Action{event.SnapshotCreate, event.SnapshotShare, event.VolumeRestore, event.VolumeAttach,
		event.IngressOpen, event.DBSnapshotShare, event.PrincipalCreate, event.CredentialCreate} {
		if actions[a] == 0 {
			t.Errorf("no %s event in the examples", a)
		}
	}
}

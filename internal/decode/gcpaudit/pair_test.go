package gcpaudit_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/gcpaudit"
	"github.com/snapwarden/snapwarden/internal/event"
)

// decodeInputs decodes files through one pairer with auto-detection, as a
// run over a folder does, and fails on any bad record.
func decodeInputs(t *testing.T, paths ...string) []*event.Event {
	t.Helper()
	return decodetest.DecodeFiles(t, nil, gcp, paths...).Clean(t)
}

// TestPair: the first entry (request) and last entry (completion) of one
// Compute operation become one event, whatever their order and files; the
// ID is the first entry's insertId and the outcome the last entry's.
func TestPair(t *testing.T) {
	const firstID = "1a2b59001"
	tests := []struct {
		name    string
		inputs  []string
		outcome event.Outcome
		id      string
		raws    int
		source  bool // the request's disk is known
	}{
		{"in order, one file", []string{"testdata/sink.ndjson"}, event.Success, "1a2b3fdde", 2, true},
		{"reversed, one file", []string{"testdata/pair_reversed.ndjson"}, event.Success, firstID, 2, true},
		{"first then last, two files", []string{"testdata/pair_first.json", "testdata/pair_last.json"}, event.Success, firstID, 2, true},
		{"last then first, two files", []string{"testdata/pair_last.json", "testdata/pair_first.json"}, event.Success, firstID, 2, true},
		{"lone first", []string{"testdata/pair_first.json"}, event.Unknown, firstID, 1, true},
		{"lone last", []string{"testdata/pair_last.json"}, event.Success, "1a2b5aef0", 1, false},
		{"failed last", []string{"testdata/pair_failure.ndjson"}, event.Failure, "1a2b6499b", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := decodeInputs(t, tt.inputs...)
			e := events[0]
			if tt.name == "in order, one file" {
				if len(events) != 3 {
					t.Fatalf("%d events, want 3 (pair, one-entry op, read)", len(events))
				}
			} else if len(events) != 1 {
				t.Fatalf("%d events, want 1", len(events))
			}
			if e.Outcome != tt.outcome || e.ID != tt.id || len(e.Raw) != tt.raws {
				t.Errorf("outcome %q id %q raws %d, want %q %q %d", e.Outcome, e.ID, len(e.Raw), tt.outcome, tt.id, tt.raws)
			}
			if got := e.Resource(event.RoleSource, "") != nil; got != tt.source {
				t.Errorf("source resource present %v, want %v", got, tt.source)
			}
		})
	}
}

// TestPair_LoneFirst: a disk insert whose completion never came.
func TestPair_LoneFirst(t *testing.T) {
	events := decodeInputs(t, "testdata/pair_lone_first.json")
	if len(events) != 1 || events[0].Outcome != event.Unknown || events[0].Action != event.VolumeCreate {
		t.Fatalf("got %+v", events)
	}
}

// TestPair_Time: the event takes the first entry's time.
func TestPair_Time(t *testing.T) {
	events := decodeInputs(t, "testdata/pair_last.json", "testdata/pair_first.json")
	if got := events[0].Time.Format("15:04:05"); got != "04:00:00" {
		t.Errorf("time %s, want the first entry's 04:00:00", got)
	}
}

var _ decode.Format = gcpaudit.Format{}

package azureactivity_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

func TestPairing_AcrossInputs(t *testing.T) {
	begin, end := decodetest.ReadFile(t, "testdata/split_begin.json"), decodetest.ReadFile(t, "testdata/split_end.json")
	for _, order := range []struct {
		name   string
		inputs [][]byte
	}{
		{"begin first", [][]byte{begin, end}},
		{"end first", [][]byte{end, begin}},
	} {
		t.Run(order.name, func(t *testing.T) {
			// Through one pairer, as a run over a folder does.
			events := decodetest.DecodeInputs(t, azureactivity.Format{}, nil, order.inputs...).Clean(t)
			if len(events) != 1 {
				t.Fatalf("%d events, want 1 joined", len(events))
			}
			e := events[0]
			if e.Outcome != event.Success || e.Action != event.SnapshotCreate || len(e.Raw) != 2 {
				t.Errorf("outcome, action, raw = %s, %s, %d", e.Outcome, e.Action, len(e.Raw))
			}
			if e.Time.Format("15:04:05.0") != "12:59:59.5" {
				t.Errorf("time = %v, want the Start record's", e.Time)
			}
		})
	}
	// Apart, each half is an event of its own.
	if e := decodetest.MustDecode(t, azureactivity.Format{}, "begin", begin); len(e) != 1 || e[0].Outcome != event.Unknown {
		t.Errorf("lone Start: %d events, want 1 with unknown outcome", len(e))
	}
	if e := decodetest.MustDecode(t, azureactivity.Format{}, "end", end); len(e) != 1 || e[0].Outcome != event.Success {
		t.Errorf("lone Success: %d events, want 1 with its own outcome", len(e))
	}
}

func TestPairing_Shapes(t *testing.T) {
	tests := []struct {
		file    string
		events  int
		raws    []int // records per event
		firstID string
	}{
		{"records_pair.json", 1, []int{2}, ""},
		{"rest_pair.json", 1, []int{2}, "e0000002-0000-4000-8000-000000000001"},
		{"cli_reversed.json", 1, []int{2}, "e0000003-0000-4000-8000-000000000001"},
		{"async_three.json", 1, []int{3}, "e0000006-0000-4000-8000-000000000001"},
		{"vm_attach.json", 2, []int{2, 3}, "e0000009-0000-4000-8000-000000000001"},
		{"sql_copy.json", 2, []int{3, 2}, "e0000011-0000-4000-8000-000000000001"},
		{"sas_export.json", 2, []int{3, 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			events := decodeFixture(t, tt.file)
			if len(events) != tt.events {
				t.Fatalf("%d events, want %d", len(events), tt.events)
			}
			for i, e := range events {
				if len(e.Raw) != tt.raws[i] {
					t.Errorf("event %d joins %d records, want %d", i, len(e.Raw), tt.raws[i])
				}
			}
			if tt.firstID != "" && events[0].ID != tt.firstID {
				t.Errorf("id = %q, want the first record's %q", events[0].ID, tt.firstID)
			}
		})
	}
}

func TestPairing_Keys(t *testing.T) {
	const begin = `{"time":"2026-03-01T10:00:00Z","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMPUTE/SNAPSHOTS/A","operationName":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE","resultType":"Start","correlationId":"C1"}`
	tests := []struct {
		name   string
		input  string
		events int
	}{
		{"case-insensitive operation and resource", begin + "\n" +
			`{"time":"2026-03-01T10:00:01Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/a","operationName":"Microsoft.Compute/snapshots/write","resultType":"Success","correlationId":"c1"}`, 1},
		{"another resource under the same correlationId", begin + "\n" +
			`{"time":"2026-03-01T10:00:01Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/b","operationName":"Microsoft.Compute/snapshots/write","resultType":"Success","correlationId":"C1"}`, 2},
		{"another operation under the same correlationId", begin + "\n" +
			`{"time":"2026-03-01T10:00:01Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/a","operationName":"Microsoft.Compute/snapshots/delete","resultType":"Success","correlationId":"C1"}`, 2},
		{"no correlationId: records stand alone",
			`{"time":"2026-03-01T10:00:00Z","resourceId":"/subscriptions/s1/x","operationName":"Microsoft.Compute/snapshots/write","resultType":"Start"}` + "\n" +
				`{"time":"2026-03-01T10:00:01Z","resourceId":"/subscriptions/s1/x","operationName":"Microsoft.Compute/snapshots/write","resultType":"Success"}`, 2},
		{"two final records: two operations", begin + "\n" +
			`{"time":"2026-03-01T10:00:01Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/a","operationName":"Microsoft.Compute/snapshots/write","resultType":"Success","correlationId":"C1"}` + "\n" +
			`{"time":"2026-03-01T11:00:01Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/a","operationName":"Microsoft.Compute/snapshots/write","resultType":"Success","correlationId":"C1"}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events := decodetest.MustDecode(t, azureactivity.Format{}, "keys", []byte(tt.input))
			if len(events) != tt.events {
				t.Errorf("%d events, want %d", len(events), tt.events)
			}
		})
	}
}

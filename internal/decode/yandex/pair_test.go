package yandex_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// records returns a fixture's events as separate JSON texts.
func records(t *testing.T, file string) [][]byte {
	t.Helper()
	v, err := jsondoc.ParseBytes(decodetest.ReadFile(t, "testdata/"+file))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, x := range v.GetArray() {
		out = append(out, x.MarshalTo(nil))
	}
	return out
}

// decodeInputs decodes inputs in order with one decoder and one pairer, as
// a run over several files does, and fails on any bad record.
func decodeInputs(t *testing.T, inputs ...[]byte) []*event.Event {
	t.Helper()
	return decodetest.DecodeInputs(t, yandex.Format{}, nil, inputs...).Clean(t)
}

func array(recs ...[]byte) []byte {
	return append(append([]byte("["), bytes.Join(recs, []byte(",\n"))...), ']')
}

func TestPair(t *testing.T) {
	snap := records(t, "compute_create_snapshot.json") // STARTED, DONE
	inst := records(t, "compute_create_instance.json")
	tests := []struct {
		name    string
		inputs  [][]byte
		id      string
		outcome event.Outcome
		raws    int
		created string // a created id read from the DONE record
	}{
		{"in order", [][]byte{array(snap[0], snap[1])}, "evt00000000000000001", event.Success, 2, "fd8snap0000000000001"},
		{"reversed", [][]byte{array(snap[1], snap[0])}, "evt00000000000000001", event.Success, 2, "fd8snap0000000000001"},
		{"across inputs", [][]byte{array(inst[0]), array(inst[1])}, "evt00000000000000028", event.Success, 2, "fhminst0000000000001"},
		{"across inputs reversed", [][]byte{snap[1], snap[0]}, "evt00000000000000001", event.Success, 2, "fd8snap0000000000001"},
		{"lone started", [][]byte{snap[0]}, "evt00000000000000001", event.Unknown, 1, ""},
		{"lone done", [][]byte{snap[1]}, "evt00000000000000002", event.Success, 1, "fd8snap0000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := decodeInputs(t, tt.inputs...)
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			e := evs[0]
			if e.ID != tt.id || e.Outcome != tt.outcome || len(e.Raw) != tt.raws {
				t.Errorf("id %q outcome %q raws %d; want %q %q %d", e.ID, e.Outcome, len(e.Raw), tt.id, tt.outcome, tt.raws)
			}
			if tt.created != "" && e.Resource(event.RoleCreated, "") == nil {
				t.Errorf("no created resource, want %s", tt.created)
			} else if tt.created != "" && e.Resource(event.RoleCreated, "").ID != tt.created {
				t.Errorf("created %s, want %s", e.Resource(event.RoleCreated, "").ID, tt.created)
			}
			if tt.raws == 2 && rawStatus(t, e.Raw[0]) != "STARTED" {
				t.Errorf("first raw record is %s, want STARTED", rawStatus(t, e.Raw[0]))
			}
		})
	}
}

func rawStatus(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	v, err := jsondoc.ParseBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(v.GetStringBytes("event_status"))
}

// STARTED, RUNNING and DONE make one event; ERROR closes one as a failure.
func TestPair_lifecycle(t *testing.T) {
	e := decodeFile(t, "testdata/pair_running.json")[0]
	if len(e.Raw) != 3 || e.Outcome != event.Success || e.ID != "evt00000000000000097" {
		t.Errorf("running: %d raws, outcome %s, id %s", len(e.Raw), e.Outcome, e.ID)
	}
	e = decodeFile(t, "testdata/pair_error.json")[0]
	if len(e.Raw) != 2 || e.Outcome != event.Failure || e.Error == "" {
		t.Errorf("error: %d raws, outcome %s, error %q", len(e.Raw), e.Outcome, e.Error)
	}
}

// One request id covers CreateInstance and the CreateDisk of its boot disk,
// and three CreateSubnet events: each is its own operation.
func TestPair_sharedRequestID(t *testing.T) {
	count := map[string]int{}
	for _, e := range decodeFile(t, "testdata/shape_bucket_file.json") {
		count[e.Operation]++
		if e.Operation == "CreateInstance" || e.Operation == "CreateDisk" {
			if len(e.Raw) != 2 || e.Outcome != event.Success {
				t.Errorf("%s: %d raws, outcome %s", e.Operation, len(e.Raw), e.Outcome)
			}
		}
	}
	want := map[string]int{"CreateInstance": 1, "CreateDisk": 1, "CreateSubnet": 3, "ObjectCreate": 1}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("operations %v, want %v", count, want)
	}
}

// Without a request id nothing pairs: each record stands alone.
func TestPair_noRequestID(t *testing.T) {
	evs := decodeFile(t, "testdata/no_request_id.json")
	if len(evs) != 2 || evs[0].Outcome != event.Unknown || evs[1].Outcome != event.Success {
		t.Fatalf("got %d events", len(evs))
	}
}

package openstack_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/openstack"
	"github.com/snapwarden/snapwarden/internal/event"
)

// lines returns lines i.. of a fixture.
func lines(tb testing.TB, file string, idx ...int) [][]byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		tb.Fatal(err)
	}
	all := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	var out [][]byte
	for _, i := range idx {
		out = append(out, all[i])
	}
	return out
}

// decodeInputs decodes inputs one after another through one pairer, as a
// hunt over several files does, with auto-detection.
func decodeInputs(tb testing.TB, inputs ...[]byte) []*event.Event {
	tb.Helper()
	return decodetest.DecodeInputs(tb, nil, []decode.Format{openstack.Format{}}, inputs...).Clean(tb)
}

func join(parts ...[]byte) []byte { return append(bytes.Join(parts, []byte("\n")), '\n') }

// envelope wraps a notification as messagingv2 does.
func envelope(tb testing.TB, note []byte) []byte {
	tb.Helper()
	b, err := json.Marshal(map[string]string{"oslo.version": "2.0", "oslo.message": string(note)})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestPair_CADF(t *testing.T) {
	wrapped := lines(t, "cadf-nova.ndjson", 0, 1) // audit.http.request, audit.http.response
	raw := lines(t, "cadf-cinder.ndjson", 0, 1)   // keystonemiddleware events, pending then success
	req, resp := wrapped[0], wrapped[1]
	cases := []struct {
		name   string
		inputs [][]byte
		id     string
		raws   int
		out    event.Outcome
	}{
		{"request then response", [][]byte{join(req, resp)}, cadfID(1), 2, event.Success},
		{"response then request", [][]byte{join(resp, req)}, cadfID(1), 2, event.Success},
		{"across two inputs", [][]byte{join(req), join(resp)}, cadfID(1), 2, event.Success},
		{"across two inputs, response first", [][]byte{join(resp), join(req)}, cadfID(1), 2, event.Success},
		{"messagingv2 envelopes", [][]byte{join(envelope(t, req)), join(envelope(t, resp))}, cadfID(1), 2, event.Success},
		{"lone request", [][]byte{join(req)}, cadfID(1), 1, event.Unknown},
		{"lone response", [][]byte{join(resp)}, cadfID(1), 1, event.Success},
		{"raw pair", [][]byte{join(raw[1], raw[0])}, cadfID(10), 2, event.Success},
		{"raw lone request", [][]byte{join(raw[0])}, cadfID(10), 1, event.Unknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs := decodeInputs(t, c.inputs...)
			if len(evs) != 1 {
				t.Fatalf("%d events, want 1", len(evs))
			}
			e := evs[0]
			if e.ID != c.id || e.Outcome != c.out || len(e.Raw) != c.raws {
				t.Errorf("id %s outcome %s raws %d; want %s %s %d", e.ID, e.Outcome, len(e.Raw), c.id, c.out, c.raws)
			}
			if e.Action == "" || e.Actor.ID != alice {
				t.Errorf("action %q actor %q", e.Action, e.Actor.ID)
			}
		})
	}
}

func TestPair_StartEnd(t *testing.T) {
	l := lines(t, "cinder-snapshot.ndjson", 0, 1) // snapshot.create.start, .end
	start, end := l[0], l[1]
	cases := []struct {
		name   string
		inputs [][]byte
		op     string
		out    event.Outcome
		raws   int
	}{
		{"start then end", [][]byte{join(start, end)}, "snapshot.create.end", event.Success, 2},
		{"end then start", [][]byte{join(end, start)}, "snapshot.create.end", event.Success, 2},
		{"across two inputs", [][]byte{join(start), join(end)}, "snapshot.create.end", event.Success, 2},
		{"messagingv2 envelopes", [][]byte{join(envelope(t, start), envelope(t, end))}, "snapshot.create.end", event.Success, 2},
		{"lone start", [][]byte{join(start)}, "snapshot.create.start", event.Unknown, 1},
		{"lone end", [][]byte{join(end)}, "snapshot.create.end", event.Success, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs := decodeInputs(t, c.inputs...)
			if len(evs) != 1 {
				t.Fatalf("%d events, want 1", len(evs))
			}
			e := evs[0]
			if e.Operation != c.op || e.Outcome != c.out || len(e.Raw) != c.raws {
				t.Errorf("op %s outcome %s raws %d; want %s %s %d", e.Operation, e.Outcome, len(e.Raw), c.op, c.out, c.raws)
			}
			// The pair keeps the first record's id; the lone end its own.
			wantID := msgID(1)
			if c.name == "lone end" {
				wantID = msgID(2)
			}
			if e.ID != wantID || e.Action != event.SnapshotCreate {
				t.Errorf("id %s action %s; want %s snapshot.create", e.ID, e.Action, wantID)
			}
			if r := e.Resource(event.RoleCreated, event.Snapshot); r == nil || r.ID != snap(1) {
				t.Errorf("created snapshot %+v", r)
			}
		})
	}
}

// TestPair_MessagingV2Raw: an unwrapped record keeps the inner notification
// as its raw text, not the envelope.
func TestPair_MessagingV2Raw(t *testing.T) {
	inner := lines(t, "glance.ndjson", 0)[0]
	evs := decodeInputs(t, join(envelope(t, inner)))
	if len(evs) != 1 || len(evs[0].Raw) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	if !bytes.Equal(evs[0].Raw[0], inner) {
		t.Errorf("raw = %s, want the inner notification", evs[0].Raw[0])
	}
}

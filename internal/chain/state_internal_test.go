package chain

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// TestDecodeState: state round-trips byte for byte, and the JSON of
// checkpoints written before gob still loads.
func TestDecodeState(t *testing.T) {
	want := trackState{Start: 7, NewActor: true, Revision: 3,
		Hits:     [][]stepEvent{{{ID: "e\xff1", Actor: event.Actor{ID: "a\x00"}, Products: []string{"snap-\xfe"}}}},
		Products: [][]string{{"snap-\xfe"}}}
	b, err := encodeState(want)
	if err != nil {
		t.Fatal(err)
	}
	var got trackState
	if err := decodeState(b, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("gob: %+v, %v; want %+v", got, err, want)
	}

	legacy := trackState{Start: 7, Revision: 2, Hits: [][]stepEvent{{{ID: "e1", Products: []string{"snap-1"}}}}, Products: [][]string{{"snap-1"}}}
	j, err := json.Marshal(legacy)
	if err != nil {
		t.Fatal(err)
	}
	got = trackState{}
	if err := decodeState(j, &got); err != nil || !reflect.DeepEqual(got, legacy) {
		t.Errorf("JSON: %+v, %v; want %+v", got, err, legacy)
	}
	for _, bad := range [][]byte{nil, {gobState}, {gobState, 0xff, 0xff}, []byte("{")} {
		if err := decodeState(bad, &got); err == nil {
			t.Errorf("decodeState(%q): no error", bad)
		}
	}
}

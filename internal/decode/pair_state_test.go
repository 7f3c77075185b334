package decode_test

import (
	"context"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
)

// A half saved by one Pairer and loaded into another pairs with its partner
// as if the process had never stopped.
func TestPairerSaveLoad(t *testing.T) {
	first := `{"k":"1","p":"first","t":"2026-01-01T00:00:00Z","id":"req","v":"F"}`
	last := `{"k":"1","p":"last","t":"2026-01-01T00:00:09Z","id":"resp","v":"L"}`
	formats := []decode.Format{pairFormat{}}
	var got []*event.Event
	emit := func(e *event.Event) error { got = append(got, e); return nil }
	bad := func(re *decode.RecordError) error { t.Errorf("bad record: %v", re); return nil }

	before := decode.NewPairer()
	d := decode.NewDecoder(decode.Options{Formats: formats, Pairer: before})
	if _, err := d.Decode(context.Background(), strings.NewReader(first), "queue:1", emit, bad); err != nil {
		t.Fatal(err)
	}
	if none, err := before.Save(func(event.Source) bool { return false }); err != nil || strings.Contains(string(none), "queue:1") {
		t.Fatalf("save keeping nothing: %s %v", none, err)
	}
	saved, err := before.Save(func(src event.Source) bool { return src.File == "queue:1" })
	if err != nil || len(got) != 0 || before.Pending() != 1 {
		t.Fatalf("save: %v, %d emitted, %d pending", err, len(got), before.Pending())
	}

	after := decode.NewPairer()
	if err := after.Load(saved, formats); err != nil {
		t.Fatal(err)
	}
	d = decode.NewDecoder(decode.Options{Formats: formats, Pairer: after})
	if _, err := d.Decode(context.Background(), strings.NewReader(last), "queue:2", emit, bad); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Operation != "F+L" || got[0].ID != "req" || got[0].Source.File != "queue:1" || after.Pending() != 0 {
		t.Fatalf("after load: %d events %+v, %d pending", len(got), got, after.Pending())
	}

	if err := decode.NewPairer().Load(saved, nil); err == nil || !strings.Contains(err.Error(), `"pairs"`) {
		t.Fatalf("load without the format: %v, want an error naming it", err)
	}
	if err := decode.NewPairer().Load([]byte("{"), formats); err == nil {
		t.Fatal("load of broken JSON: no error")
	}
}

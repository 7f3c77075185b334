package decode_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// pairFormat: {"k": key, "p": "first"|"mid"|"last", "t": RFC 3339, "id", "v"}.
type pairFormat struct{}

func (pairFormat) Name() string                { return "pairs" }
func (pairFormat) Sniff(v *jsondoc.Value) bool { return v.Exists("k") }
func (pairFormat) Decode(v *jsondoc.Value, out *decode.Output) error {
	part := map[string]decode.Part{"first": decode.First, "mid": decode.Middle, "last": decode.Last}[decode.Str(v, "p")]
	t, _ := decode.ParseTime(decode.Str(v, "t"))
	return out.Half(v, nil, decode.Str(v, "k"), part, t)
}
func (pairFormat) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	d := decode.Docs(docs)
	out := event.Unknown
	if decode.Str(d.Last(), "p") == "last" {
		out = event.Success
	}
	var vs []string
	for _, doc := range docs {
		vs = append(vs, decode.Str(doc, "v"))
	}
	return &event.Event{ID: d.Str("id"), Cloud: event.Azure, Operation: strings.Join(vs, "+"), Outcome: out}, nil
}

func decodeAll(t *testing.T, p *decode.Pairer, inputs ...string) []*event.Event {
	t.Helper()
	var got []*event.Event
	emit := func(e *event.Event) error { got = append(got, e); return nil }
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{pairFormat{}}, Pairer: p})
	for i, in := range inputs {
		_, err := d.Decode(context.Background(), strings.NewReader(in), string(rune('a'+i)), emit,
			func(re *decode.RecordError) error { t.Errorf("bad record: %v", re); return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(emit); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPairer(t *testing.T) {
	first := `{"k":"1","p":"first","t":"2026-01-01T00:00:00Z","id":"req","v":"F"}`
	mid := `{"k":"1","p":"mid","t":"2026-01-01T00:00:01Z","id":"mid","v":"M"}`
	last := `{"k":"1","p":"last","t":"2026-01-01T00:00:02Z","id":"resp","v":"L"}`
	tests := []struct {
		name   string
		inputs []string
		want   string // id:operation:outcome per event
	}{
		{"in order", []string{first + "\n" + last}, "req:F+L:success"},
		{"reversed", []string{last + "\n" + first}, "req:F+L:success"},
		{"across inputs", []string{last, first}, "req:F+L:success"},
		{"with a middle", []string{mid + "\n" + last + "\n" + first}, "req:F+M+L:success"},
		{"lone first", []string{first}, "req:F:unknown"},
		{"lone last", []string{last}, "resp:L:success"},
		{"second request closes the first", []string{first + "\n" + first}, "req:F:unknown req:F:unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range decodeAll(t, decode.NewPairer(), tc.inputs...) {
				got = append(got, e.ID+":"+e.Operation+":"+string(e.Outcome))
				if len(e.Raw) == 0 || e.Source.File == "" {
					t.Errorf("event %s lacks raw records or source", e.ID)
				}
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("events = %q, want %q", s, tc.want)
			}
		})
	}
}

func TestPairerWindow(t *testing.T) {
	p := decode.NewPairer()
	p.Window = time.Minute
	var b bytes.Buffer
	b.WriteString(`{"k":"old","p":"first","t":"2026-01-01T00:00:00Z","id":"old","v":"O"}` + "\n")
	// 5000 newer lone halves push the watermark past the old one's window.
	for i := range 5000 {
		b.WriteString(`{"k":"n` + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + `","p":"first","t":"2026-01-01T01:00:00Z","id":"n","v":"N"}` + "\n")
	}
	got := decodeAll(t, p, b.String())
	if p.Evicted() == 0 {
		t.Error("nothing evicted past the window")
	}
	if got[0].ID != "old" {
		t.Errorf("first emitted = %s, want the evicted old half", got[0].ID)
	}
}

// otherPairs is a second paired format, for the per-format window.
type otherPairs struct{ pairFormat }

func (otherPairs) Name() string                { return "other" }
func (otherPairs) Sniff(v *jsondoc.Value) bool { return v.Exists("o") }
func (otherPairs) Decode(v *jsondoc.Value, out *decode.Output) error {
	t, _ := decode.ParseTime(decode.Str(v, "t"))
	return out.Half(v, nil, decode.Str(v, "o"), decode.First, t)
}

// TestPairerWindowPerFormat: another format's newer records do not push a
// pending half out: one cloud's logs read ahead of another's leave the
// other's pairs whole.
func TestPairerWindowPerFormat(t *testing.T) {
	p := decode.NewPairer()
	p.Window = time.Minute
	var b bytes.Buffer
	b.WriteString(`{"k":"old","p":"first","t":"2026-01-01T00:00:00Z","id":"old","v":"O"}` + "\n")
	for i := range 5000 {
		b.WriteString(`{"o":"x` + strconv.Itoa(i) + `","t":"2026-01-03T00:00:00Z","id":"n","v":"N"}` + "\n")
	}
	b.WriteString(`{"k":"old","p":"last","t":"2026-01-01T00:00:05Z","id":"old-end","v":"E"}` + "\n")
	var got []*event.Event
	emit := func(e *event.Event) error { got = append(got, e); return nil }
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{otherPairs{}, pairFormat{}}, Pairer: p})
	if _, err := d.Decode(context.Background(), strings.NewReader(b.String()), "a", emit, func(re *decode.RecordError) error {
		t.Errorf("bad record: %v", re)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(emit); err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if e.ID == "old" {
			if e.Operation != "O+E" || e.Outcome != event.Success {
				t.Errorf("old pair = %s %s, want O+E joined", e.Operation, e.Outcome)
			}
			return
		}
	}
	t.Error("old pair not emitted")
}

func TestPairerStopsOnEmitError(t *testing.T) {
	p := decode.NewPairer()
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{pairFormat{}}, Pairer: p})
	boom := errors.New("boom")
	in := `{"k":"1","p":"first","id":"a"}` + "\n" + `{"k":"1","p":"last","id":"b"}`
	_, err := d.Decode(context.Background(), strings.NewReader(in), "x", func(*event.Event) error { return boom },
		func(*decode.RecordError) error { return nil })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

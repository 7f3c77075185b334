package decode_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// trailLine is a CloudTrail read (its event is lent and waits in a batch)
// with eventID id, padded to about pad bytes.
func trailLine(id string, pad int) string {
	return `{"eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",` +
		`"awsRegion":"us-east-1","eventID":"` + id + `","recipientAccountId":"111122223333",` +
		`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},` +
		`"requestParameters":{"filter":"` + strings.Repeat("x", pad) + `"}}`
}

// twoFormat: {"two": id, "sub": {...}} gives two events: first the
// sub-object's (not the record itself: emitted at once), then the record's.
// {"two": id, "after": true} gives them the other way round.
type twoFormat struct{}

func (twoFormat) Name() string                { return "two" }
func (twoFormat) Sniff(v *jsondoc.Value) bool { return v.Exists("two") }
func (twoFormat) Decode(v *jsondoc.Value, out *decode.Output) error {
	if v.Exists("after") {
		if err := out.Record(v, nil); err != nil {
			return err
		}
		return out.Record(v.Get("sub"), nil)
	}
	if err := out.Record(v.Get("sub"), nil); err != nil {
		return err
	}
	return out.Record(v, nil)
}
func (twoFormat) Normalize(docs []*jsondoc.Value) (*event.Event, error) {
	id := decode.Str(docs[0], "two")
	if id == "" {
		id = decode.Str(docs[0], "id")
	}
	return &event.Event{ID: id, Cloud: event.VKCloud, Operation: "two"}, nil
}

// batchInput mixes what a batch must keep in order: lent CloudTrail events
// that wait, records with two events, the halves of pairs, a record too
// long to wait with others, and bad records.
func batchInput() string {
	var b strings.Builder
	for i := range 70 {
		id := fmt.Sprint("e", i)
		switch {
		case i == 20:
			b.WriteString(trailLine(id, 20<<10)) // longer than a batched record
		case i%23 == 5:
			fmt.Fprintf(&b, `{"two":%q,"sub":{"id":"%s-sub"}}`, id, id)
		case i%29 == 7:
			fmt.Fprintf(&b, `{"two":%q,"after":true,"sub":{"id":"%s-sub"}}`, id, id)
		case i%17 == 3:
			fmt.Fprintf(&b, `{"k":"%d","p":"first","t":"2026-01-01T00:00:00Z","id":%q,"v":"F"}`+"\n", i, id)
			fmt.Fprintf(&b, `{"k":"%d","p":"last","t":"2026-01-01T00:00:01Z","id":"%s-last","v":"L"}`, i, id)
		case i == 40:
			b.WriteString(`{"eventSource": broken`)
		case i == 50: // long and broken: held for the next batch, then read again the careful way
			b.WriteString(`{"eventSource":"` + strings.Repeat("x", 20<<10) + `", broken}`)
		default:
			b.WriteString(trailLine(id, i*7))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// emitted is what an emit saw of one event, read while it was handed over:
// its id, line, and the id its parsed and raw record hold then.
func emitted(e *event.Event) string {
	doc, raw := "-", "-"
	if len(e.Docs) > 0 && e.Docs[0] != nil {
		doc = decode.Str(e.Docs[0], "eventID") + decode.Str(e.Docs[0], "two") + decode.Str(e.Docs[0], "id")
	}
	if len(e.Raw) > 0 {
		if v, err := jsondoc.ParseBytes(e.Raw[0]); err == nil {
			raw = decode.Str(v, "eventID") + decode.Str(v, "two") + decode.Str(v, "id")
		}
	}
	return fmt.Sprintf("%s line %d doc %s raw %s", e.ID, e.Source.Line, doc, raw)
}

func newBatchDecoder() *decode.Decoder {
	return decode.NewDecoder(decode.Options{
		Formats: []decode.Format{cloudtrail.Format{}, twoFormat{}, pairFormat{}},
		Pairer:  decode.NewPairer(),
		Scratch: true,
	})
}

// TestDecodeBytes_batchKeepsOrder: an input held in memory, whose events
// wait in batches, gives the events of the same input read as a stream,
// in the same order, each with its parsed and raw record valid while it is
// emitted; the offset the decoder reports never runs past the record being
// emitted.
func TestDecodeBytes_batchKeepsOrder(t *testing.T) {
	in := batchInput()
	run := func(inMemory bool) (got []string, st decode.Stats, bad []string) {
		d := newBatchDecoder()
		last := int64(-1)
		emit := func(e *event.Event) error {
			got = append(got, emitted(e))
			if e.Format == "cloudtrail" {
				at := d.Offset()
				if at < last || at > e.Source.Offset+int64(len(e.Raw[0]))+1 {
					t.Errorf("%s at offset %d: decoder says %d (before: %d)", e.ID, e.Source.Offset, at, last)
				}
				last = at
			}
			return nil
		}
		onBad := func(re *decode.RecordError) error { bad = append(bad, re.Error()); return nil }
		var err error
		if inMemory {
			st, err = d.DecodeBytes(context.Background(), []byte(in), "in", emit, onBad)
		} else {
			st, err = d.Decode(context.Background(), strings.NewReader(in), "in", emit, onBad)
		}
		if err != nil {
			t.Fatal(err)
		}
		return got, st, bad
	}
	want, wantSt, wantBad := run(false)
	got, st, gotBad := run(true)
	if len(want) < 60 {
		t.Fatalf("only %d events from the stream", len(want))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("in memory:\n%s\n\nas a stream:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range got {
		var id, doc, raw string
		var line int
		fmt.Sscanf(s, "%s line %d doc %s raw %s", &id, &line, &doc, &raw)
		if strings.HasPrefix(doc, "e") && !strings.HasPrefix(doc, id) || raw != doc && raw != "-" {
			t.Errorf("%s: its record read %s and %s when it was emitted", id, doc, raw)
		}
	}
	if fmt.Sprint(st.Records, st.Malformed, st.PerFormat) != fmt.Sprint(wantSt.Records, wantSt.Malformed, wantSt.PerFormat) ||
		strings.Join(gotBad, "\n") != strings.Join(wantBad, "\n") || len(gotBad) != 2 {
		t.Errorf("in memory: %+v %q; as a stream: %+v %q", st, gotBad, wantSt, wantBad)
	}
}

// TestDecodeBytes_batchEmitPanics: a panic while an event waiting in a
// batch is emitted costs that record, reported with its line, and no other.
func TestDecodeBytes_batchEmitPanics(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString(trailLine(fmt.Sprint("e", i), 0) + "\n")
	}
	var got []string
	emit := func(e *event.Event) error {
		if e.ID == "e21" {
			panic("a bug")
		}
		got = append(got, strings.Clone(e.ID)) // a view into the lent record
		return nil
	}
	var bad []string
	st, err := newBatchDecoder().DecodeBytes(context.Background(), []byte(b.String()), "in", emit,
		func(re *decode.RecordError) error { bad = append(bad, re.Error()); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 39 || got[21] != "e22" || len(bad) != 1 || !strings.HasPrefix(bad[0], "in:22: cloudtrail: internal error") {
		t.Errorf("emitted %d (%v), bad %q", len(got), got, bad)
	}
	if st.Records != 40 || st.Malformed != 1 || st.PerFormat["cloudtrail"] != 39 {
		t.Errorf("stats %+v", st)
	}
}

// TestDecodeBytes_batchEmitErrorStops: an emit that fails stops decoding
// at that event; none after it is emitted.
func TestDecodeBytes_batchEmitErrorStops(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString(trailLine(fmt.Sprint("e", i), 0) + "\n")
	}
	stop := errors.New("stop")
	var got []string
	emit := func(e *event.Event) error {
		got = append(got, strings.Clone(e.ID)) // a view into the lent record
		if e.ID == "e5" {
			return stop
		}
		return nil
	}
	_, err := newBatchDecoder().DecodeBytes(context.Background(), []byte(b.String()), "in", emit,
		func(re *decode.RecordError) error { t.Error(re); return nil })
	if !errors.Is(err, stop) || len(got) != 6 {
		t.Errorf("err %v after %v", err, got)
	}
}

// fault is a memory fault's panic, as the runtime makes one under
// debug.SetPanicOnFault.
type fault struct{ addr uintptr }

func (f fault) Error() string { return "fault" }
func (f fault) Addr() uintptr { return f.addr }
func (f fault) RuntimeError() {}
func addrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// TestDecodeBytes_faultInInput: a memory fault inside the input (a mapped
// file cut short under the reader) is passed on to whoever mapped it, not
// taken for a bug of the record being emitted; any other panic costs the
// record alone.
func TestDecodeBytes_faultInInput(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		b.WriteString(trailLine(fmt.Sprint("e", i), 0) + "\n")
	}
	// run decodes data in memory with d, returning the panic that ended it,
	// if any, and the bad records it reported.
	run := func(d *decode.Decoder, data []byte, emit func(*event.Event) error) (p any, bad []string) {
		defer func() { p = recover() }()
		d.DecodeBytes(context.Background(), data, "in", emit,
			func(re *decode.RecordError) error { bad = append(bad, re.Error()); return nil })
		return nil, bad
	}
	tests := []struct {
		name    string
		data    []byte
		decoder func(addr uintptr) *decode.Decoder
		emit    func(addr uintptr) func(*event.Event) error
		bad     string // the record reported for a fault elsewhere
	}{{
		name:    "emitting",
		data:    []byte(b.String()),
		decoder: func(uintptr) *decode.Decoder { return newBatchDecoder() },
		emit: func(addr uintptr) func(*event.Event) error {
			return func(e *event.Event) error {
				if e.ID == "e21" {
					panic(fault{addr})
				}
				return nil
			}
		},
		bad: "in:22: cloudtrail: internal error",
	}, {
		name: "decoding",
		data: []byte(b.String() + `{"boom":1}` + "\n" + b.String()),
		decoder: func(addr uintptr) *decode.Decoder {
			return decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}, boomFormat{addr}}})
		},
		emit: func(uintptr) func(*event.Event) error { return func(*event.Event) error { return nil } },
		bad:  "in:41: boom: internal error",
	}}
	for _, tc := range tests {
		inside := addrOf(tc.data) + 100
		if p, bad := run(tc.decoder(inside), tc.data, tc.emit(inside)); p != (fault{inside}) || bad != nil {
			t.Errorf("%s, a fault inside the input: panic %v, bad records %q", tc.name, p, bad)
		}
		if p, bad := run(tc.decoder(8), tc.data, tc.emit(8)); p != nil || len(bad) != 1 || !strings.HasPrefix(bad[0], tc.bad) {
			t.Errorf("%s, a fault elsewhere: panic %v, bad records %q", tc.name, p, bad)
		}
	}
}

// boomFormat panics with a fault at addr on {"boom": …}.
type boomFormat struct{ addr uintptr }

func (boomFormat) Name() string                { return "boom" }
func (boomFormat) Sniff(v *jsondoc.Value) bool { return v.Exists("boom") }
func (f boomFormat) Decode(*jsondoc.Value, *decode.Output) error {
	panic(fault{f.addr})
}
func (boomFormat) Normalize([]*jsondoc.Value) (*event.Event, error) { return nil, errors.New("no") }

// Package decodetest holds what every decoder's tests share: running a
// format over bytes or files, golden files, the repository's examples, the
// shared sample folder, Sniff checks and fuzzing.
package decodetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// Result is what decoding one input, or several in a row, produced.
type Result struct {
	Events []*event.Event
	Errors []*decode.RecordError
	Stats  decode.Stats // summed over the inputs
	Err    error        // the first error that ended an input early
	Lent   int          // events the decoder lent (scratch runs)
}

// Clean fails the test for each bad record and for an input that ended
// early, and returns the events.
func (r Result) Clean(tb testing.TB) []*event.Event {
	tb.Helper()
	for _, e := range r.Errors {
		tb.Errorf("bad record: %v", e)
	}
	if r.Err != nil {
		tb.Errorf("input ended early: %v", r.Err)
	}
	return r.Events
}

// input is one named input.
type input struct {
	name string
	data []byte
}

// Decode runs format f (auto-detection among fs when f is nil) over data,
// an input called name, pairing records and flushing unpaired halves at the
// end.
func Decode(tb testing.TB, f decode.Format, fs []decode.Format, name string, data []byte) Result {
	tb.Helper()
	return decodeAll(tb, f, fs, []input{{name, data}}, false)
}

// DecodeInputs decodes inputs one after another through one decoder and one
// pairer, as a run over several files does, and flushes what stays unpaired
// at the end. The inputs are named input1, input2 and so on; f and fs are as
// for Decode.
func DecodeInputs(tb testing.TB, f decode.Format, fs []decode.Format, inputs ...[]byte) Result {
	tb.Helper()
	var in []input
	for i, b := range inputs {
		in = append(in, input{fmt.Sprintf("input%d", i+1), b})
	}
	return decodeAll(tb, f, fs, in, false)
}

// DecodeFiles is DecodeInputs over files, each named by its path and read
// with ReadFile.
func DecodeFiles(tb testing.TB, f decode.Format, fs []decode.Format, paths ...string) Result {
	tb.Helper()
	var in []input
	for _, p := range paths {
		in = append(in, input{p, ReadFile(tb, p)})
	}
	return decodeAll(tb, f, fs, in, false)
}

// decodeAll decodes inputs with one decoder. With scratch, the decoder
// reads the inputs where they are (DecodeBytes) and lends events
// (decode.Options.Scratch), and each is kept as a consumer must keep one:
// Own, then a Clone (without its raw records).
func decodeAll(tb testing.TB, f decode.Format, fs []decode.Format, inputs []input, scratch bool) Result {
	tb.Helper()
	res := Result{Stats: decode.Stats{PerFormat: map[string]int{}}}
	p := decode.NewPairer()
	if fs == nil {
		fs = []decode.Format{f}
	}
	d := decode.NewDecoder(decode.Options{Format: f, Formats: fs, Pairer: p, Scratch: scratch})
	emit := func(e *event.Event) error { e.Detach(); res.Events = append(res.Events, e); return nil }
	if scratch {
		// The decoder lends one event for each record of a batch (16), and
		// lends them again batch after batch.
		lent := map[*event.Event]bool{}
		emit = func(e *event.Event) error {
			if e.Scratch {
				res.Lent++
				if lent[e] = true; len(lent) > 16 {
					tb.Errorf("%d scratch events: the decoder lends at most 16", len(lent))
				}
				if len(e.Resources)+len(e.Shares)+len(e.Ingress) > 0 {
					tb.Errorf("scratch event %s has resources, shares or ingress rules", e.ID)
				}
			}
			e.Own()
			res.Events = append(res.Events, e.Clone())
			return nil
		}
	}
	bad := func(e *decode.RecordError) error { res.Errors = append(res.Errors, e); return nil }
	for _, in := range inputs {
		var (
			st  decode.Stats
			err error
		)
		if scratch {
			st, err = d.DecodeBytes(context.Background(), in.data, in.name, emit, bad)
		} else {
			st, err = d.Decode(context.Background(), bytes.NewReader(in.data), in.name, emit, bad)
		}
		res.Stats.Records += st.Records
		res.Stats.Malformed += st.Malformed
		res.Stats.Bytes += st.Bytes
		for name, n := range st.PerFormat {
			res.Stats.PerFormat[name] += n
		}
		if err != nil && res.Err == nil {
			res.Err = fmt.Errorf("%s: %w", in.name, err)
		}
	}
	if err := p.Flush(emit); err != nil {
		var last string
		if len(inputs) > 0 {
			last = inputs[len(inputs)-1].name
		}
		res.Errors = append(res.Errors, &decode.RecordError{File: last, Err: err})
	}
	return res
}

// MustDecode is Decode with format f forced, failing the test on any bad
// record or early end.
func MustDecode(tb testing.TB, f decode.Format, name string, data []byte) []*event.Event {
	tb.Helper()
	return Decode(tb, f, nil, name, data).Clean(tb)
}

// WorldOpen reports whether e's ingress opens port to any IPv4 address
// (0.0.0.0/0) and to any IPv6 address (::/0).
func WorldOpen(e *event.Event, port int) (v4, v6 bool) {
	for _, in := range e.Ingress {
		if in.WorldOpen() && in.CoversPort(port) {
			v4 = v4 || in.Source == "0.0.0.0/0"
			v6 = v6 || in.Source == "::/0"
		}
	}
	return v4, v6
}

// Sniff runs f.Sniff over a JSON text in a subtest named name, and fails it
// unless f claims the text exactly when want says so.
func Sniff(t *testing.T, f decode.Format, name, json string, want bool) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		v, err := jsondoc.Parse(json)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Sniff(v); got != want {
			t.Errorf("Sniff = %v, want %v", got, want)
		}
	})
}

// Fuzz decodes arbitrary bytes with f: it must never panic (a recovered
// panic surfaces as an "internal error" record error, which fails here), and
// every event must name its cloud, operation and id.
func Fuzz(t *testing.T, f decode.Format, data []byte) {
	res := Decode(t, f, nil, "fuzz", data)
	for _, e := range res.Errors {
		if strings.Contains(e.Error(), "internal error") {
			t.Fatalf("decoder panicked: %v", e)
		}
	}
	if res.Err != nil && errors.Is(res.Err, context.Canceled) {
		t.Fatal(res.Err)
	}
	for _, e := range res.Events {
		if e.Cloud == "" || e.Operation == "" || e.ID == "" {
			t.Fatalf("event lacks cloud, operation or id: %+v", e)
		}
	}
	sameWithScratch(t, f, "fuzz", data, res)
}

// Scratch decodes data with f as Decode does, and again in memory with
// events lent (decode.Options.Scratch, DecodeBytes), failing the test
// unless the events are the same and data is untouched. It returns the
// events and how many were lent.
func Scratch(t *testing.T, f decode.Format, data []byte) (events, lent int) {
	t.Helper()
	res := Decode(t, f, nil, "input", data)
	return len(res.Events), sameWithScratch(t, f, "input", data, res)
}

// sameWithScratch is Scratch given the events decoded the plain way from
// the input named name.
func sameWithScratch(t *testing.T, f decode.Format, name string, data []byte, owned Result) (lent int) {
	t.Helper()
	held := bytes.Clone(data)
	scratch := decodeAll(t, f, nil, []input{{name, held}}, true)
	if !bytes.Equal(held, data) {
		t.Fatalf("DecodeBytes wrote its input: %q, was %q", held, data)
	}
	if len(scratch.Events) != len(owned.Events) {
		t.Fatalf("%d events with scratch events, %d without", len(scratch.Events), len(owned.Events))
	}
	for i, e := range owned.Events {
		if e.Scratch {
			t.Fatalf("event %d: scratch from a decoder without Scratch", i)
		}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(scratch.Events[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("event %d with scratch events:\n%s\nwithout:\n%s", i, got, want)
		}
	}
	return scratch.Lent
}

// Seeds returns the files matching glob as fuzz seeds.
func Seeds(tb testing.TB, glob string) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

type splitItem struct {
	text string
	line int
	err  bool
}

func splitAll(tb testing.TB, r io.Reader) (items []splitItem, fatal error) {
	return splitWith(NewSplitter(r))
}

func splitWith(s *Splitter) (items []splitItem, fatal error) {
	for {
		ch, err := s.Next()
		if err == io.EOF {
			return items, nil
		}
		var re *RecordError
		if errors.As(err, &re) {
			items = append(items, splitItem{line: re.Line, err: true})
			continue
		}
		if err != nil {
			return items, err
		}
		if ch.Whole && !wholeRecord(ch.Bytes) {
			s.Rewind() // as the Decoder does
			continue
		}
		items = append(items, splitItem{text: string(ch.Bytes), line: ch.Line})
	}
}

// wholeRecord is the Decoder's test of a Whole chunk: valid JSON and not a
// container.
func wholeRecord(b []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	for k, v := range m {
		if wrapperKeys[k] && len(v) > 0 && v[0] == '[' {
			return false
		}
	}
	return true
}

func TestSplitter(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []splitItem
		fatal bool
	}{
		{"ndjson", "{\"a\":1}\n{\"b\":2}\n", []splitItem{{`{"a":1}`, 1, false}, {`{"b":2}`, 2, false}}, false},
		{"array", "[\n {\"a\":1},\n {\"b\":\"]}\"}\n]", []splitItem{{`{"a":1}`, 2, false}, {`{"b":"]}"}`, 3, false}}, false},
		{"records", `{"Records":[{"a":1},{"b":{"c":[1,2]}}]}`, []splitItem{{`{"a":1}`, 1, false}, {`{"b":{"c":[1,2]}}`, 1, false}}, false},
		{"wrapper after other keys", "{\"x\":{\"Records\":1},\"logs\":[{\"a\":1}],\"marker\":\"m\"}\n{\"z\":2}",
			[]splitItem{{`{"a":1}`, 1, false}, {`{"z":2}`, 2, false}}, false},
		{"record with non-array wrapper key", `{"value":"x","k":[1]}`, []splitItem{{`{"value":"x","k":[1]}`, 1, false}}, false},
		{"text lines", "<14>1 2024 host app - - - {\"a\":1}\r\nCEF:0|x\n", []splitItem{{`<14>1 2024 host app - - - {"a":1}`, 1, false}, {`CEF:0|x`, 2, false}}, false},
		{"bad ndjson line resyncs", "{\"a\":1}\n{\"b\" 2}\n{\"c\":3}\n", []splitItem{{`{"a":1}`, 1, false}, {"", 2, true}, {`{"c":3}`, 3, false}}, false},
		{"truncated array", "[{\"a\":1},{\"b\":", []splitItem{{`{"a":1}`, 1, false}}, true},
		{"escaped quotes", `{"a":"x\"}\\"}`, []splitItem{{`{"a":"x\"}\\"}`, 1, false}}, false},
		{"bom and blank", "\xEF\xBB\xBF\n\n{\"a\":1}", []splitItem{{`{"a":1}`, 3, false}}, false},
		{"empty array", "[]", nil, false},
	}
	for _, tc := range tests {
		for _, mode := range []string{"whole", "bytewise", "reset"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				var r io.Reader = strings.NewReader(tc.in)
				var got []splitItem
				var fatal error
				switch mode {
				case "bytewise":
					got, fatal = splitAll(t, iotest.OneByteReader(r))
				case "reset":
					// A splitter left inside an array of another input,
					// past its line 2, then reset: no state may carry over.
					s := NewSplitter(strings.NewReader("\n[{\"a\":1},\n{\"b\":"))
					s.Next()
					s.Next()
					s.Reset(r)
					got, fatal = splitWith(s)
				default:
					got, fatal = splitAll(t, r)
				}
				if (fatal != nil) != tc.fatal {
					t.Fatalf("fatal = %v, want fatal %v", fatal, tc.fatal)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("got %d items %+v, want %+v", len(got), got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Errorf("item %d = %+v, want %+v", i, got[i], tc.want[i])
					}
				}
			})
		}
	}
}

// TestSplitterResetBuffer: a buffer grown for a huge record is not kept.
func TestSplitterResetBuffer(t *testing.T) {
	big := `{"a":"` + strings.Repeat("x", 4*maxKeptBuffer) + `"}`
	s := NewSplitter(strings.NewReader(big))
	if ch, err := s.Next(); err != nil || len(ch.Bytes) != len(big) {
		t.Fatalf("big record: %d bytes, %v", len(ch.Bytes), err)
	}
	s.Reset(strings.NewReader(`{"b":1}`))
	if cap(s.buf) > maxKeptBuffer {
		t.Errorf("buffer of %d bytes kept, want at most %d", cap(s.buf), maxKeptBuffer)
	}
	if ch, err := s.Next(); err != nil || string(ch.Bytes) != `{"b":1}` || ch.Line != 1 || ch.Offset != 0 {
		t.Errorf("after Reset: %q line %d offset %d, %v", ch.Bytes, ch.Line, ch.Offset, err)
	}
}

func TestSplitterMaxRecord(t *testing.T) {
	in := `[{"a":"` + strings.Repeat("x", 100) + `"},{"b":1}]`
	s := NewSplitter(iotest.OneByteReader(strings.NewReader(in)))
	s.SetMaxRecord(50)
	_, err := s.Next()
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("first record: err = %v, want a RecordError", err)
	}
	ch, err := s.Next()
	if err != nil || string(ch.Bytes) != `{"b":1}` {
		t.Fatalf("second record = %q, %v", ch.Bytes, err)
	}
}

// FuzzSplitter: any input ends in io.EOF or a fatal error after finitely
// many records, without panicking, whatever the read sizes.
func FuzzSplitter(f *testing.F) {
	for _, s := range []string{
		`{"Records":[{"a":1},{"b":[2,{"c":"]"}]}],"x":1}`,
		"[{\"a\":1},\n{\"b\":2}]\n{\"c\":3}\nCEF:0|a|b\n",
		`{"a":"\"\\","logs":[1,"x",{"y":{}}]}`,
		"{\"a\":\n[[[[",
		"\xEF\xBB\xBF[]",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, bytewise bool) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("splitter hangs on %q bytewise=%v", data, bytewise))
			}
		}()
		var r io.Reader = strings.NewReader(string(data))
		if bytewise {
			r = iotest.OneByteReader(r)
		}
		s := NewSplitter(r)
		s.SetMaxRecord(64)
		for i := 0; i <= 2*len(data)+2; i++ {
			ch, err := s.Next()
			if err != nil {
				var re *RecordError
				if errors.As(err, &re) {
					continue
				}
				return
			}
			if ch.Whole && !wholeRecord(ch.Bytes) {
				s.Rewind()
			}
			if len(ch.Bytes) > 64 {
				t.Fatalf("chunk of %d bytes over the limit", len(ch.Bytes))
			}
		}
		t.Fatalf("splitter did not finish after %d calls", 2*len(data)+3)
	})
}

// FuzzSplitterBytes: splitting an input held in memory (ResetBytes) yields
// what reading it does, and never writes the input.
func FuzzSplitterBytes(f *testing.F) {
	for _, s := range []string{
		`{"Records":[{"a":1},{"b":[2,{"c":"]"}]}],"x":1}`,
		"[{\"a\":1},\n{\"b\":2}]\n{\"c\":3}\nCEF:0|a|b\n",
		"{\"a\":1}\r\n{\"b\":\n2}\n  {\"c\":3}",
		`{"a":"\"\\","logs":[1,"x",{"y":{}}]}`,
		"{\"a\":\n[[[[",
		"\xEF\xBB\xBF[]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		read := NewSplitter(iotest.HalfReader(strings.NewReader(string(data))))
		read.SetMaxRecord(64)
		want, wantErr := splitWith(read)
		in := []byte(string(data))
		var held Splitter
		held.ResetBytes(in)
		held.SetMaxRecord(64)
		got, gotErr := splitWith(&held)
		if fmt.Sprint(got) != fmt.Sprint(want) || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("in memory: %v, %v\nread: %v, %v", got, gotErr, want, wantErr)
		}
		if string(in) != string(data) {
			t.Fatalf("the input was written: %q, was %q", in, data)
		}
		held.Reset(strings.NewReader(`{"b":1}`)) // a read after: not into the old input
		if ch, err := held.Next(); err != nil || string(ch.Bytes) != `{"b":1}` || string(in) != string(data) {
			t.Fatalf("read after ResetBytes: %q, %v; input now %q", ch.Bytes, err, in)
		}
	})
}

// FuzzSplitterArray: for a valid JSON array the splitter yields exactly its
// elements, byte for byte.
func FuzzSplitterArray(f *testing.F) {
	for _, s := range []string{`[{"a":"\\"},{"b":"\"}"},[1,2],"x\\\"y",3]`, `[ {"k" : [ {} ] } , "" ]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var want []json.RawMessage
		if json.Unmarshal([]byte(in), &want) != nil {
			return
		}
		s := NewSplitter(iotest.HalfReader(strings.NewReader(in)))
		for i := 0; ; i++ {
			ch, err := s.Next()
			if err == io.EOF {
				if i != len(want) {
					t.Fatalf("%d elements, want %d", i, len(want))
				}
				return
			}
			if err != nil {
				t.Fatalf("element %d: %v", i, err)
			}
			if i >= len(want) || string(ch.Bytes) != string(want[i]) {
				t.Fatalf("element %d = %q, want %q", i, ch.Bytes, want)
			}
		}
	})
}

// A long one-line envelope held in memory is read element by element at
// once, as a streamed one is, rather than offered whole first: parsing
// megabytes only to find a container read everything twice.
func TestSplitterBytesLongEnvelope(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Records":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"eventName":"Describe%d","pad":"%s"}`, i, strings.Repeat("x", 100))
	}
	b.WriteString("]}\n")
	for _, borrowed := range []bool{false, true} {
		var s *Splitter
		if borrowed {
			s = new(Splitter)
			s.ResetBytes([]byte(b.String()))
		} else {
			s = NewSplitter(strings.NewReader(b.String()))
		}
		n := 0
		for {
			ch, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if ch.Whole {
				t.Fatalf("borrowed %v: the envelope offered whole (%d bytes)", borrowed, len(ch.Bytes))
			}
			n++
		}
		if n != 3000 {
			t.Errorf("borrowed %v: %d records, want 3000", borrowed, n)
		}
	}
}

func TestOpensEnvelope(t *testing.T) {
	for in, want := range map[string]bool{
		`{"Records":[{"a":1}]}`:                true,
		`{ "value" : [ ] }`:                    true,
		"{\n\t\"logs\":\r\n[]}":                true,
		`{"Records":{"a":1}}`:                  false,
		`{"eventName":"x","Records":[]}`:       false,
		`{"Rec\"ords":[]}`:                     false,
		`{"records"`:                           false,
		`{}`:                                   false,
		`{"eventVersion":"1.08","records":[]}`: false,
	} {
		if got := opensEnvelope([]byte(in)); got != want {
			t.Errorf("opensEnvelope(%s) = %v, want %v", in, got, want)
		}
	}
}

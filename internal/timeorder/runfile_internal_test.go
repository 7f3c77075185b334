package timeorder

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// writeFrames frames payloads as a run file would hold them.
func writeFrames(tb testing.TB, payloads ...[]byte) ([]byte, *run) {
	tb.Helper()
	var buf bytes.Buffer
	r := &run{}
	w := newRunWriter(&buf, r)
	for _, p := range payloads {
		if err := w.write(p); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.flush(); err != nil {
		tb.Fatal(err)
	}
	if int64(buf.Len()) != w.bytes {
		tb.Fatalf("writer counted %d bytes, wrote %d", w.bytes, buf.Len())
	}
	return buf.Bytes(), r
}

func TestRunReader(t *testing.T) {
	payloads := [][]byte{[]byte("a"), {}, bytes.Repeat([]byte("x"), 300), []byte(`{"t":1}`)}
	data, r := writeFrames(t, payloads...)
	if r.count != 4 || r.maxLen != 300 {
		t.Fatalf("run = %+v, want 4 items, longest 300", r)
	}
	tests := []struct {
		name          string
		data          []byte
		count, maxLen int
		wantItems     int
		wantErr       error
	}{
		{"whole", data, 4, 300, 4, io.EOF},
		{"fewer expected", data, 3, 300, 3, ErrCorruptRun},
		{"more expected", data, 5, 300, 4, ErrCorruptRun},
		{"longer than recorded", data, 4, 299, 2, ErrCorruptRun},
		{"last frame missing", data[:len(data)-(1+len(`{"t":1}`)+4)], 4, 300, 3, ErrCorruptRun},
		{"cut in a payload", data[:len(data)-6], 4, 300, 3, ErrCorruptRun},
		{"cut in a checksum", data[:len(data)-2], 4, 300, 3, ErrCorruptRun},
		{"length overflows", append([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, data...), 4, 300, 0, ErrCorruptRun},
		{"empty run", nil, 0, 0, 0, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := newRunReader(bytes.NewReader(tt.data), tt.count, tt.maxLen)
			var n int
			var err error
			for {
				var p []byte
				if p, err = rr.next(); err != nil {
					break
				}
				if !bytes.Equal(p, payloads[n]) {
					t.Fatalf("item %d = %q, want %q", n, p, payloads[n])
				}
				n++
			}
			if n != tt.wantItems || !errors.Is(err, tt.wantErr) {
				t.Errorf("read %d items then %v, want %d then %v", n, err, tt.wantItems, tt.wantErr)
			}
		})
	}
}

// FuzzRunReader feeds damaged run files to the reader: it must end in io.EOF
// or an error, never panic, never hand out more items than expected nor a
// payload longer than recorded.
func FuzzRunReader(f *testing.F) {
	data, r := writeFrames(f, []byte(`{"At":"2025-03-01T00:00:00Z"}`), []byte("b"), nil)
	f.Add(data, uint8(r.count), uint16(r.maxLen))
	f.Add(data[:len(data)-3], uint8(r.count), uint16(r.maxLen))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, uint8(1), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, count uint8, maxLen uint16) {
		rr := newRunReader(bytes.NewReader(data), int(count), int(maxLen))
		for n := 0; ; n++ {
			p, err := rr.next()
			if err == io.EOF {
				if n != int(count) {
					t.Fatalf("io.EOF after %d items, want %d", n, count)
				}
				return
			}
			if err != nil {
				if !errors.Is(err, ErrCorruptRun) {
					t.Fatalf("error %v is not ErrCorruptRun", err)
				}
				return
			}
			if n >= int(count) || len(p) > int(maxLen) {
				t.Fatalf("item %d of %d bytes (expected %d items of at most %d)", n, len(p), count, maxLen)
			}
		}
	})
}

package cloudtrail_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestDecoder_StreamMemory streams a 256 MB S3 delivery document through the
// decoder and checks that the heap stays small: records are decoded one by
// one, never the whole file.
func TestDecoder_StreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MB: skipped under -short")
	}
	const (
		size    = 256 << 20
		maxHeap = 64 << 20
	)
	r := &recordsReader{size: size}
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}})
	var events int
	var peak uint64
	var ms runtime.MemStats
	emit := func(e *event.Event) error {
		events++
		if events%2048 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	}
	bad := func(e *decode.RecordError) error {
		t.Errorf("bad record: %v", e)
		return nil
	}
	st, err := d.Decode(context.Background(), r, "synthetic.json", emit, bad)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events from %d MB; peak heap in use %.1f MB", events, st.Bytes>>20, float64(peak)/(1<<20))
	if events != r.n || st.Records != r.n || st.Malformed != 0 {
		t.Errorf("%d events, %d records, %d malformed; want %d, %d, 0", events, st.Records, st.Malformed, r.n, r.n)
	}
	if st.Bytes < size {
		t.Errorf("read %d bytes, want at least %d", st.Bytes, size)
	}
	if peak == 0 || peak > maxHeap {
		t.Errorf("peak heap in use %d bytes, want (0, %d]", peak, maxHeap)
	}
}

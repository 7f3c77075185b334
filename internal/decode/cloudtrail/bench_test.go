package cloudtrail_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/valyala/fastjson"
)

// BenchmarkDecode measures decoding a few thousand realistic records as
// NDJSON and as a gzipped S3 delivery file (MB/s counts uncompressed JSON).
func BenchmarkDecode(b *testing.B) {
	const records = 4000
	var ndjson, doc bytes.Buffer
	doc.WriteString(`{"Records":[`)
	for i := range records {
		rec := syntheticRecord(i)
		ndjson.Write(rec)
		ndjson.WriteByte('\n')
		if i > 0 {
			doc.WriteByte(',')
		}
		doc.Write(rec)
	}
	doc.WriteString("]}")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(doc.Bytes())
	zw.Close()

	shapes := []struct {
		name string
		size int
		open func() (io.Reader, error)
	}{
		{"ndjson", ndjson.Len(), func() (io.Reader, error) { return bytes.NewReader(ndjson.Bytes()), nil }},
		{"json.gz", doc.Len(), func() (io.Reader, error) { return gzip.NewReader(bytes.NewReader(gz.Bytes())) }},
	}
	for _, sh := range shapes {
		b.Run("shape="+sh.name, func(b *testing.B) {
			d := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}})
			events := 0
			emit := func(*event.Event) error { events++; return nil }
			bad := func(e *decode.RecordError) error { b.Fatal(e); return nil }
			b.SetBytes(int64(sh.size))
			b.ReportAllocs()
			for b.Loop() {
				r, err := sh.open()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := d.Decode(context.Background(), r, sh.name, emit, bad); err != nil {
					b.Fatal(err)
				}
			}
			if events != records*b.N {
				b.Fatalf("%d events, want %d", events, records*b.N)
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkParseOnly is the floor: fastjson parses the same NDJSON records
// and nothing else, for comparing ratios within one run.
func BenchmarkParseOnly(b *testing.B) {
	const records = 4000
	var lines [][]byte
	size := 0
	for i := range records {
		rec := syntheticRecord(i)
		lines = append(lines, rec)
		size += len(rec) + 1
	}
	var p fastjson.Parser
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := p.ParseBytes(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(records*b.N)/b.Elapsed().Seconds(), "events/s")
}

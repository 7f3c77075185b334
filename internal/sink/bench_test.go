package sink_test

import (
	"io"
	"net"
	"testing"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

func BenchmarkFormat(b *testing.B) {
	f := sample()
	for _, bc := range []struct {
		name   string
		format func() []byte
	}{
		{"type=syslog", func() []byte { return sink.FormatSyslog(&f, sent, 8192) }},
		{"type=cef", func() []byte { return sink.FormatCEF(&f, "1.0", sent, 8192) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.format())))
			for b.Loop() {
				bc.format()
			}
		})
	}
}

// BenchmarkSend_TCP sends batches of 100 findings to a collector that
// discards them: the throughput one syslog sink can give.
func BenchmarkSend_TCP(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c)
		}
	}()
	s, err := sink.New(sink.Config{Name: "bench", Type: sink.TypeSyslog, Address: ln.Addr().String()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fs := make([]finding.Finding, 100)
	for i := range fs {
		fs[i] = sample()
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Send(b.Context(), fs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(fs))/b.Elapsed().Seconds(), "findings/s")
}

package sink_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

// collector is a TCP or TLS syslog receiver that parses every frame; each
// accepted connection may be cut after a number of frames.
type collector struct {
	ln    net.Listener
	msgs  chan []byte
	errs  chan error
	conns chan struct{} // one value per accepted connection
	cutAt int           // close each connection after this many frames; 0 never
}

func newCollector(t *testing.T, ln net.Listener, cutAt int) *collector {
	t.Helper()
	c := &collector{ln: ln, msgs: make(chan []byte, 100), errs: make(chan error, 10), conns: make(chan struct{}, 10), cutAt: cutAt}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.conns <- struct{}{}
			go c.serve(conn)
		}
	}()
	return c
}

func (c *collector) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for n := 1; ; n++ {
		msg, err := readFrame(r)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) && err.Error() != "EOF" {
				c.errs <- err
			}
			return
		}
		c.msgs <- msg
		if n == c.cutAt {
			return
		}
	}
}

// next waits for a message.
func (c *collector) next(t *testing.T) []byte {
	t.Helper()
	select {
	case m := <-c.msgs:
		return m
	case err := <-c.errs:
		t.Fatalf("collector: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
	}
	return nil
}

func quick() sink.RetryConfig {
	return sink.RetryConfig{MaxAttempts: 5, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
}

func newStream(t *testing.T, cfg sink.Config) sink.Sink {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "siem"
	}
	if cfg.Retry == (sink.RetryConfig{}) {
		cfg.Retry = quick()
	}
	s, err := sink.New(cfg, sink.WithVersion("9.9"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func batch(n int) []finding.Finding {
	fs := make([]finding.Finding, n)
	for i := range fs {
		fs[i] = sample()
		fs[i].ID = strings.Repeat(string(rune('a'+i)), 32)
	}
	return fs
}

func TestStream_TCP(t *testing.T) {
	for _, typ := range []string{sink.TypeSyslog, sink.TypeCEF} {
		t.Run(typ, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			c := newCollector(t, ln, 0)
			s := newStream(t, sink.Config{Type: typ, Address: ln.Addr().String(), Facility: "authpriv", AppName: "sw", Hostname: "det01"})
			fs := batch(3)
			fs[1].Summary = map[string]string{"en": "two\nlines 12 <13>1 forged"}
			if err := s.Send(t.Context(), fs); err != nil {
				t.Fatal(err)
			}
			for i := range fs {
				m := mustSyslog(t, c.next(t))
				if m.Pri != 10*8+3 || m.Host != "det01" || m.App != "sw" {
					t.Errorf("message %d: PRI %d host %q app %q", i, m.Pri, m.Host, m.App)
				}
				id := m.Params["id"]
				if typ == sink.TypeCEF {
					ev, err := parseCEF(m.Msg)
					if err != nil {
						t.Fatal(err)
					}
					id = []string{ev.Ext["cs1"]}
					if ev.Header[3] != "9.9" {
						t.Errorf("CEF version %q", ev.Header[3])
					}
				}
				if len(id) != 1 || id[0] != fs[i].ID {
					t.Errorf("message %d has id %v, want %s", i, id, fs[i].ID)
				}
			}
			select {
			case m := <-c.msgs:
				t.Errorf("an extra message: %q", m)
			case <-time.After(50 * time.Millisecond):
			}
		})
	}
}

func TestStream_Reconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector(t, ln, 1) // the collector hangs up after each message
	s := newStream(t, sink.Config{Type: sink.TypeSyslog, Address: ln.Addr().String()})
	for i, f := range batch(3) {
		if err := s.Send(t.Context(), []finding.Finding{f}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if m := mustSyslog(t, c.next(t)); m.Params["id"][0] != f.ID {
			t.Errorf("send %d arrived as %v", i, m.Params["id"])
		}
		// Let the sink see the hang-up before the next batch.
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(c.conns); n != 3 {
		t.Errorf("%d connections, want 3 (one per hang-up)", n)
	}
}

func TestStream_Unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := newStream(t, sink.Config{Type: sink.TypeSyslog, Address: addr, Retry: sink.RetryConfig{MaxAttempts: 3, Backoff: time.Millisecond}})
	var waits int
	sink.SetSleep(s, func(time.Duration) { waits++ })
	err = s.Send(t.Context(), batch(1))
	if err == nil || sink.IsPermanent(err) || waits != 2 {
		t.Errorf("err %v (permanent %v) after %d waits; want a retryable error after 2", err, sink.IsPermanent(err), waits)
	}
}

func TestStream_TLS(t *testing.T) {
	cert, caFile := selfSigned(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	c := newCollector(t, ln, 0)
	s := newStream(t, sink.Config{Type: sink.TypeCEF, Address: ln.Addr().String(), Protocol: sink.ProtocolTLS,
		TLS: &sink.TLSConfig{CAFile: caFile, ServerName: "collector.test"}})
	if err := s.Send(t.Context(), batch(2)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m := mustSyslog(t, c.next(t))
		if _, err := parseCEF(m.Msg); err != nil {
			t.Error(err)
		}
	}

	// A collector whose certificate does not verify is a permanent error.
	bad := newStream(t, sink.Config{Name: "bad", Type: sink.TypeSyslog, Address: ln.Addr().String(), Protocol: sink.ProtocolTLS,
		TLS: &sink.TLSConfig{CAFile: caFile, ServerName: "other.test"}})
	if err := bad.Send(t.Context(), batch(1)); !sink.IsPermanent(err) {
		t.Errorf("wrong server name: err %v, want a permanent error", err)
	}
}

func TestStream_UDP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	s := newStream(t, sink.Config{Type: sink.TypeSyslog, Address: pc.LocalAddr().String(), Protocol: sink.ProtocolUDP})
	fs := batch(3)
	fs[2].Summary = map[string]string{"en": strings.Repeat("long summary ", 500)}
	if err := s.Send(t.Context(), fs); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65536)
	for i := range fs {
		_ = pc.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		if n > sink.DefaultMaxMessageUDP {
			t.Errorf("datagram %d: %d bytes, over %d", i, n, sink.DefaultMaxMessageUDP)
		}
		m := mustSyslog(t, buf[:n])
		if m.Params["id"][0] != fs[i].ID {
			t.Errorf("datagram %d has id %v", i, m.Params["id"])
		}
		if i == 2 && !strings.HasSuffix(m.Msg, "…") {
			t.Errorf("long summary not cut: %d bytes", len(m.Msg))
		}
	}
}

func TestStream_Close(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := newStream(t, sink.Config{Type: sink.TypeSyslog, Address: addr,
		Retry: sink.RetryConfig{MaxAttempts: 100, Backoff: time.Hour, MaxBackoff: time.Hour, MaxElapsed: 10 * time.Hour}})
	time.AfterFunc(50*time.Millisecond, func() { s.Close() })
	if err := s.Send(t.Context(), batch(1)); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("err %v, want ErrClosed", err)
	}
	if err := s.Send(t.Context(), batch(1)); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("after Close: err %v, want ErrClosed", err)
	}
}

// selfSigned makes a certificate for collector.test and 127.0.0.1 and
// writes it as a CA file.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "collector.test"},
		DNSNames:              []string{"collector.test"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, writeCA(t, parsed)
}

// writeCA writes cert as a PEM file and returns its path.
func writeCA(t *testing.T, cert *x509.Certificate) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStream_CancelBlockedWrite(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts, never reads: the sink's write blocks once buffers fill
		c, err := ln.Accept()
		if err == nil {
			<-t.Context().Done()
			c.Close()
		}
	}()
	s := newStream(t, sink.Config{Type: sink.TypeSyslog, Address: ln.Addr().String(), Timeout: time.Minute})
	fs := batch(40000) // about 20 MB
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	err = s.Send(ctx, fs)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %v; want context.Canceled soon after the cancel", err, time.Since(start))
	}
}

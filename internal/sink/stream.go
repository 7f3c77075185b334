package sink

import (
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// stream sends syslog or CEF messages to a collector: over TCP and TLS as
// RFC 6587 octet-counted frames ("LEN SP MSG", LEN in decimal bytes), over
// UDP one message per datagram (RFC 5426). A connection found broken is
// dropped and dialled again under the retry policy; a TCP batch is then
// written again whole, a UDP batch resumes at the datagram that failed.
// TCP gives no acknowledgement, so a batch written just as the collector
// went away can be lost without an error (RFC 5425 and 6587 have no
// application-level acks).
type stream struct {
	name    string
	network string // "tcp" or "udp"
	address string
	tls     *tls.Config // nil for plain TCP and UDP
	timeout time.Duration
	limit   int
	min     finding.Severity
	format  func(e *envelope, dst []byte, f *finding.Finding, now time.Time, limit int) []byte
	env     envelope
	retry   *retrier
	log     *slog.Logger

	sem  chan struct{} // held while sending; guards the fields below
	conn net.Conn
	dead *atomic.Bool // set by conn's watcher when the peer closes it
	buf  []byte
	ends []int // UDP: where each datagram of buf ends

	closed atomic.Bool
	stop   context.Context // ends at Close, so a Send in backoff returns
	cancel context.CancelFunc
}

func newStream(cfg Config, o options) (*stream, error) {
	s := &stream{
		name:    cfg.Name,
		network: "tcp",
		address: cfg.Address,
		timeout: cfg.Timeout,
		limit:   cfg.MaxMessage,
		min:     cfg.MinSeverity,
		retry:   newRetrier(cfg.Retry),
		log:     o.logger,
		sem:     make(chan struct{}, 1),
		format:  (*envelope).appendSyslog,
	}
	if cfg.Type == TypeCEF {
		s.format = (*envelope).appendCEF
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	switch cfg.protocol() {
	case ProtocolUDP:
		s.network = "udp"
		if s.limit == 0 {
			s.limit = DefaultMaxMessageUDP
		}
	case ProtocolTLS:
		host, _, _ := net.SplitHostPort(cfg.Address)
		tc, err := clientTLS(cfg.TLS, host)
		if err != nil {
			return nil, err
		}
		s.tls = tc
	}
	if s.limit == 0 {
		s.limit = DefaultMaxMessageTCP
	}
	hostname := cfg.Hostname
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	s.env = envelope{
		facility: facilities[cmp.Or(cfg.Facility, DefaultFacility)],
		hostname: asciiField(hostname, 255),
		appName:  asciiField(cmp.Or(cfg.AppName, DefaultAppName), 48),
		procID:   strconv.Itoa(os.Getpid()),
		version:  o.version,
	}
	s.stop, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

func (s *stream) Name() string { return s.name }

func (s *stream) Send(ctx context.Context, fs []finding.Finding) error {
	fs = atLeast(fs, s.min)
	if len(fs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(s.stop, func() { cancel(ErrClosed) })()
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	if s.closed.Load() {
		return ErrClosed
	}
	s.encode(fs)
	next := 0 // UDP: the first datagram not yet sent
	return s.retry.do(ctx, func(ctx context.Context) error {
		err := s.write(ctx, &next)
		if err != nil && !IsPermanent(err) && ctx.Err() == nil {
			s.log.Warn("syslog write failed; reconnecting", "err", err)
		}
		return err
	})
}

// encode formats the batch into s.buf: TCP frames back to back, or UDP
// datagrams back to back with their ends in s.ends.
func (s *stream) encode(fs []finding.Finding) {
	now := time.Now()
	s.buf, s.ends = s.buf[:0], s.ends[:0]
	var msg []byte
	for i := range fs {
		if s.network == "udp" {
			s.buf = s.format(&s.env, s.buf, &fs[i], now, s.limit)
			s.ends = append(s.ends, len(s.buf))
			continue
		}
		msg = s.format(&s.env, msg[:0], &fs[i], now, s.limit)
		s.buf = strconv.AppendInt(s.buf, int64(len(msg)), 10)
		s.buf = append(s.buf, ' ')
		s.buf = append(s.buf, msg...)
	}
}

// write makes one attempt at sending the encoded batch.
func (s *stream) write(ctx context.Context, next *int) error {
	if s.conn != nil && s.dead.Load() {
		s.drop()
	}
	if s.conn == nil {
		if err := s.dial(ctx); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.conn.SetWriteDeadline(deadline); err != nil {
		s.drop()
		return err
	}
	conn := s.conn
	defer context.AfterFunc(ctx, func() { _ = conn.SetWriteDeadline(time.Unix(1, 0)) })() // a cancel interrupts a blocked write
	var err error
	if s.network == "udp" {
		for *next < len(s.ends) {
			if err = ctx.Err(); err != nil {
				break
			}
			start := 0
			if *next > 0 {
				start = s.ends[*next-1]
			}
			if _, err = s.conn.Write(s.buf[start:s.ends[*next]]); err != nil {
				break
			}
			*next++
		}
	} else {
		_, err = s.conn.Write(s.buf)
	}
	if err != nil {
		s.drop()
		return fmt.Errorf("write to %s: %w", s.address, err)
	}
	return nil
}

// dial connects and, for TCP and TLS, starts a watcher that reads until
// the collector closes the connection (collectors send nothing), so the
// next batch goes over a fresh connection instead of into a dead one.
func (s *stream) dial(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	d := &net.Dialer{}
	var (
		c   net.Conn
		err error
	)
	if s.tls != nil {
		c, err = (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", s.address)
	} else {
		c, err = d.DialContext(ctx, s.network, s.address)
	}
	if err != nil {
		err = fmt.Errorf("connect to %s: %w", s.address, err)
		if verifyFailed(err) {
			return Permanent(err)
		}
		return err
	}
	s.conn, s.dead = c, new(atomic.Bool)
	if s.network == "tcp" {
		go watch(c, s.dead)
	}
	return nil
}

// watch marks dead when c can no longer be read: closed by either side.
func watch(c net.Conn, dead *atomic.Bool) {
	_, _ = io.Copy(io.Discard, c)
	dead.Store(true)
}

func (s *stream) drop() {
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// Close stops a Send waiting to retry, and closes the connection once no
// Send uses it.
func (s *stream) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cancel()
	s.sem <- struct{}{}
	defer func() { <-s.sem }()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

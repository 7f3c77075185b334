package sink

import (
	"context"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// testEnvelope is the envelope the formatter tests see.
func testEnvelope(version string) *envelope {
	return &envelope{facility: 16, hostname: "host", appName: "snapwarden", procID: "42", version: version}
}

// FormatSyslog exposes the RFC 5424 formatter (facility local0, HOSTNAME
// host, APP-NAME snapwarden, PROCID 42) to the black-box tests.
func FormatSyslog(f *finding.Finding, now time.Time, limit int) []byte {
	return testEnvelope("dev").appendSyslog(nil, f, now, limit)
}

// FormatCEF exposes the CEF formatter likewise.
func FormatCEF(f *finding.Finding, version string, now time.Time, limit int) []byte {
	return testEnvelope(version).appendCEF(nil, f, now, limit)
}

// SetSleep replaces the retry wait of s (a Sink from New) with sleep, so
// tests can see the waits asked for without spending them.
func SetSleep(s Sink, sleep func(d time.Duration)) {
	var r *retrier
	switch v := s.(type) {
	case *webhook:
		r = v.retry
	case *stream:
		r = v.retry
	}
	r.sleep = func(ctx context.Context, d time.Duration) error {
		sleep(d)
		return ctx.Err()
	}
}

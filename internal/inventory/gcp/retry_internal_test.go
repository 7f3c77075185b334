package gcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

func TestRetryable(t *testing.T) {
	apiErr := func(code int, reasons ...string) error {
		e := &googleapi.Error{Code: code}
		for _, r := range reasons {
			e.Errors = append(e.Errors, googleapi.ErrorItem{Reason: r})
		}
		return fmt.Errorf("list: %w", e)
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"429", apiErr(429, "rateLimitExceeded"), true},
		{"429 without reason", apiErr(429), true},
		{"403 rate limit", apiErr(403, "rateLimitExceeded"), true},
		{"403 user rate limit", apiErr(403, "userRateLimitExceeded"), true},
		{"403 refused", apiErr(403, "forbidden"), false},
		{"404", apiErr(404, "notFound"), false},
		{"400", apiErr(400, "invalid"), false},
		{"500", apiErr(500, "backendError"), true},
		{"503", apiErr(503), true},
		{"network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"cancelled", context.Canceled, false},
		{"deadline", fmt.Errorf("get: %w", context.DeadlineExceeded), false},
		{"bad JSON", errors.New("invalid character"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryable(tc.err); got != tc.want {
				t.Errorf("retryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestRetrier_delay(t *testing.T) {
	r := retrier{base: 100 * time.Millisecond, max: 2 * time.Second}
	throttled := &googleapi.Error{Code: http.StatusTooManyRequests}
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1600, 2000, 2000} {
		want *= time.Millisecond
		for range 20 { // jitter: within the upper half of the step
			if d := r.delay(attempt, throttled); d < want/2 || d > want {
				t.Fatalf("delay(%d) = %v, want in [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	if d := r.delay(1000, throttled); d < r.max/2 || d > r.max {
		t.Errorf("delay(1000) = %v, want at most %v and no overflow", d, r.max)
	}
	asks := func(s string) error {
		return &googleapi.Error{Code: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {s}}}
	}
	if d := r.delay(0, asks("1")); d != time.Second {
		t.Errorf("delay with Retry-After 1 = %v, want 1s", d)
	}
	if d := r.delay(0, asks("120")); d != r.max {
		t.Errorf("delay with Retry-After 120 = %v, want the cap %v", d, r.max)
	}
	if d := r.delay(0, asks("Wed, 21 Oct 2026 07:28:00 GMT")); d > r.base {
		t.Errorf("delay with a date Retry-After = %v, want the backoff", d)
	}
}

package gcp

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/api/googleapi"
)

// retrier runs a call again while the API throttles it or fails
// transiently: Compute Engine's Go client does not retry by itself. The
// n-th retry waits base·2ⁿ⁻¹ with jitter (or what Retry-After asks), never
// more than max.
type retrier struct {
	tries     int // retries after the first call
	base, max time.Duration
	log       *slog.Logger
}

// retry returns call's result, calling it again after a throttling or
// transient error until r.tries retries are spent.
func retry[T any](ctx context.Context, r retrier, what string, call func() (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		v, err := call()
		if err == nil || attempt >= r.tries || !retryable(err) || ctx.Err() != nil {
			return v, err
		}
		d := r.delay(attempt, err)
		r.log.DebugContext(ctx, "gcp call retried", keyCall, what, keyAttempt, attempt+1, keyDelay, d, keyStatus, status(err))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, ctx.Err()
		case <-t.C:
		}
	}
}

// delay is the wait before retry attempt+1: exponential with jitter in its
// upper half, raised to the server's Retry-After, capped at r.max.
func (r retrier) delay(attempt int, err error) time.Duration {
	d := r.base
	for i := 0; i < attempt && d < r.max; i++ {
		d *= 2
	}
	d = min(d, r.max)
	if d > 1 {
		d = d/2 + rand.N(d/2+1)
	}
	if ra := retryAfter(err); ra > d {
		d = ra
	}
	return min(d, r.max)
}

// rateReasons are the error reasons Google APIs give a throttled call,
// sometimes with status 403 rather than 429.
var rateReasons = map[string]bool{"rateLimitExceeded": true, "userRateLimitExceeded": true}

// retryable tells a throttled or transient failure (worth another try) from
// a refusal, a missing resource or a cancellation.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		case http.StatusForbidden:
			for _, e := range ge.Errors {
				if rateReasons[e.Reason] {
					return true
				}
			}
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// retryAfter returns the wait a response's Retry-After header asks for, in
// seconds form only (Google APIs do not send dates), or 0.
func retryAfter(err error) time.Duration {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Header == nil {
		return 0
	}
	s, perr := strconv.Atoi(ge.Header.Get("Retry-After"))
	if perr != nil || s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// status returns an API error's HTTP status, or 0.
func status(err error) int {
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code
	}
	return 0
}

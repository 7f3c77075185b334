package openstack

import (
	"testing"
	"time"
)

func TestCollector_backoff(t *testing.T) {
	c := &Collector{BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond}
	for _, tc := range []struct {
		n          uint
		retryAfter string
		want       time.Duration
	}{
		{1, "", 10 * time.Millisecond},
		{2, "", 20 * time.Millisecond},
		{4, "", 80 * time.Millisecond},
		{5, "", 100 * time.Millisecond}, // capped
		{60, "", 100 * time.Millisecond},
		{1, "0", 10 * time.Millisecond},
		{1, "1", 100 * time.Millisecond}, // Retry-After honoured up to MaxDelay
		{1, "soon", 10 * time.Millisecond},
		{1, "-5", 10 * time.Millisecond},
	} {
		if got := c.backoff(tc.n, tc.retryAfter); got != tc.want {
			t.Errorf("backoff(%d, %q) = %v, want %v", tc.n, tc.retryAfter, got, tc.want)
		}
	}
	var zero Collector
	if got := zero.backoff(1, "3"); got != 3*time.Second {
		t.Errorf("default backoff with Retry-After 3 = %v, want 3s", got)
	}
	if got := zero.backoff(30, ""); got != DefaultMaxDelay {
		t.Errorf("default backoff after 30 = %v, want %v", got, DefaultMaxDelay)
	}
}

func TestThrottled(t *testing.T) {
	for status, want := range map[int]bool{429: true, 413: true, 498: true, 503: false, 500: false, 401: false, 404: false} {
		if throttled(status) != want {
			t.Errorf("throttled(%d) = %v", status, !want)
		}
	}
}

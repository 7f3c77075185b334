package openstack

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// throttled reports whether an HTTP status asks the client to slow down:
// 429, 413 (the "over limit" of Cinder's and Nova's rate limits, never a
// too-large body on a GET) and 498 (gophercloud's rate-limit code).
func throttled(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestEntityTooLarge || status == 498
}

// retryFunc retries throttled calls up to limit times with exponential
// backoff, honouring Retry-After up to MaxDelay; any other error stops.
// gophercloud calls it with the failure count of one request.
func (c *Collector) retryFunc(limit int) gophercloud.RetryFunc {
	return func(ctx context.Context, _, _ string, _ *gophercloud.RequestOpts, err error, n uint) error {
		var code gophercloud.ErrUnexpectedResponseCode
		if !errors.As(err, &code) || !throttled(code.Actual) || n > uint(limit) {
			return err
		}
		t := time.NewTimer(c.backoff(n, code.ResponseHeader.Get("Retry-After")))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
}

// backoff is the wait before retry n (1-based): BaseDelay doubled n-1 times,
// or the server's Retry-After seconds if longer, never above MaxDelay.
func (c *Collector) backoff(n uint, retryAfter string) time.Duration {
	base, ceiling := cmp.Or(c.BaseDelay, DefaultBaseDelay), cmp.Or(c.MaxDelay, DefaultMaxDelay)
	d := base
	for i := uint(1); i < n && d < ceiling; i++ {
		d *= 2
	}
	if s, err := strconv.Atoi(retryAfter); err == nil && s > 0 && s < 86400 {
		d = max(d, time.Duration(s)*time.Second)
	}
	return min(d, ceiling)
}

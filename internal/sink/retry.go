package sink

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// retrier runs an operation under a RetryConfig whose defaults are filled.
type retrier struct {
	RetryConfig
	// sleep waits d or until ctx ends; tests may replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

func newRetrier(c RetryConfig) *retrier {
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.Backoff)
	}
	if c.MaxElapsed == 0 {
		c.MaxElapsed = DefaultMaxElapsed
	}
	return &retrier{RetryConfig: c, sleep: sleepCtx}
}

// do calls op until it succeeds, fails permanently, or the policy or ctx
// says stop. The error names the attempts made and wraps op's last error
// (and ctx's, when ctx ended).
func (r *retrier) do(ctx context.Context, op func(ctx context.Context) error) error {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := op(ctx)
		if err == nil || IsPermanent(err) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("send interrupted: %w (attempt %d: %w)", context.Cause(ctx), attempt, err)
		}
		if attempt >= r.MaxAttempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		wait := r.backoff(attempt)
		var ra *retryAfterError
		if errors.As(err, &ra) && ra.after > wait {
			wait = ra.after
		}
		if time.Since(start)+wait > r.MaxElapsed {
			return fmt.Errorf("gave up after %d attempts (the next, in %v, would pass retry.max_elapsed %v): %w",
				attempt, wait.Round(time.Millisecond), r.MaxElapsed, err)
		}
		if serr := r.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("send interrupted: %w (attempt %d: %w)", serr, attempt, err)
		}
	}
}

// backoff is the wait after the n-th failed attempt: drawn from [d/2, d]
// with d = Backoff·2^(n-1) capped at MaxBackoff, so that many snapwarden
// instances failing together do not retry in step.
func (r *retrier) backoff(n int) time.Duration {
	d := r.Backoff
	for i := 1; i < n && d < r.MaxBackoff; i++ {
		if d > r.MaxBackoff/2 { // doubling would pass the cap (or overflow)
			d = r.MaxBackoff
			break
		}
		d *= 2
	}
	d = min(d, r.MaxBackoff)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

package aws

import (
	"math/rand/v2"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// retryer returns the SDK's standard retryer (throttling codes such as
// RequestLimitExceeded and ThrottlingException, 5xx, connection errors)
// with maxRetries retries (0: DefaultMaxRetries, negative: none) and an
// exponential backoff from base to limit. The client-side retry quota is
// off: an inventory run is a batch that should wait out throttling, not
// give up on a shared token bucket.
func retryer(maxRetries int, base, limit time.Duration) func() sdk.Retryer {
	switch {
	case maxRetries == 0:
		maxRetries = DefaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	return func() sdk.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxRetries + 1
			o.Backoff = backoff{base: base, limit: limit}
			o.RateLimiter = ratelimit.None
		})
	}
}

// backoff doubles the delay each attempt, up to limit, with jitter in its
// upper half so that parallel readers do not retry in step.
type backoff struct{ base, limit time.Duration }

// BackoffDelay returns the delay before the retry following attempt
// (1-based).
func (b backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := b.limit
	if n := attempt - 1; n >= 0 && n < 63 && b.base <= b.limit>>n {
		d = b.base << n // no overflow: at most limit
	}
	if d <= 1 {
		return d, nil
	}
	return d/2 + rand.N(d/2+1), nil
}

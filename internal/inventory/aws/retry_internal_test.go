package aws

import (
	"testing"
	"time"
)

// TestBackoff_BackoffDelay: each retry waits between half and all of
// base·2^(attempt-1), never more than the limit, whatever the attempt.
func TestBackoff_BackoffDelay(t *testing.T) {
	b := backoff{base: 100 * time.Millisecond, limit: time.Second}
	tests := []struct {
		attempt int
		full    time.Duration // the delay before jitter
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, time.Second},
		{40, time.Second},
		{1000, time.Second},
		{0, time.Second},
		{-3, time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			d, err := b.BackoffDelay(tt.attempt, nil)
			if err != nil {
				t.Fatalf("attempt %d: %v", tt.attempt, err)
			}
			if d < tt.full/2 || d > tt.full {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", tt.attempt, d, tt.full/2, tt.full)
			}
		}
	}
}

func TestBackoff_BackoffDelay_baseOverLimit(t *testing.T) {
	b := backoff{base: time.Hour, limit: time.Minute}
	for attempt := 1; attempt < 70; attempt++ {
		if d, _ := b.BackoffDelay(attempt, nil); d > time.Minute || d < 30*time.Second {
			t.Fatalf("attempt %d: delay %v, want within the limit's upper half", attempt, d)
		}
	}
}

// TestRetryer_MaxAttempts: MaxRetries 0 means the default, a negative one
// no retry.
func TestRetryer_MaxAttempts(t *testing.T) {
	for _, tt := range []struct{ retries, attempts int }{{0, DefaultMaxRetries + 1}, {-1, 1}, {2, 3}} {
		if got := retryer(tt.retries, time.Millisecond, time.Second)().MaxAttempts(); got != tt.attempts {
			t.Errorf("retryer(%d).MaxAttempts() = %d, want %d", tt.retries, got, tt.attempts)
		}
	}
}

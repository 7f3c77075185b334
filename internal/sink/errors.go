package sink

import (
	"errors"
	"fmt"
	"time"
)

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("sink closed")

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix (a 4xx answer, a
// certificate the server cannot be verified with): the sink returns it at
// once, and the caller should not queue the batch for another try as is.
// Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil || IsPermanent(err) {
		return err
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// StatusError is a webhook's answer other than 2xx. Body holds the start
// of the response body, cleaned of control characters.
type StatusError struct {
	StatusCode int
	Status     string
	Body       string
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return "webhook answered " + e.Status
	}
	return fmt.Sprintf("webhook answered %s: %s", e.Status, e.Body)
}

// retryAfterError carries the wait a server asked for (Retry-After).
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

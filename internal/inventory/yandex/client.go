package yandex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// The API hosts, one per service; an endpoint override replaces them all,
// the paths telling the services apart.
const (
	computeHost = "compute.api.cloud.yandex.net"
	managerHost = "resource-manager.api.cloud.yandex.net"
	iamHost     = "iam.api.cloud.yandex.net"
)

// Caps on what one response may hold: list pages are at most 1000 items,
// error bodies a few hundred bytes.
const (
	maxBody      = 64 << 20
	maxErrorBody = 64 << 10
	maxMessage   = 512
)

// gRPC status codes the REST gateway repeats in its error bodies.
const (
	codeNotFound          = 5
	codeResourceExhausted = 8
	codeUnavailable       = 14
)

// APIError is an answer other than 2xx. Code and Message come from the
// body ({"code": 7, "message": "…"}) when it has them.
type APIError struct {
	Method  string
	Path    string
	Status  int
	Code    int
	Message string
	// retryAfter is the server's Retry-After, if any.
	retryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Retryable reports whether the call may succeed when repeated: throttling
// (429, RESOURCE_EXHAUSTED) or a service briefly unavailable.
func (e *APIError) Retryable() bool {
	switch e.Status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return e.Code == codeResourceExhausted || e.Code == codeUnavailable
}

// NotFound reports whether the resource does not exist (any more).
func (e *APIError) NotFound() bool {
	return e.Status == http.StatusNotFound || e.Code == codeNotFound
}

// client calls the REST API with a bearer token, retrying what is retryable
// with exponential backoff.
type client struct {
	http      *http.Client
	endpoint  string // "" uses each service's host
	token     string
	retries   int
	baseDelay time.Duration
	maxDelay  time.Duration
}

func (c *client) url(host, path string, q url.Values) string {
	base := "https://" + host
	if c.endpoint != "" {
		base = strings.TrimRight(c.endpoint, "/")
	}
	if len(q) == 0 {
		return base + path
	}
	return base + path + "?" + q.Encode()
}

// do sends one request, repeating it while the answer is retryable, and
// decodes a 2xx body into out.
func (c *client) do(ctx context.Context, method, host, path string, q url.Values, body []byte, out any) error {
	u := c.url(host, path, q)
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, method, path, u, body, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		hint, ok := retryable(err)
		if !ok || attempt >= c.retries {
			return err
		}
		if err := sleep(ctx, c.backoff(attempt, hint)); err != nil {
			return err
		}
	}
}

func (c *client) once(ctx context.Context, method, path, u string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if transient(err) {
			return &transportError{err}
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return apiError(method, path, resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", method, path, err)
	}
	return nil
}

func apiError(method, path string, resp *http.Response) *APIError {
	e := &APIError{Method: method, Path: path, Status: resp.StatusCode}
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s > 0 {
		e.retryAfter = time.Duration(s) * time.Second
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		e.Code = body.Code
		e.Message = body.Message
	}
	if len(e.Message) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
			cut--
		}
		e.Message = e.Message[:cut] + "…"
	}
	e.Message = textsafe.Clean(e.Message)
	return e
}

// transportError is a failure to get any answer (reset, timeout): worth
// another try.
type transportError struct{ err error }

// transient reports whether a failed round trip was the network's doing
// (refused, reset, timed out, cut short) rather than the request's (a bad
// URL, a scheme the client does not speak).
func transient(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // *url.Error is itself a net.Error: look inside
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// retryable reports whether err may pass on a retry, and the server's
// suggested wait.
func retryable(err error) (time.Duration, bool) {
	var api *APIError
	if errors.As(err, &api) {
		return api.retryAfter, api.Retryable()
	}
	var tr *transportError
	return 0, errors.As(err, &tr)
}

// backoff is the wait before retry attempt+1: the base delay doubled per
// attempt, capped, with jitter over its upper half so that collectors
// throttled together do not retry together; a longer Retry-After wins up to
// the cap.
func (c *client) backoff(attempt int, hint time.Duration) time.Duration {
	d := c.maxDelay
	if attempt < 30 {
		if b := c.baseDelay << attempt; b > 0 && b < d {
			d = b
		}
	}
	d = d/2 + rand.N(d/2+1)
	if hint > d {
		d = min(hint, c.maxDelay)
	}
	return d
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxPages bounds a listing whose server keeps handing out new tokens.
const maxPages = 100_000

// list pages through a List method whose answer holds the items under field
// and the next page's token under nextPageToken, handing each page's items
// to add.
func list[T any](ctx context.Context, c *client, host, path string, q url.Values, pageSize int, field string, add func([]T)) error {
	q = cloneValues(q)
	q.Set("pageSize", strconv.Itoa(pageSize))
	seen := map[string]bool{}
	for range maxPages {
		var page map[string]json.RawMessage
		if err := c.do(ctx, http.MethodGet, host, path, q, nil, &page); err != nil {
			return err
		}
		if raw, ok := page[field]; ok && string(raw) != "null" {
			var items []T
			if err := json.Unmarshal(raw, &items); err != nil {
				return fmt.Errorf("GET %s: decode %s: %w", path, field, err)
			}
			add(items)
		}
		var next string
		if raw, ok := page["nextPageToken"]; ok {
			if err := json.Unmarshal(raw, &next); err != nil {
				return fmt.Errorf("GET %s: decode nextPageToken: %w", path, err)
			}
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("GET %s: page token %q came twice", path, textsafe.Clean(next))
		}
		seen[next] = true
		q.Set("pageToken", next)
	}
	return fmt.Errorf("GET %s: more than %d pages", path, maxPages)
}

func cloneValues(q url.Values) url.Values {
	out := make(url.Values, len(q)+2)
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

package sink

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// Webhook request headers.
const (
	headerSignature = "X-Snapwarden-Signature"
	headerTimestamp = "X-Snapwarden-Timestamp"
)

// webhook POSTs {"findings":[…]} (the findings' JSONL form, unchanged) to
// a URL. With a Secret, every attempt carries
//
//	X-Snapwarden-Timestamp: <Unix seconds when the attempt was made>
//	X-Snapwarden-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// where the signed string is the decimal timestamp, one '.', then the body
// bytes exactly as sent. A receiver recomputes the HMAC, compares it in
// constant time, and rejects timestamps older than its tolerance (say five
// minutes) so that a captured request cannot be replayed later. Redirects
// are not followed: a 3xx is a permanent error, so the secret-bearing
// request never goes where the configuration did not say.
type webhook struct {
	name    string
	url     string
	secret  []byte
	headers http.Header
	timeout time.Duration
	min     finding.Severity
	agent   string
	client  *http.Client
	retry   *retrier
	log     *slog.Logger
	closed  atomic.Bool
	stop    context.Context // ends at Close, so a Send in backoff returns
	cancel  context.CancelFunc
}

// maxErrorBody is how much of a failed response's body an error quotes.
const maxErrorBody = 512

func newWebhook(cfg Config, o options) (*webhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if u.Scheme == "https" {
		tc, err := clientTLS(cfg.TLS, u.Hostname())
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = tc
	}
	w := &webhook{
		name:    cfg.Name,
		url:     cfg.URL,
		secret:  []byte(cfg.Secret),
		headers: make(http.Header, len(cfg.Headers)),
		timeout: cfg.Timeout,
		min:     cfg.MinSeverity,
		agent:   "snapwarden/" + o.version,
		retry:   newRetrier(cfg.Retry),
		log:     o.logger,
		client: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
	if w.timeout == 0 {
		w.timeout = DefaultTimeout
	}
	w.stop, w.cancel = context.WithCancel(context.Background())
	for k, v := range cfg.Headers {
		w.headers.Set(k, v)
	}
	return w, nil
}

func (w *webhook) Name() string { return w.name }

func (w *webhook) Send(ctx context.Context, fs []finding.Finding) error {
	if w.closed.Load() {
		return ErrClosed
	}
	fs = atLeast(fs, w.min)
	if len(fs) == 0 {
		return nil
	}
	body, err := json.Marshal(struct {
		Findings []finding.Finding `json:"findings"`
	}{fs})
	if err != nil {
		return Permanent(fmt.Errorf("encode findings: %w", err))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(w.stop, func() { cancel(ErrClosed) })()
	attempt := 0
	return w.retry.do(ctx, func(ctx context.Context) error {
		attempt++
		err := w.post(ctx, body)
		if err != nil && !IsPermanent(err) {
			w.log.Warn("webhook attempt failed", "attempt", attempt, "err", err)
		}
		return err
	})
}

// post makes one attempt.
func (w *webhook) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	for k, v := range w.headers {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.agent)
	if len(w.secret) > 0 {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set(headerTimestamp, ts)
		req.Header.Set(headerSignature, "sha256="+Sign(w.secret, ts, body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		if verifyFailed(err) {
			return Permanent(err)
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	serr := &StatusError{
		StatusCode: resp.StatusCode,
		Status:     textsafe.Truncate(resp.Status, 100),
		Body:       textsafe.Truncate(string(bytes.TrimSpace(snippet)), 200),
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return &retryAfterError{err: serr, after: d}
		}
		return serr
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return serr
	}
	return Permanent(serr)
}

// Sign returns the hex HMAC-SHA256 of timestamp + "." + body under secret:
// the value of X-Snapwarden-Signature after "sha256=". Receivers may use it
// to check a request.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func (w *webhook) Close() error {
	w.closed.Store(true)
	w.cancel()
	w.client.CloseIdleConnections()
	return nil
}

package web

import (
	"sync"
	"time"
)

// Failed logins allowed from one address per window, before the login
// form answers 429 until the window ends. bcrypt already makes each guess
// slow; this bounds how many a client gets.
const (
	maxFailures   = 10
	failureWindow = 10 * time.Minute
	maxAddresses  = 10_000 // addresses remembered; the oldest window is forgotten first
)

// throttle counts failed logins per client address: clientOf's ip, the
// browser's own behind a trusted proxy (else every client behind it would
// share the proxy's count), the peer's otherwise.
type throttle struct {
	now func() time.Time
	mu  sync.Mutex
	by  map[string]*failures
}

type failures struct {
	n     int
	since time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, by: map[string]*failures{}}
}

// blocked reports whether addr has used up its failures for now.
func (t *throttle) blocked(addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.by[addr]
	if f == nil {
		return false
	}
	if t.now().Sub(f.since) >= failureWindow {
		delete(t.by, addr)
		return false
	}
	return f.n >= maxFailures
}

// fail counts a failed login from addr.
func (t *throttle) fail(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.by[addr]
	if f == nil || now.Sub(f.since) >= failureWindow {
		if len(t.by) >= maxAddresses {
			t.forgetOldest(now)
		}
		f = &failures{since: now}
		t.by[addr] = f
	}
	f.n++
}

// forgetOldest drops the windows that ended, or else the oldest one.
func (t *throttle) forgetOldest(now time.Time) {
	var oldest string
	for a, f := range t.by {
		if now.Sub(f.since) >= failureWindow {
			delete(t.by, a)
			continue
		}
		if oldest == "" || f.since.Before(t.by[oldest].since) {
			oldest = a
		}
	}
	if len(t.by) >= maxAddresses && oldest != "" {
		delete(t.by, oldest)
	}
}

package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

// sessionCookie holds a logged-in user's session.
const sessionCookie = "sw_session"

// session is a verified login.
type session struct {
	User    string
	Expires time.Time
	Nonce   string // random, per login: it keys the CSRF token and logout
}

// sessions signs and checks session cookies: name, expiry and a nonce,
// HMAC-SHA256 under the console's key. Nothing is stored per login; a
// logout stores its nonce until the cookie would have expired, in the
// store, which every instance over the same database reads, so a kept copy
// of the cookie stays refused after a restart and elsewhere. The map holds
// this instance's own logouts, to refuse them without a query.
type sessions struct {
	key   []byte
	ttl   time.Duration
	now   func() time.Time
	store *store.Store

	mu      sync.Mutex
	revoked map[string]time.Time // nonce → when its cookie would have expired
}

func newSessions(key []byte, ttl time.Duration, now func() time.Time, st *store.Store) *sessions {
	return &sessions{key: key, ttl: ttl, now: now, store: st, revoked: map[string]time.Time{}}
}

// issue starts a session for user and returns its cookie value.
func (s *sessions) issue(user string) (string, session, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", session{}, err
	}
	se := session{User: user, Expires: s.now().Add(s.ttl).Truncate(time.Second), Nonce: hex.EncodeToString(b)}
	payload := base64.RawURLEncoding.EncodeToString([]byte(se.User)) + "." + strconv.FormatInt(se.Expires.Unix(), 10) + "." + se.Nonce
	return payload + "." + s.mac("session", payload), se, nil
}

// check verifies a cookie value: signed by this key, not expired, not
// logged out. The signature and expiry come first, so a forged or stale
// cookie costs no query. An error (the store failed) refuses the session
// too: a logout it might hold must not be ignored.
func (s *sessions) check(ctx context.Context, v string) (session, bool, error) {
	se, ok := s.verify(v)
	if !ok {
		return session{}, false, nil
	}
	s.mu.Lock()
	_, gone := s.revoked[se.Nonce]
	s.mu.Unlock()
	if gone {
		return session{}, false, nil
	}
	gone, err := s.store.SessionRevoked(ctx, se.Nonce)
	if err != nil || gone {
		return session{}, false, err
	}
	return se, true, nil
}

// verify checks a cookie value's signature and expiry.
func (s *sessions) verify(v string) (session, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return session{}, false
	}
	payload, sig := v[:i], v[i+1:]
	if subtle.ConstantTimeCompare([]byte(sig), []byte(s.mac("session", payload))) != 1 {
		return session{}, false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return session{}, false
	}
	name, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return session{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return session{}, false
	}
	se := session{User: string(name), Expires: time.Unix(exp, 0), Nonce: parts[2]}
	if !s.now().Before(se.Expires) {
		return session{}, false
	}
	return se, true
}

// revoke ends a session before its expiry (logout). The store comes
// first: when it fails nothing changes here either, so the user, still
// logged in, can try again rather than believe a logout other instances
// never heard of.
func (s *sessions) revoke(ctx context.Context, se session) error {
	if err := s.store.RevokeSession(ctx, se.Nonce, se.Expires); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for n, exp := range s.revoked { // forget those that expired anyway
		if !now.Before(exp) {
			delete(s.revoked, n)
		}
	}
	s.revoked[se.Nonce] = se.Expires
	return nil
}

// csrf is the synchronizer token of a session: forms carry it, and a POST
// whose token differs is refused.
func (s *sessions) csrf(se session) string { return s.mac("csrf", se.Nonce) }

func (s *sessions) mac(purpose, msg string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

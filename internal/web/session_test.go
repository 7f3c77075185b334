package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

func sessionKey(k string) fixtureOpt {
	return func(o *web.Options) { o.SessionKey = []byte(k) }
}

// A session cookie signed by one console is good on another built with
// the same key (a restart, a second instance), CSRF token included, and
// worthless under another key or a random one.
func TestConsole_SessionKey(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	first := newFixture(t, storetest.SQLite, sessionKey(key))
	c := first.client()
	c.login()
	u, _ := url.Parse(first.srv.URL)
	cookie := c.hc.Jar.Cookies(u)[0].Value
	token := c.csrf("/findings")

	tests := []struct {
		name string
		opts []fixtureOpt
		ok   bool
	}{
		{"same key", []fixtureOpt{sessionKey(key)}, true},
		{"another key", []fixtureOpt{sessionKey(strings.ToUpper(key))}, false},
		{"no key (random)", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, storetest.SQLite, tt.opts...)
			again := fx.client()
			v, _ := url.Parse(fx.srv.URL)
			again.hc.Jar.SetCookies(v, []*http.Cookie{{Name: "sw_session", Value: cookie}})
			r := again.get("/findings")
			if got := r.status == http.StatusOK && strings.Contains(r.body, testUser); got != tt.ok {
				t.Fatalf("the first console's cookie: %d, accepted %v, want %v", r.status, got, tt.ok)
			}
			if !tt.ok {
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
					t.Errorf("refused cookie: %d %q, want a redirect to the login", r.status, r.header.Get("Location"))
				}
				return
			}
			if got := again.csrf("/findings"); got != token {
				t.Errorf("CSRF token %q here, %q on the first console", got, token)
			}
			if r := again.do("POST", "/logout", url.Values{"csrf": {token}}); r.status != http.StatusSeeOther {
				t.Errorf("logout with the first console's token: %d %s", r.status, r.body)
			}
		})
	}
}

// sessionCookieOf returns the session cookie c holds for fx's console.
func sessionCookieOf(fx *fixture, c *client) string {
	fx.t.Helper()
	u, _ := url.Parse(fx.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == "sw_session" {
			return ck.Value
		}
	}
	fx.t.Fatal("no session cookie")
	return ""
}

// withCookie is a new client of fx's console holding a copy of a session
// cookie.
func withCookie(fx *fixture, cookie string) *client {
	c := fx.client()
	u, _ := url.Parse(fx.srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "sw_session", Value: cookie}})
	return c
}

// accepted says whether a page answers c as the logged-in test user.
func accepted(c *client) bool {
	r := c.get("/findings")
	return r.status == http.StatusOK && strings.Contains(r.body, testUser)
}

// A logout is kept in the store: a copy of the cookie is refused by
// another console with the same key over the same database (a restart, a
// second instance), whichever of them saw the logout, while a cookie that
// did not log out stays good on both.
func TestConsole_LogoutSharedByStore(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		dsn := b.Fresh(t)
		one := newFixture(t, b, sessionKey(key), onStore(openStore(t, dsn)))
		two := newFixture(t, b, sessionKey(key), onStore(openStore(t, dsn)))

		logout := func(fx *fixture, cookie string) {
			t.Helper()
			c := withCookie(fx, cookie)
			if r := c.do("POST", "/logout", url.Values{"csrf": {c.csrf("/findings")}}); r.status != http.StatusSeeOther {
				t.Fatalf("logout: %d %s", r.status, r.body)
			}
		}
		login := func() string {
			t.Helper()
			c := one.client()
			c.login()
			return sessionCookieOf(one, c)
		}

		kept, outOnOne, outOnTwo := login(), login(), login()
		logout(one, outOnOne)
		logout(two, outOnTwo)
		for _, fx := range []*fixture{one, two} {
			if !accepted(withCookie(fx, kept)) {
				t.Error("a cookie that did not log out is refused")
			}
			if accepted(withCookie(fx, outOnOne)) {
				t.Error("a cookie logged out on the first console is accepted")
			}
			if accepted(withCookie(fx, outOnTwo)) {
				t.Error("a cookie logged out on the second console is accepted")
			}
		}

		// A console started afresh on the database knows both logouts.
		three := newFixture(t, b, sessionKey(key), onStore(openStore(t, dsn)))
		if !accepted(withCookie(three, kept)) {
			t.Error("after a restart, a cookie that did not log out is refused")
		}
		for _, ck := range []string{outOnOne, outOnTwo} {
			r := withCookie(three, ck).get("/findings")
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
				t.Errorf("after a restart, a logged-out cookie: %d %q, want a redirect to the login", r.status, r.header.Get("Location"))
			}
		}
	})
}

// syncBuffer is a log destination the server's goroutines write to while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func logTo(w *syncBuffer) fixtureOpt {
	return func(o *web.Options) { o.Logger = slog.New(slog.NewTextHandler(w, nil)) }
}

// When the store cannot say whether a session logged out, the session is
// refused (an error page, not the findings) and the failure logged.
func TestConsole_SessionCheckStoreFails(t *testing.T) {
	var log syncBuffer
	fx := newFixture(t, storetest.SQLite, logTo(&log))
	c := fx.client()
	c.login()
	if !accepted(c) {
		t.Fatal("not logged in")
	}
	fx.store.Close()
	r := c.get("/findings")
	if r.status != http.StatusInternalServerError || strings.Contains(r.body, testUser) {
		t.Errorf("with the store closed: %d, want 500 and no page for the user", r.status)
	}
	if !strings.Contains(log.String(), "revoked session") {
		t.Errorf("the failure is not logged: %q", log.String())
	}
}

// When the store cannot keep a logout, the user is told so and stays
// logged in (the cookie is not deleted), and may log out again once it can.
func TestConsole_LogoutStoreFails(t *testing.T) {
	var log syncBuffer
	dsn := storetest.SQLite.Fresh(t)
	fx := newFixture(t, storetest.SQLite, logTo(&log), onStore(openStore(t, dsn)))
	raw := storetest.SQLite.Raw(t, dsn)
	if _, err := raw.Exec(`CREATE TRIGGER refuse_revoke BEFORE INSERT ON revoked_sessions
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}
	c := fx.client()
	c.login()
	cookie := sessionCookieOf(fx, c)
	token := c.csrf("/findings")

	r := c.do("POST", "/logout", url.Values{"csrf": {token}})
	if r.status != http.StatusInternalServerError {
		t.Fatalf("logout with the store refusing: %d, want 500", r.status)
	}
	if ck := r.header.Get("Set-Cookie"); strings.Contains(ck, "sw_session") {
		t.Errorf("the failed logout deleted the cookie: %q", ck)
	}
	if !strings.Contains(log.String(), "refused by the test") {
		t.Errorf("the failure is not logged: %q", log.String())
	}
	if !accepted(c) {
		t.Fatal("after a failed logout the session no longer works")
	}

	if _, err := raw.Exec(`DROP TRIGGER refuse_revoke`); err != nil {
		t.Fatal(err)
	}
	if r := c.do("POST", "/logout", url.Values{"csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("logout again: %d %s", r.status, r.body)
	}
	if accepted(withCookie(fx, cookie)) {
		t.Error("the cookie works after the second logout")
	}
}

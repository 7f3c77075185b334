package web_test

import (
	"net/http"
	"net/url"
	"strings"
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

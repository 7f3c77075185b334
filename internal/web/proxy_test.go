package web_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

// behindProxy trusts the test server's peer, loopback, as a reverse proxy.
func behindProxy(o *web.Options) {
	o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// The throttle counts each browser behind a trusted proxy apart: one that
// guesses is blocked, one next to it is not, and writing its own entries
// to the left of the list does not make the guesser someone else.
func TestConsole_ThrottlePerClientBehindProxy(t *testing.T) {
	fx := newFixture(t, storetest.SQLite, behindProxy)
	guesser, other := fx.client(), fx.client()
	guess := url.Values{"user": {testUser}, "password": {"guess"}}
	for i := range 10 {
		xff := "203.0.113.1"
		if i%2 == 1 {
			xff = fmt.Sprintf("198.51.100.%d, 203.0.113.1", i)
		}
		if r := guesser.do("POST", "/login", guess, "X-Forwarded-For", xff); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	good := url.Values{"user": {testUser}, "password": {testPassword}}
	for _, xff := range []string{"203.0.113.1", "198.51.100.99, 203.0.113.1", "203.0.113.1, 127.0.0.1"} {
		if r := guesser.do("POST", "/login", good, "X-Forwarded-For", xff); r.status != http.StatusTooManyRequests {
			t.Errorf("guesser as %q: %d, want 429", xff, r.status)
		}
	}
	if r := other.do("POST", "/login", good, "X-Forwarded-For", "203.0.113.2"); r.status != http.StatusSeeOther {
		t.Errorf("another client behind the proxy: %d, want 303", r.status)
	}
	// No X-Forwarded-For: the proxy's own address, a count of its own.
	if r := other.do("POST", "/login", good); r.status != http.StatusSeeOther {
		t.Errorf("the proxy itself: %d, want 303", r.status)
	}
}

// From a peer that is not a trusted proxy, X-Forwarded-For is ignored: a
// new address per guess does not escape the throttle.
func TestConsole_ThrottleIgnoresSpoofedForwardedFor(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	c := fx.client()
	for i := range 10 {
		xff := fmt.Sprintf("203.0.113.%d", i)
		if r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {"guess"}}, "X-Forwarded-For", xff); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	if r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}}, "X-Forwarded-For", "198.51.100.77"); r.status != http.StatusTooManyRequests {
		t.Errorf("a spoofed X-Forwarded-For escaped the throttle: %d", r.status)
	}
}

// The session cookie is Secure when a trusted proxy says the browser came
// over HTTPS, and not when anyone else says so.
func TestConsole_SecureCookieBehindProxy(t *testing.T) {
	trusted := newFixture(t, storetest.SQLite, behindProxy)
	untrusted := newFixture(t, storetest.SQLite)
	tests := []struct {
		name   string
		fx     *fixture
		header []string
		secure bool
	}{
		{"trusted proxy, https", trusted, []string{"X-Forwarded-Proto", "https"}, true},
		{"trusted proxy, http", trusted, []string{"X-Forwarded-Proto", "http"}, false},
		{"trusted proxy, no proto", trusted, nil, false},
		{"untrusted peer, spoofed https", untrusted, []string{"X-Forwarded-Proto", "https"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.fx.client()
			r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}}, tt.header...)
			ck := r.header.Get("Set-Cookie")
			if r.status != http.StatusSeeOther || !strings.Contains(ck, "sw_session=") {
				t.Fatalf("login: %d %q", r.status, ck)
			}
			if got := strings.Contains(ck, "; Secure"); got != tt.secure {
				t.Errorf("login cookie %q: Secure %v, want %v", ck, got, tt.secure)
			}
			token := c.csrf("/findings")
			r = c.do("POST", "/logout", url.Values{"csrf": {token}}, tt.header...)
			ck = r.header.Get("Set-Cookie")
			if r.status != http.StatusSeeOther || strings.Contains(ck, "; Secure") != tt.secure {
				t.Errorf("logout: %d cookie %q, want Secure %v", r.status, ck, tt.secure)
			}
		})
	}
}

// Behind a trusted proxy the same-origin check compares the browser's
// Origin with X-Forwarded-Host, the host it addressed; from anyone else
// the header is ignored.
func TestConsole_SameOriginBehindProxy(t *testing.T) {
	trusted := newFixture(t, storetest.SQLite, behindProxy)
	untrusted := newFixture(t, storetest.SQLite)
	login := url.Values{"user": {testUser}, "password": {testPassword}}
	tests := []struct {
		name   string
		fx     *fixture
		header []string
		want   int
	}{
		{"trusted, origin is the forwarded host", trusted, []string{"Origin", "https://console.example.ru", "X-Forwarded-Host", "console.example.ru"}, http.StatusSeeOther},
		{"trusted, forwarded host with the default port", trusted, []string{"Origin", "https://console.example.ru", "X-Forwarded-Host", "console.example.ru:443"}, http.StatusSeeOther},
		{"trusted, forwarded host with another port", trusted, []string{"Origin", "https://console.example.ru", "X-Forwarded-Host", "console.example.ru:8443"}, http.StatusForbidden},
		{"trusted, referer on the forwarded host", trusted, []string{"Origin", "", "Referer", "https://Console.Example.ru/login", "X-Forwarded-Host", "console.example.ru"}, http.StatusSeeOther},
		{"trusted, foreign origin", trusted, []string{"Origin", "https://evil.example", "X-Forwarded-Host", "console.example.ru"}, http.StatusForbidden},
		{"trusted, origin is the backend but the browser addressed the proxy", trusted, []string{"X-Forwarded-Host", "console.example.ru"}, http.StatusForbidden},
		{"trusted, no forwarded host: the Host header", trusted, nil, http.StatusSeeOther},
		{"untrusted, forwarded host ignored", untrusted, []string{"Origin", "https://console.example.ru", "X-Forwarded-Host", "console.example.ru"}, http.StatusForbidden},
		{"untrusted, a foreign origin cannot name itself", untrusted, []string{"Origin", "https://evil.example", "X-Forwarded-Host", "evil.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.fx.client().do("POST", "/login", login, tt.header...); r.status != tt.want {
				t.Errorf("login: %d, want %d", r.status, tt.want)
			}
		})
	}
	// A review form posted through the proxy passes too.
	c := trusted.client()
	via := []string{"Origin", "https://console.example.ru", "X-Forwarded-Host", "console.example.ru"}
	c.do("POST", "/login", login, via...)
	token := c.csrf("/findings")
	if r := c.do("POST", "/logout", url.Values{"csrf": {token}}, via...); r.status != http.StatusSeeOther {
		t.Errorf("logout through the proxy: %d %s", r.status, r.body)
	}
}

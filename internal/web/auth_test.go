package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
)

func TestLogin(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	c := fx.client()

	r := c.get("/findings?severity=high")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next="+url.QueryEscape("/findings?severity=high") {
		t.Fatalf("anonymous GET: %d %q", r.status, r.header.Get("Location"))
	}
	for _, bad := range []url.Values{
		{"user": {testUser}, "password": {"wrong"}},
		{"user": {"mallory"}, "password": {testPassword}},
		{"user": {""}, "password": {""}},
	} {
		r = c.do("POST", "/login", bad)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Unknown user or wrong password") {
			t.Errorf("login %v: %d", bad, r.status)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("login %v set a cookie", bad)
		}
	}
	r = c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}, "next": {"/findings?cloud=aws"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/findings?cloud=aws" {
		t.Fatalf("login: %d %q", r.status, r.header.Get("Location"))
	}
	ck := r.header.Get("Set-Cookie")
	for _, want := range []string{"sw_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("cookie %q is Secure over plain HTTP", ck)
	}
	r = c.get("/findings")
	if r.status != http.StatusOK || !strings.Contains(r.body, testUser) {
		t.Fatalf("after login: %d", r.status)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if r.header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
}

// Login redirects stay on the console.
func TestLoginNext(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	tests := []struct{ next, want string }{
		{"/findings/abc", "/findings/abc"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		r := fx.client().do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}, "next": {tt.next}})
		if got := r.header.Get("Location"); r.status != http.StatusSeeOther || got != tt.want {
			t.Errorf("next %q: %d %q, want %q", tt.next, r.status, got, tt.want)
		}
	}
	r := fx.client().get("/lang?to=ru&back=//evil.example")
	if r.header.Get("Location") != "/" {
		t.Errorf("lang back: %q", r.header.Get("Location"))
	}
}

func TestLoginSecureCookieOverTLS(t *testing.T) {
	s, err := store.Open(t.Context(), storetest.SQLite.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := web.New(web.Options{Store: s, Users: []web.User{{Name: testUser, PasswordHash: cheapHash(t, testPassword)}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(c)
	defer srv.Close()
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"user": {testUser}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if ck := res.Header.Get("Set-Cookie"); res.StatusCode != http.StatusSeeOther || !strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") {
		t.Errorf("TLS login: %d cookie %q", res.StatusCode, ck)
	}
}

// A session ends at its expiry, at logout, and when its cookie is altered.
func TestSessionEnds(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	loggedIn := func(c *client) bool { return c.get("/findings").status == http.StatusOK }

	c := fx.client()
	c.login()
	fx.advance(11 * time.Hour)
	if !loggedIn(c) {
		t.Fatal("session ended before 12h")
	}
	fx.advance(2 * time.Hour)
	if loggedIn(c) {
		t.Error("session outlived its 12h")
	}

	c = fx.client()
	c.login()
	u, _ := url.Parse(fx.srv.URL)
	cookie := c.hc.Jar.Cookies(u)[0].Value
	token := c.csrf("/findings")
	if r := c.do("POST", "/logout", url.Values{"csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	replay := fx.client()
	replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "sw_session", Value: cookie}})
	if loggedIn(replay) {
		t.Error("the cookie still works after logout")
	}

	forged := fx.client()
	alice, bob := "YWxpY2U", "Ym9i" // base64url of the names
	forged.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "sw_session", Value: strings.Replace(cookie, alice, bob, 1)}})
	if !strings.Contains(cookie, alice) || loggedIn(forged) {
		t.Errorf("a cookie renamed to bob works (%q)", cookie)
	}
}

func TestBearerToken(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r1", "bob"))
	c := fx.client()
	if r := c.get("/findings", "Authorization", "Bearer "+testToken); r.status != http.StatusOK || !strings.Contains(r.body, `data-id="f1"`) {
		t.Errorf("good token: %d", r.status)
	}
	for _, h := range []string{"Bearer nope", "Basic " + testToken, "Bearer "} {
		if r := c.get("/findings", "Authorization", h); r.status != http.StatusUnauthorized {
			t.Errorf("%q: %d, want 401", h, r.status)
		}
	}
	// Automation posts without CSRF token or Origin: no cookie, no ambient authority.
	r := c.do("POST", "/findings/ack", url.Values{"id": {"f1"}, "reason": {"scripted"}}, "Authorization", "Bearer "+testToken, "Origin", "")
	if r.status != http.StatusSeeOther {
		t.Fatalf("token ack: %d %s", r.status, r.body)
	}
	audit, err := fx.store.FindingAudit(t.Context(), "f1")
	if err != nil || len(audit) != 1 || audit[0].By != "token:ci" || audit[0].Reason != "scripted" {
		t.Errorf("audit %+v %v", audit, err)
	}
}

// Every mutating request by session needs the session's CSRF token and a
// same-origin Origin or Referer.
func TestCSRF(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r1", "bob"))
	c := fx.client()
	c.login()
	token := c.csrf("/findings")
	other := fx.client()
	other.login()
	otherToken := other.csrf("/findings")
	if token == otherToken {
		t.Fatal("two sessions share a CSRF token")
	}
	tests := []struct {
		name   string
		form   url.Values
		header []string
		want   int
	}{
		{"no token", url.Values{"id": {"f1"}}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"id": {"f1"}, "csrf": {"x" + token}}, nil, http.StatusForbidden},
		{"another session's token", url.Values{"id": {"f1"}, "csrf": {otherToken}}, nil, http.StatusForbidden},
		{"foreign origin", url.Values{"id": {"f1"}, "csrf": {token}}, []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"foreign referer", url.Values{"id": {"f1"}, "csrf": {token}}, []string{"Origin", "", "Referer", "https://evil.example/x"}, http.StatusForbidden},
		{"neither origin nor referer", url.Values{"id": {"f1"}, "csrf": {token}}, []string{"Origin", ""}, http.StatusForbidden},
		{"same-origin referer", url.Values{"id": {"f1"}, "csrf": {token}, "back": {"/findings"}}, []string{"Origin", "", "Referer", fx.srv.URL + "/findings"}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", "/findings/ack", tt.form, tt.header...)
			if r.status != tt.want {
				t.Fatalf("%d, want %d: %s", r.status, tt.want, r.body)
			}
			f, _, _ := fx.store.FindingByID(t.Context(), "f1")
			if acked := f.Status == finding.StatusAcknowledged; acked != (tt.want == http.StatusSeeOther) {
				t.Errorf("status %s after %d", f.Status, r.status)
			}
		})
	}
	// A cross-site login (login CSRF) is refused too.
	if r := fx.client().do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}}, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
		t.Errorf("cross-site login: %d", r.status)
	}
}

func TestNoUsers(t *testing.T) {
	fx := newFixture(t, storetest.SQLite, noUsers)
	c := fx.client()
	r := c.get("/login")
	if r.status != http.StatusOK || !strings.Contains(r.body, "snapwarden config hash-password") || !strings.Contains(r.body, "serve.users") || strings.Contains(r.body, `name="password"`) {
		t.Errorf("login page without users: %d %s", r.status, r.body)
	}
	if r = c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}}); r.status != http.StatusUnauthorized {
		t.Errorf("login without users: %d", r.status)
	}
	if r = c.get("/findings", "Authorization", "Bearer "+testToken); r.status != http.StatusOK {
		t.Errorf("token without users: %d", r.status)
	}
}

func TestLanguage(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	fx.put(mkFinding("f1", fx.now.Add(-time.Hour), finding.High, event.AWS, "111", "r1", "bob"))
	tests := []struct {
		accept string
		want   []string
	}{
		{"", []string{"Findings", "snapshot shared f1", `lang="en"`}},
		{"ru-RU,ru;q=0.9,en;q=0.8", []string{"Находки", "снимок открыт f1", `lang="ru"`, "высокая"}},
		{"de-DE,en;q=0.5,ru;q=0.7", []string{"Находки"}},
		{"fr", []string{"Findings"}},
	}
	for _, tt := range tests {
		c := fx.client()
		c.login()
		r := c.get("/findings", "Accept-Language", tt.accept)
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("Accept-Language %q: page lacks %q", tt.accept, w)
			}
		}
	}
	c := fx.client()
	c.login()
	if r := c.get("/lang?to=ru&back=/findings%3Fcloud%3Daws"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/findings?cloud=aws" {
		t.Fatalf("switch: %d %q", r.status, r.header.Get("Location"))
	}
	if r := c.get("/findings", "Accept-Language", "en"); !strings.Contains(r.body, "Находки") {
		t.Error("the switch does not outrank Accept-Language")
	}
}

// Failed logins from one address are bounded per window; a correct
// password does not get through while blocked.
func TestLoginThrottle(t *testing.T) {
	fx := newFixture(t, storetest.SQLite)
	c := fx.client()
	for i := range 10 {
		if r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {"guess"}}); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("blocked login: %d %q", r.status, r.header.Get("Set-Cookie"))
	}
	fx.advance(11 * time.Minute)
	if r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}}); r.status != http.StatusSeeOther {
		t.Errorf("after the window: %d", r.status)
	}
}

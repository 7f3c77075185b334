package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// Test users and token.
const (
	testUser     = "alice"
	testPassword = "correct horse battery staple"
	testToken    = "sw_test_token"
)

// cheapHash keeps the tests fast: bcrypt's minimum cost.
func cheapHash(t testing.TB, pw string) []byte {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fixture is a console over a fresh store behind a real HTTP server, with
// a clock the test moves.
type fixture struct {
	t     *testing.T
	store *store.Store
	srv   *httptest.Server

	mu  sync.Mutex
	now time.Time
}

type fixtureOpt func(*web.Options)

func noUsers(o *web.Options) { o.Users = nil }

// onStore builds the console over s instead of a fresh store, as a
// restarted or second instance shares one database.
func onStore(s *store.Store) fixtureOpt {
	return func(o *web.Options) { o.Store = s }
}

func newFixture(t *testing.T, b storetest.Backend, opts ...fixtureOpt) *fixture {
	t.Helper()
	fx := &fixture{t: t, now: time.Now().UTC().Truncate(time.Second)}
	o := web.Options{
		Users: []web.User{{Name: testUser, PasswordHash: cheapHash(t, testPassword)}},
		Token: func(tok string) (string, bool) { return "ci", tok == testToken },
		Now:   fx.clock,
	}
	for _, f := range opts {
		f(&o)
	}
	if o.Store == nil {
		o.Store = openStore(t, b.Fresh(t))
	}
	fx.store = o.Store
	c, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	fx.srv = httptest.NewServer(mux)
	t.Cleanup(fx.srv.Close)
	return fx
}

// openStore opens the store at dsn and closes it when the test ends.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (fx *fixture) clock() time.Time {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	return fx.now
}

func (fx *fixture) advance(d time.Duration) {
	fx.mu.Lock()
	defer fx.mu.Unlock()
	fx.now = fx.now.Add(d)
}

func (fx *fixture) put(fs ...finding.Finding) {
	fx.t.Helper()
	if err := fx.store.PutFindings(fx.t.Context(), fs); err != nil {
		fx.t.Fatal(err)
	}
}

// client is a browser-like client: a cookie jar, no redirects followed
// (tests look at them), and the console's origin on its POSTs.
type client struct {
	fx *fixture
	hc *http.Client
}

func (fx *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{fx: fx, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// reply is an answer, read whole.
type reply struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, path string, form url.Values, header ...string) reply {
	c.fx.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(c.fx.t.Context(), method, c.fx.srv.URL+path, body)
	if err != nil {
		c.fx.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", c.fx.srv.URL)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.fx.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string, header ...string) reply { return c.do("GET", path, nil, header...) }

// login logs the client in as the test user.
func (c *client) login() {
	c.fx.t.Helper()
	r := c.do("POST", "/login", url.Values{"user": {testUser}, "password": {testPassword}, "next": {"/findings"}})
	if r.status != http.StatusSeeOther {
		c.fx.t.Fatalf("login: %d %s", r.status, r.body)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's forms.
func (c *client) csrf(path string) string {
	c.fx.t.Helper()
	r := c.get(path)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		c.fx.t.Fatalf("no csrf field on %s (%d): %s", path, r.status, r.body)
	}
	return m[1]
}

var dataID = regexp.MustCompile(`<tr data-id="([^"]+)"`)

// ids lists the findings a list page shows, in order.
func ids(body string) []string {
	var out []string
	for _, m := range dataID.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func mkFinding(id string, at time.Time, sev finding.Severity, cloud event.Cloud, account, rule string, actors ...string) finding.Finding {
	return finding.Finding{
		ID:        id,
		Rule:      finding.Rule{ID: rule, Title: "Snapshot shared outside " + rule, Kind: finding.KindDetection},
		Severity:  sev,
		Attack:    []string{"T1578.001"},
		Time:      at,
		Cloud:     cloud,
		Account:   account,
		Actors:    actors,
		Resources: []finding.Resource{{Type: event.Snapshot, ID: "snap-" + id}},
		Events:    []finding.EventRef{{ID: "ev-" + id, Time: at, Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare, Actor: "alice"}},
		Summary:   map[string]string{"en": "snapshot shared " + id, "ru": "снимок открыт " + id},
		Revision:  1,
	}
}

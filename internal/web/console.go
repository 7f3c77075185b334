// Package web is serve's console: server-rendered HTML pages (findings,
// the chain of one finding as a lineage graph, and the pages other files
// register) over the store, for analysts in a browser. Users log in with a
// password from the config and get a signed session cookie; automation may
// send the API's bearer token instead. Every mutating request carries a
// CSRF token and a same-origin Origin or Referer. Pages are html/template
// with embedded templates and CSS, readable without JavaScript; all log
// text goes through html/template's escaping and textsafe. It imports
// store, finding and event; only the serve command imports it.
package web

import (
	"cmp"
	"crypto/rand"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options assemble a console. Store is required.
type Options struct {
	Store *store.Store
	// Users may log in with a password (serve.users). None: only bearer
	// tokens are accepted, and the login page says how to add a user.
	Users []User
	// Token checks an API bearer token and names it; nil accepts none.
	Token func(token string) (name string, ok bool)
	// SessionKey signs session cookies and CSRF tokens. Nil: a random key
	// per start, so sessions end when the process does. Consoles given the
	// same key (a restart, other instances) accept each other's sessions;
	// over the same store they also refuse each other's logouts.
	SessionKey []byte
	// TrustedProxies are the reverse proxies (serve.trusted_proxies) whose
	// X-Forwarded-Proto, -Host and -For tell how the browser reached them,
	// which host it addressed and its address. From other peers those
	// headers are ignored. None: the console sees browsers directly.
	TrustedProxies []netip.Prefix
	// SessionTTL is how long a login lasts (default 12h).
	SessionTTL time.Duration
	// Now is the clock for sessions and reviews; nil for time.Now.
	Now func() time.Time
	// Logger gets store failures, which users see only as "internal
	// error"; nil discards them.
	Logger *slog.Logger
	// Health reports the ingest pipeline's state for the overview; nil
	// when the console runs without one (the overview says so).
	Health func() Health
	// Trust judges the inventory's exposure: shares to these accounts and
	// principals stay inside (config.Matchers' TrustedAccount and
	// TrustedPrincipal).
	Trust Trust
}

// User is one console login: a name and the bcrypt hash of its password.
type User struct {
	Name         string
	PasswordHash []byte
}

// Console serves the console's pages. Register adds them to a mux.
type Console struct {
	o        Options
	sessions *sessions
	logins   *throttle
	proxies  proxies
	tmpl     map[string]*template.Template // by template file name
	mux      *http.ServeMux
}

// Page is one page of the console, registered by its file's init with
// addPage. Its handler runs for a logged-in user (or a bearer token);
// POST pages are checked for CSRF first.
type Page struct {
	// Pattern is the mux pattern, with a method: "GET /findings".
	Pattern string
	// Nav is the text key of its entry in the navigation bar and Path the
	// link; Order places it (lower first). Nav "" keeps it out of the bar.
	Nav   string
	Path  string
	Order int
	// Templates are the files under templates/ the page renders.
	Templates []string
	Handle    func(c *Console, w http.ResponseWriter, r *http.Request)
}

// pages is the registry every page file adds to.
var pages []Page

// addPage registers a page; call it from an init.
func addPage(p Page) { pages = append(pages, p) }

// New returns a console over o.Store.
func New(o Options) (*Console, error) {
	if o.Store == nil {
		return nil, fmt.Errorf("web: no store")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.SessionTTL = cmp.Or(o.SessionTTL, 12*time.Hour)
	key := o.SessionKey
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("web: session key: %w", err)
		}
	}
	c := &Console{o: o, sessions: newSessions(key, o.SessionTTL, o.Now, o.Store), logins: newThrottle(o.Now),
		proxies: newProxies(o.TrustedProxies), tmpl: map[string]*template.Template{}}
	names := []string{"login.html", "error.html"}
	for _, p := range pages {
		names = append(names, p.Templates...)
	}
	for _, name := range names {
		if _, ok := c.tmpl[name]; ok {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		c.tmpl[name] = t
	}
	c.mux = http.NewServeMux()
	c.Register(c.mux)
	return c, nil
}

// Register adds the console's routes to mux (serve's root mux, outside
// the API's token check: the console checks sessions and tokens itself).
func (c *Console) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, http.FileServerFS(static))))
	mux.HandleFunc("GET /login", c.loginPage)
	mux.HandleFunc("POST /login", c.login)
	mux.Handle("POST /logout", c.authed(c.logout))
	mux.HandleFunc("GET /lang", c.switchLang)
	home := false
	for _, p := range pages {
		mux.Handle(p.Pattern, c.authed(func(w http.ResponseWriter, r *http.Request) { p.Handle(c, w, r) }))
		home = home || p.Pattern == "GET /{$}"
	}
	if !home { // no overview page: the findings are home
		mux.Handle("GET /{$}", c.authed(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/findings", http.StatusSeeOther)
		}))
	}
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.mux.ServeHTTP(w, r) }

// navItem is one entry of the navigation bar.
type navItem struct {
	Key, Path string
}

// nav lists the registered pages that have a bar entry, in order.
func nav() []navItem {
	ps := slices.Clone(pages)
	slices.SortStableFunc(ps, func(a, b Page) int { return cmp.Compare(a.Order, b.Order) })
	var out []navItem
	for _, p := range ps {
		if p.Nav != "" {
			out = append(out, navItem{Key: p.Nav, Path: p.Path})
		}
	}
	return out
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

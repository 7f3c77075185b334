package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// principal is who a request acts as.
type principal struct {
	Name    string // user or token name
	ByToken bool   // a bearer token (no cookie: CSRF cannot apply)
	session session
}

// Reviewer is what the audit records: "user:alice" or "token:ci".
func (p principal) Reviewer() string {
	if p.ByToken {
		return "token:" + p.Name
	}
	return "user:" + p.Name
}

type principalKey struct{}

// who returns the request's principal (authed set it).
func who(r *http.Request) principal {
	p, _ := r.Context().Value(principalKey{}).(principal)
	return p
}

// authed lets through requests with a bearer token the API knows or a
// valid session; POSTs by session must also pass the CSRF checks. Others
// are sent to the login page (GET) or refused.
func (c *Console) authed(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p principal
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, tok, _ := strings.Cut(h, " ")
			name, ok := "", false
			if strings.EqualFold(scheme, "Bearer") && c.o.Token != nil && strings.TrimSpace(tok) != "" {
				name, ok = c.o.Token(strings.TrimSpace(tok))
			}
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="snapwarden"`)
				c.fail(w, r, http.StatusUnauthorized, "error.token")
				return
			}
			p = principal{Name: name, ByToken: true}
		} else if ck, err := r.Cookie(sessionCookie); err == nil {
			se, ok, err := c.sessions.check(r.Context(), ck.Value)
			if err != nil {
				c.internal(w, r, err)
				return
			}
			if ok {
				p = principal{Name: se.User, session: se}
			}
		}
		if p.Name == "" && !p.ByToken {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.fail(w, r, http.StatusUnauthorized, "error.login")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				c.fail(w, r, http.StatusBadRequest, "error.badrequest")
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !p.ByToken {
			if !sameOrigin(r, c.proxies.clientOf(r).host) {
				c.fail(w, r, http.StatusForbidden, "error.origin")
				return
			}
			want := c.sessions.csrf(p.session)
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(want)) != 1 {
				c.fail(w, r, http.StatusForbidden, "error.csrf")
				return
			}
		}
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// maxForm bounds a form's body.
const maxForm = 1 << 20

// sameOrigin reports whether a browser's POST came from a page of this
// host: its Origin, else its Referer, must name host, the one the browser
// sent the request to (clientOf: a trusted proxy's X-Forwarded-Host, else
// the Host header). A POST with neither is refused (browsers send Origin
// on every POST; the console's Referrer-Policy keeps Referer for its own
// pages).
func sameOrigin(r *http.Request, host string) bool {
	src := r.Header.Get("Origin")
	if src == "" || src == "null" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return false
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return false
	}
	// An origin never names its scheme's default port; a proxy's
	// X-Forwarded-Host may ("console.example.ru:443").
	switch strings.ToLower(u.Scheme) {
	case "https":
		host = strings.TrimSuffix(host, ":443")
	case "http":
		host = strings.TrimSuffix(host, ":80")
	}
	return strings.EqualFold(u.Host, host)
}

// dummyHash is compared against when the user is unknown, so a login
// takes as long whether the name exists or not.
// It is made on first use: bcrypt takes a while, and most runs of the
// binary never show the console.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("snapwarden: no such user"), bcrypt.DefaultCost)
	return h
})

// checkPassword returns the user name when name and password match a
// configured user.
func (c *Console) checkPassword(name, password string) bool {
	hash := dummyHash()
	found := false
	for _, u := range c.o.Users {
		if subtle.ConstantTimeCompare([]byte(u.Name), []byte(name)) == 1 {
			hash, found = u.PasswordHash, true
		}
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return found && err == nil
}

type loginData struct {
	Next    string
	Failed  bool
	NoUsers bool
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login.html", loginData{Next: localPath(r.URL.Query().Get("next")), NoUsers: len(c.o.Users) == 0})
}

// login checks the form and starts a session. Login CSRF is prevented by
// the same-origin check (there is no session yet to tie a token to).
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	cl := c.proxies.clientOf(r)
	if !sameOrigin(r, cl.host) {
		c.fail(w, r, http.StatusForbidden, "error.origin")
		return
	}
	if c.logins.blocked(cl.ip) {
		w.Header().Set("Retry-After", strconv.Itoa(int(failureWindow.Seconds())))
		c.fail(w, r, http.StatusTooManyRequests, "error.throttled")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	name, password := r.PostFormValue("user"), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	if len(c.o.Users) == 0 || !c.checkPassword(name, password) {
		c.logins.fail(cl.ip)
		c.o.Logger.Warn("console: login refused", "user", name, "remote", cl.ip, "peer", r.RemoteAddr)
		c.render(w, r, http.StatusUnauthorized, "login.html", loginData{Next: next, Failed: true, NoUsers: len(c.o.Users) == 0})
		return
	}
	v, se, err := c.sessions.issue(name)
	if err != nil {
		c.internal(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: v, Path: "/", Expires: se.Expires,
		HttpOnly: true, Secure: cl.secure, SameSite: http.SameSiteLaxMode})
	c.o.Logger.Info("console: login", "user", name, "remote", cl.ip, "peer", r.RemoteAddr)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if p := who(r); !p.ByToken {
		if err := c.sessions.revoke(r.Context(), p.session); err != nil {
			c.internal(w, r, err) // the cookie stays: the user is not logged out
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: c.proxies.clientOf(r).secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang keeps the language chosen (GET /lang?to=ru&back=/findings)
// and goes back to the page.
func (c *Console) switchLang(w http.ResponseWriter, r *http.Request) {
	if to := r.URL.Query().Get("to"); known(to) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: c.proxies.clientOf(r).secure, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, localPath(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// localPath returns p when it is a path on this host, else "/": redirects
// never leave the console ("//evil", "/\evil" and "https://…" do).
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

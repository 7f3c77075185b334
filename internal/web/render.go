package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// View is what every template gets: the page's own Data and what the
// layout needs (language, user, CSRF token, navigation).
type View struct {
	Lang string
	User string // "" on pages shown before login
	CSRF string // the session's token for forms; "" for bearer tokens
	Nav  []navItem
	Path string // the request's path, to mark the current nav entry and come back after a language switch
	URI  string
	Data any
}

// T is a text in the view's language: {{.T "findings.title"}}, or with
// arguments a format: {{.T "findings.count" 3}}.
func (v *View) T(key string, args ...any) string { return text(v.Lang, key, args...) }

// Other is the language the switch offers.
func (v *View) Other() string {
	if v.Lang == "ru" {
		return "en"
	}
	return "ru"
}

// render executes a page template into a buffer (a failure half-way shows
// an error page, not half a page) and writes it with the console's
// security headers.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t := c.tmpl[name]
	if t == nil {
		c.internal(w, r, errNoTemplate(name))
		return
	}
	p := who(r)
	v := &View{Lang: requestLang(r), User: p.Name, Nav: nav(), Path: r.URL.Path, URI: r.URL.RequestURI(), Data: data}
	if p.Name != "" && !p.ByToken {
		v.CSRF = c.sessions.csrf(p.session)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.internal(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// No inline script or style and no foreign origin: even text that
	// escaped escaping could not run.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errNoTemplate string

func (e errNoTemplate) Error() string { return "no template " + string(e) }

// errorData is the error page's.
type errorData struct {
	Status  int
	Message string // a text key
	Detail  string // log-free detail (a bad parameter's name), may be ""
}

// fail shows an error page with a text key as its message.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, key string, detail ...string) {
	c.render(w, r, status, "error.html", errorData{Status: status, Message: key, Detail: strings.Join(detail, " ")})
}

// internal logs err and shows a page that says nothing of it.
func (c *Console) internal(w http.ResponseWriter, r *http.Request, err error) {
	c.o.Logger.Error("console: request failed", "path", r.URL.Path, "err", err)
	if _, ok := err.(errNoTemplate); ok || c.tmpl["error.html"] == nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	c.render(w, r, http.StatusInternalServerError, "error.html", errorData{Status: http.StatusInternalServerError, Message: "error.internal"})
}

// funcs are the templates' helpers. None returns template.HTML: whatever
// they give is escaped like any other text.
var funcs = template.FuncMap{
	// clean strips control characters (ANSI escapes) from log text.
	"clean": textsafe.Clean,
	// short cuts log text for a table cell, cleaned.
	"short": func(n int, s string) string { return textsafe.Truncate(s, n) },
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	},
	"sev": func(s finding.Severity) string {
		if s.Valid() {
			return s.String()
		}
		return "unknown"
	},
	"summary": func(f finding.Finding, lang string) string { return textsafe.Clean(f.SummaryIn(lang)) },
	// pretty indents a raw JSON record; other bytes are shown as they are
	// (cleaned; the template escapes them).
	"pretty": func(raw []byte) string {
		var out bytes.Buffer
		if json.Indent(&out, raw, "", "  ") == nil {
			return cleanKeepLines(out.String())
		}
		return cleanKeepLines(string(raw))
	},
}

// cleanKeepLines cleans each line of s (textsafe would mark the newlines).
func cleanKeepLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = textsafe.Clean(l)
	}
	return strings.Join(lines, "\n")
}

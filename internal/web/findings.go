package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

func init() {
	addPage(Page{Pattern: "GET /findings", Nav: "nav.findings", Path: "/findings", Order: 20,
		Templates: []string{"findings.html"}, Handle: (*Console).findingsPage})
	addPage(Page{Pattern: "POST /findings/ack", Handle: (*Console).bulkAck})
}

// pageSize is how many findings a page of the list shows.
const pageSize = 50

// maxFilterValue bounds a free-text filter (the API's bound).
const maxFilterValue = 1024

// filterForm is the list's filters as the form shows them.
type filterForm struct {
	Severity, Cloud, Account, Rule, Actor, Status, Since string
}

// findingsData is the list page's.
type findingsData struct {
	Filter     filterForm
	Findings   []finding.Finding
	Next       string // link to the next page; "" on the last
	First      string // link to the first page; "" on it
	Bad        string // the filter that could not be read; the list is empty then
	Acked      int    // findings acknowledged by the bulk form just now
	Severities []string
	Clouds     []string
	Statuses   []string
	Sinces     []string
}

// sinces are the "since" choices the form offers (any duration or date is
// accepted in the URL).
var sinces = []string{"1h", "24h", "168h", "720h"}

func (c *Console) findingsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := filterForm{Severity: q.Get("severity"), Cloud: q.Get("cloud"), Account: q.Get("account"), Rule: q.Get("rule"),
		Actor: q.Get("actor"), Status: q.Get("status"), Since: q.Get("since")}
	d := findingsData{Filter: form, Severities: sevNames(), Statuses: []string{"open", "acknowledged", "suppressed"}, Sinces: sinces}
	for _, cl := range event.Clouds {
		d.Clouds = append(d.Clouds, string(cl))
	}
	d.Acked, _ = strconv.Atoi(q.Get("acked"))
	f, bad := parseFilter(form, c.o.Now())
	if bad != "" {
		d.Bad = bad
		c.render(w, r, http.StatusBadRequest, "findings.html", d)
		return
	}
	f.Cursor = q.Get("cursor")
	f.Limit = pageSize
	page, err := c.o.Store.QueryFindings(r.Context(), f)
	if errors.Is(err, store.ErrBadCursor) {
		d.Bad = "cursor"
		c.render(w, r, http.StatusBadRequest, "findings.html", d)
		return
	}
	if err != nil {
		c.internal(w, r, err)
		return
	}
	d.Findings = page.Findings
	if page.Next != "" {
		d.Next = "/findings?" + form.query("cursor", page.Next)
	}
	if f.Cursor != "" {
		d.First = "/findings?" + form.query()
	}
	c.render(w, r, http.StatusOK, "findings.html", d)
}

// query encodes the filters that are set, plus extra name/value pairs.
func (f filterForm) query(extra ...string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"severity", f.Severity}, {"cloud", f.Cloud}, {"account", f.Account}, {"rule", f.Rule},
		{"actor", f.Actor}, {"status", f.Status}, {"since", f.Since}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

// parseFilter reads the form into a store filter; bad names the field
// that could not be read.
func parseFilter(form filterForm, now time.Time) (f store.FindingFilter, bad string) {
	for name, v := range map[string]string{"account": form.Account, "rule": form.Rule, "actor": form.Actor} {
		if len(v) > maxFilterValue {
			return f, name
		}
	}
	if form.Severity != "" {
		s, err := finding.ParseSeverity(form.Severity)
		if err != nil {
			return f, "severity"
		}
		f.MinSeverity = s
	}
	if form.Cloud != "" {
		cl, err := event.ParseCloud(form.Cloud)
		if err != nil {
			return f, "cloud"
		}
		f.Cloud = string(cl)
	}
	switch s := finding.Status(form.Status); s {
	case "":
	case finding.StatusOpen, finding.StatusAcknowledged, finding.StatusSuppressed:
		f.Status = s
	default:
		return f, "status"
	}
	if form.Since != "" {
		t, ok := parseSince(form.Since, now)
		if !ok {
			return f, "since"
		}
		f.Since = t
	}
	f.Account, f.Rule, f.Actor = form.Account, form.Rule, form.Actor
	return f, ""
}

// parseSince reads a positive duration back from now (24h), a date
// (2026-11-20) or an RFC 3339 time.
func parseSince(v string, now time.Time) (time.Time, bool) {
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), true
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t, true
		}
	}
	return time.Time{}, false
}

func sevNames() []string {
	var out []string
	for _, s := range finding.Severities {
		out = append(out, s.String())
	}
	return out
}

// maxBulk bounds the findings one bulk form acknowledges.
const maxBulk = 500

// bulkAck acknowledges the findings ticked in the list, with one reason,
// and goes back to the list.
func (c *Console) bulkAck(w http.ResponseWriter, r *http.Request) {
	ids := r.PostForm["id"]
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	back := localPath(r.PostFormValue("back"))
	if len(ids) > maxBulk {
		c.fail(w, r, http.StatusBadRequest, "error.badrequest", "id")
		return
	}
	done := 0
	for _, id := range ids {
		_, err := c.o.Store.Review(r.Context(), id, store.Review{Action: store.ActionAck, Reason: reason, By: who(r).Reviewer(), At: c.o.Now()})
		if errors.Is(err, store.ErrNotFound) {
			continue // gone with retention since the page was shown
		}
		if err != nil {
			c.internal(w, r, err)
			return
		}
		done++
	}
	http.Redirect(w, r, withParam(back, "acked", strconv.Itoa(done)), http.StatusSeeOther)
}

// withParam sets one query parameter of a local path.
func withParam(path, name, value string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// pathEscape escapes an id for a path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

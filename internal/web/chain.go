package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

func init() {
	addPage(Page{Pattern: "GET /findings/{id}", Templates: []string{"chain.html"}, Handle: (*Console).chainPage})
	addPage(Page{Pattern: "POST /findings/{id}/review", Handle: (*Console).review})
}

// chainData is the finding page's.
type chainData struct {
	F        finding.Finding
	Graph    *graph
	Timeline []step
	Audit    []store.AuditEntry
	Done     string // the review just applied ("ack", "suppress", "reopen")
	Bad      string // a review form's field that was wrong
	Durs     []string
}

// step is one event of the timeline with its kept record.
type step struct {
	Ref       finding.EventRef
	Record    []byte // nil: not kept
	Format    string
	Ev        *event.Event // the record decoded again; nil when it does not decode
	Resources []stepResource
}

type stepResource struct {
	Role, Type, ID, Name string
	Tags                 []string // "key=value", sorted
}

// suppressFor are the expiries the suppress form offers ("" never).
var suppressFor = []string{"24h", "168h", "720h", ""}

func (c *Console) chainPage(w http.ResponseWriter, r *http.Request) {
	c.showFinding(w, r, http.StatusOK, r.URL.Query().Get("done"), "")
}

// showFinding renders the finding page; bad names the review form's field
// to show as wrong.
func (c *Console) showFinding(w http.ResponseWriter, r *http.Request, status int, done, bad string) {
	ctx := r.Context()
	id := r.PathValue("id")
	f, ok, err := c.o.Store.FindingByID(ctx, id)
	if err != nil {
		c.internal(w, r, err)
		return
	}
	if !ok {
		c.fail(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	evIDs := make([]string, len(f.Events))
	for i, e := range f.Events {
		evIDs[i] = e.ID
	}
	recs, err := c.o.Store.EventRecords(ctx, evIDs)
	if err != nil {
		c.internal(w, r, err)
		return
	}
	audit, err := c.o.Store.FindingAudit(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		c.internal(w, r, err)
		return
	}
	d := chainData{F: f, Audit: audit, Done: done, Bad: bad, Durs: suppressFor}
	decoded := map[string]*event.Event{}
	for _, ref := range f.Events {
		s := step{Ref: ref}
		if rec, ok := recs[ref.ID]; ok {
			s.Record, s.Format = rec.Raw, rec.Format
			if s.Ev = decodeRecord(rec); s.Ev != nil {
				decoded[ref.ID] = s.Ev
				s.Resources = resourcesOf(s.Ev)
			}
		}
		d.Timeline = append(d.Timeline, s)
	}
	d.Graph = buildGraph(f, decoded, c.critical(r, f))
	c.render(w, r, status, "chain.html", d)
}

// critical returns the ids of f's resources the correlation state marks
// critical: declared so, or made from one that is (the engine passes
// criticality down the lineage). The state may have forgotten them (past
// its TTL): then none is marked, and the page still shows the chain.
func (c *Console) critical(r *http.Request, f finding.Finding) map[string]criticality {
	out := map[string]criticality{}
	var ids []string
	for _, res := range f.Resources {
		ids = append(ids, res.ID)
	}
	snap, err := c.o.Store.LoadStateOf(r.Context(), ids)
	if err != nil {
		c.o.Logger.Warn("console: lineage state", "finding", f.ID, "err", err)
		return out
	}
	parent := map[string]string{}
	crit := map[string]bool{}
	for _, res := range snap.Resources {
		if res.Cloud == string(f.Cloud) {
			parent[res.ID], crit[res.ID] = res.Parent, res.Critical
		}
	}
	for _, id := range ids {
		switch {
		case !crit[id]:
		case parent[id] != "" && crit[parent[id]]:
			out[id] = criticalCopy
		default:
			out[id] = criticalRoot
		}
	}
	return out
}

func resourcesOf(ev *event.Event) []stepResource {
	var out []stepResource
	for _, r := range ev.Resources {
		sr := stepResource{Role: string(r.Role), Type: string(r.Type), ID: textsafe.Clean(r.ID), Name: textsafe.Clean(r.Name)}
		for k, v := range r.Tags {
			sr.Tags = append(sr.Tags, textsafe.Clean(k+"="+v))
		}
		slices.Sort(sr.Tags)
		out = append(out, sr)
	}
	return out
}

// review applies the acknowledge, suppress or reopen form of a finding.
func (c *Console) review(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	now := c.o.Now()
	rv := store.Review{By: who(r).Reviewer(), At: now, Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	switch a := store.ReviewAction(r.PostFormValue("action")); a {
	case store.ActionAck, store.ActionReopen:
		rv.Action = a
	case store.ActionSuppress:
		rv.Action = a
		if rv.Reason == "" {
			c.showFinding(w, r, http.StatusBadRequest, "", "reason")
			return
		}
		if v := r.PostFormValue("for"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > 10*365*24*time.Hour {
				c.showFinding(w, r, http.StatusBadRequest, "", "for")
				return
			}
			rv.Expires = now.Add(d)
		}
	default:
		c.showFinding(w, r, http.StatusBadRequest, "", "action")
		return
	}
	_, err := c.o.Store.Review(r.Context(), id, rv)
	if errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, http.StatusNotFound, "error.notfound")
		return
	}
	if err != nil {
		c.internal(w, r, err)
		return
	}
	http.Redirect(w, r, "/findings/"+pathEscape(id)+"?done="+string(rv.Action), http.StatusSeeOther)
}

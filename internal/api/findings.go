package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// listBody is the answer to GET /v1/findings. Next is the cursor of the
// following page, "" on the last.
type listBody struct {
	Findings []finding.Finding `json:"findings"`
	Next     string            `json:"next"`
}

// handleList serves GET /v1/findings. Filters (all optional, combined with
// AND): severity=LEVEL selects that level and above; cloud, account, rule
// (rule id) and actor (any of the finding's actors) match exactly;
// status=open|acknowledged|suppressed; since and until bound the finding's
// time (RFC 3339, or a duration back from now such as 24h; since
// inclusive, until exclusive); limit=1..1000 (default 100); cursor is the
// previous page's next. Findings come newest first.
func (h *Findings) handleList(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r.URL.Query(), h.now())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	page, err := h.store.QueryFindings(r.Context(), f)
	if errors.Is(err, store.ErrBadCursor) {
		writeError(w, http.StatusBadRequest, "cursor: malformed (pass the next of the previous page as it is)")
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	body := listBody{Findings: page.Findings, Next: page.Next}
	if body.Findings == nil {
		body.Findings = []finding.Finding{}
	}
	writeJSON(w, http.StatusOK, body)
}

// handleGet serves GET /v1/findings/{id}.
func (h *Findings) handleGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, ok, err := h.store.FindingByID(r.Context(), id)
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	if !ok {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// auditEntry is one review in GET /v1/findings/{id}/audit.
type auditEntry struct {
	Action  store.ReviewAction `json:"action"`
	Reason  string             `json:"reason"`
	By      string             `json:"by"`
	At      time.Time          `json:"at"`
	Expires *time.Time         `json:"expires,omitempty"`
}

type auditBody struct {
	ID    string       `json:"id"`
	Audit []auditEntry `json:"audit"`
}

// handleAudit serves GET /v1/findings/{id}/audit: the finding's reviews,
// oldest first.
func (h *Findings) handleAudit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	entries, err := h.store.FindingAudit(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		notFound(w, id)
		return
	}
	if err != nil {
		h.internalError(w, r, err)
		return
	}
	body := auditBody{ID: id, Audit: make([]auditEntry, len(entries))}
	for i, e := range entries {
		body.Audit[i] = auditEntry{Action: e.Action, Reason: e.Reason, By: e.By, At: e.At}
		if !e.Expires.IsZero() {
			body.Audit[i].Expires = &e.Expires
		}
	}
	writeJSON(w, http.StatusOK, body)
}

func notFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "finding "+quote(id)+" not found")
}

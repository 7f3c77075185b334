package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

// maxReviewBody bounds the body of a review request.
const maxReviewBody = 64 << 10

// reviewRequest is the JSON body of ack, suppress and reopen; every field
// is optional but a suppression's reason. Expires (RFC 3339) and For (a
// duration from now, "72h") both end a suppression; give at most one.
type reviewRequest struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
	For     string `json:"for"`
}

// handleReview serves POST /v1/findings/{id}/{ack,suppress,reopen}: it
// applies the action, records it in the audit under the request's actor,
// and answers with the finding as it now reads.
func (h *Findings) handleReview(action store.ReviewAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		rv, status, err := h.readReview(w, r, action)
		if err != nil {
			writeError(w, status, err.Error())
			return
		}
		f, err := h.store.Review(r.Context(), id, rv)
		if errors.Is(err, store.ErrNotFound) {
			notFound(w, id)
			return
		}
		if err != nil {
			h.internalError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, f)
	}
}

// readReview reads and checks a review request's body, returning the
// status to answer with when it is bad.
func (h *Findings) readReview(w http.ResponseWriter, r *http.Request, action store.ReviewAction) (store.Review, int, error) {
	now := h.now()
	rv := store.Review{Action: action, By: h.actor(r), At: now}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReviewBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return rv, http.StatusRequestEntityTooLarge, fmt.Errorf("body: larger than %d bytes", maxReviewBody)
	}
	if err != nil {
		return rv, http.StatusBadRequest, fmt.Errorf("body: %v", err)
	}
	var req reviewRequest
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return rv, http.StatusBadRequest, fmt.Errorf(`body: %v (want a JSON object {"reason": "…", "expires": "RFC 3339"} or {"reason": "…", "for": "72h"})`, err)
		}
		if dec.More() {
			return rv, http.StatusBadRequest, errors.New("body: more than one JSON value")
		}
	}
	rv.Reason = req.Reason
	if action == store.ActionSuppress && strings.TrimSpace(req.Reason) == "" {
		return rv, http.StatusBadRequest, errors.New("reason: required to suppress")
	}
	switch {
	case req.Expires != "" && req.For != "":
		return rv, http.StatusBadRequest, errors.New("expires, for: give one or the other")
	case (req.Expires != "" || req.For != "") && action != store.ActionSuppress:
		return rv, http.StatusBadRequest, fmt.Errorf("expires, for: only suppress takes an expiry, not %s", action)
	case req.Expires != "":
		t, err := time.Parse(time.RFC3339Nano, req.Expires)
		if err != nil {
			return rv, http.StatusBadRequest, fmt.Errorf("expires: %s is not an RFC 3339 time (2026-12-31T00:00:00Z)", quote(req.Expires))
		}
		if !t.After(now) {
			return rv, http.StatusBadRequest, fmt.Errorf("expires: %s is not in the future", quote(req.Expires))
		}
		if t.UTC().Year() > 9999 {
			return rv, http.StatusBadRequest, fmt.Errorf("expires: %s is after year 9999", quote(req.Expires))
		}
		rv.Expires = t
	case req.For != "":
		d, err := time.ParseDuration(req.For)
		if err != nil || d <= 0 {
			return rv, http.StatusBadRequest, fmt.Errorf("for: %s is not a positive duration (72h, 90m)", quote(req.For))
		}
		rv.Expires = now.Add(d)
		if rv.Expires.UTC().Year() > 9999 {
			return rv, http.StatusBadRequest, fmt.Errorf("for: %s ends after year 9999", quote(req.For))
		}
	}
	return rv, 0, nil
}

// Package api serves the findings review JSON API of snapwarden serve:
// listing findings with filters and a paging cursor, reading one, and
// acknowledging, suppressing or reopening it with an audit trail. It reads
// and writes through store; authentication, logging of requests and TLS
// are the server's, which wraps these handlers. It imports store, finding
// and event, and nothing imports it but the server.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
)

// Options configure Findings. Store is required; zero values of the rest
// mean defaults.
type Options struct {
	Store *store.Store
	// Now is the clock relative times (since=24h, "for": "72h") count
	// from and reviews are recorded at; nil for time.Now. Whether a
	// suppression has expired the store decides by the wall clock.
	Now func() time.Time
	// Actor names the reviewer of a request (the server passes its API
	// token's name); nil records reviews with an empty reviewer.
	Actor func(*http.Request) string
	// Logger gets store failures, which clients see only as "internal
	// error"; nil discards them.
	Logger *slog.Logger
}

// Findings is the findings API. It is an http.Handler serving its routes
// (see Register) and 404 for any other path.
type Findings struct {
	store *store.Store
	now   func() time.Time
	actor func(*http.Request) string
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns the findings API over opts.Store.
func New(opts Options) *Findings {
	h := &Findings{store: opts.Store, now: opts.Now, actor: opts.Actor, log: opts.Logger}
	if h.now == nil {
		h.now = time.Now
	}
	if h.actor == nil {
		h.actor = func(*http.Request) string { return "" }
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.mux = http.NewServeMux()
	h.Register(h.mux)
	return h
}

// Register adds the API's routes to mux:
//
//	GET  /v1/findings                 list, filtered and paged
//	GET  /v1/findings/{id}            one finding
//	GET  /v1/findings/{id}/audit      its reviews, oldest first
//	POST /v1/findings/{id}/ack        acknowledge
//	POST /v1/findings/{id}/suppress   suppress (reason required)
//	POST /v1/findings/{id}/reopen     reopen
func (h *Findings) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/findings", h.handleList)
	mux.HandleFunc("GET /v1/findings/{id}", h.handleGet)
	mux.HandleFunc("GET /v1/findings/{id}/audit", h.handleAudit)
	mux.HandleFunc("POST /v1/findings/{id}/ack", h.handleReview(store.ActionAck))
	mux.HandleFunc("POST /v1/findings/{id}/suppress", h.handleReview(store.ActionSuppress))
	mux.HandleFunc("POST /v1/findings/{id}/reopen", h.handleReview(store.ActionReopen))
}

func (h *Findings) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

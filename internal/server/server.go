// Package server is serve's HTTP face: the ingest endpoints, the findings
// API, health and metrics. It authenticates API calls with bearer tokens,
// logs each request, and hands accepted bodies to the serve pipeline,
// answering 202 only once they are durably queued.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/ingest"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/store"
)

// Options assemble a server.
type Options struct {
	Pipeline *serve.Pipeline
	Store    *store.Store
	Tokens   []Token
	// Routes adds more authenticated routes (the findings API, the web
	// console) to the mux given; they sit behind the same token check.
	Routes []func(mux *http.ServeMux)
	// Pages adds routes to the root mux, outside the token check: the web
	// console, which checks its own sessions and tokens.
	Pages []func(mux *http.ServeMux)
	// Ingest limits request bodies.
	Ingest ingest.Options
	Logger *slog.Logger
}

// New returns the server's handler.
func New(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{o: o, auth: &authenticator{tokens: o.Tokens}}
	api := http.NewServeMux()
	api.HandleFunc("POST /v1/ingest/{format}", s.ingest)
	for _, add := range o.Routes {
		add(api)
	}
	m := o.Pipeline.Metrics()
	root := http.NewServeMux()
	root.Handle("/v1/", s.auth.require(api, m.Rejected))
	for _, add := range o.Pages {
		add(root)
	}
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	root.HandleFunc("GET /readyz", s.ready)
	root.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	return s.logged(root)
}

type server struct {
	o    Options
	auth *authenticator
}

// ingestReply is the 202's body.
type ingestReply struct {
	Batch     int64  `json:"batch"`
	Format    string `json:"format"`
	Envelope  string `json:"envelope,omitempty"`
	Unwrapped int    `json:"unwrapped,omitempty"`
	Skipped   int    `json:"skipped,omitempty"`
	Bytes     int    `json:"bytes"`
}

func (s *server) ingest(w http.ResponseWriter, r *http.Request) {
	m := s.o.Pipeline.Metrics()
	b, err := ingest.Read(r, r.PathValue("format"), s.o.Ingest)
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			ie = &ingest.Error{Status: http.StatusBadRequest, Message: err.Error()}
		}
		m.Rejected(rejectReason(ie.Status))
		if ie.Line > 0 {
			writeJSON(w, ie.Status, map[string]any{"error": ie.Message, "line": ie.Line, "column": ie.Col})
			return
		}
		writeError(w, ie.Status, ie.Message)
		return
	}
	reply := ingestReply{Format: b.Format, Unwrapped: b.Unwrapped, Skipped: b.Skipped, Bytes: len(b.Body)}
	if b.Envelope != ingest.None {
		reply.Envelope = b.Envelope.String()
	}
	if len(b.Body) == 0 {
		writeJSON(w, http.StatusOK, reply) // every message skipped: nothing to queue
		return
	}
	if err := firstRecordKnown(r.Context(), b.Body, b.Format); err != nil {
		m.Rejected("bad_request")
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	seq, err := s.o.Pipeline.Accept(r.Context(), serve.Input{Source: "http:" + TokenName(r), Format: b.Format, Body: b.Body})
	switch {
	case errors.Is(err, serve.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, err.Error())
		return
	case errors.Is(err, serve.ErrStopped):
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "shutting down: send the batch again")
		return
	case err != nil:
		s.o.Logger.Error("ingest: queue failed", "err", err)
		writeError(w, http.StatusInternalServerError, "the batch could not be queued; send it again")
		return
	}
	reply.Batch = seq
	writeJSON(w, http.StatusAccepted, reply)
}

// errFirstKnown stops the look at a body's first record.
var errFirstKnown = errors.New("first record known")

// firstRecordKnown refuses a body whose first record is in no format
// snapwarden reads (valid JSON that is not an audit log: the wrong file or
// endpoint), saying what was found; only that record is decoded. Later bad
// records are counted when the batch is processed, as in a file.
func firstRecordKnown(ctx context.Context, body []byte, format string) error {
	f, err := formats.Lookup(format)
	if err != nil {
		return err
	}
	d := decode.NewDecoder(decode.Options{Format: f, Formats: formats.All()})
	var unknown error
	_, err = d.Decode(ctx, bytes.NewReader(body), "body", func(*event.Event) error { return errFirstKnown },
		func(re *decode.RecordError) error {
			if errors.Is(re, decode.ErrUnknownFormat) {
				unknown = fmt.Errorf("the first record is in no format snapwarden reads (%v); want %s records, or their push envelopes",
					re.Err, strings.Join(formats.Names(), ", "))
			}
			return errFirstKnown
		})
	if unknown != nil {
		return unknown
	}
	if err != nil && !errors.Is(err, errFirstKnown) && ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

func rejectReason(status int) string {
	switch status {
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported"
	case http.StatusNotFound:
		return "unknown_format"
	}
	return "bad_request"
}

// ready answers 200 once the pipeline has recovered its state and the
// store answers.
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	if !s.o.Pipeline.Ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting or stopping"})
		return
	}
	if _, err := s.o.Store.SchemaVersion(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "store unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// logged writes one JSON log line per request.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		who := new(string) // the token's name, once require has checked it
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), whoKey{}, who)))
		if r.URL.Path == "/metrics" || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			return
		}
		s.o.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr, "token", *who)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

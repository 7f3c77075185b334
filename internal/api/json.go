package api

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// writeJSON sends v with status. encoding/json escapes control characters
// and HTML in any text from logs or clients, so the body stays one valid
// JSON document whatever the findings hold.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// errorBody is every error response: {"error": "…"}.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// internalError logs a store failure and tells the client no more than
// that one happened.
func (h *Findings) internalError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "findings api", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// quote quotes text from a request for a message, escaped and cut short.
func quote(s string) string { return fmt.Sprintf("%.200q", s) }

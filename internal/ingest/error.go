package ingest

import (
	"fmt"
	"net/http"
)

// Error is a request the ingest endpoint refuses.
type Error struct {
	// Status is the HTTP status to answer with: 400 (a body that is not
	// records a decoder reads), 404 (an unknown format in the URL), 413 (a
	// body over a limit) or 415 (an unsupported Content-Encoding).
	Status int
	// Message says, on one line, what was wrong and what is expected.
	Message string
	// Line and Col locate a syntax error in the body after gzip (1-based;
	// Col counts characters); both are 0 for other errors.
	Line, Col int
}

func (e *Error) Error() string { return e.Message }

func errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// errorAt is a 400 that points into the body: "line 3, column 7: …".
func errorAt(body []byte, off int, format string, args ...any) *Error {
	line, col := position(body, off)
	msg := fmt.Sprintf("line %d, column %d: ", line, col) + fmt.Sprintf(format, args...)
	return &Error{Status: http.StatusBadRequest, Message: msg, Line: line, Col: col}
}

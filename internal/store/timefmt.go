package store

import (
	"database/sql"
	"fmt"
	"time"
)

// timeLayout writes every time in UTC with nine fraction digits and a
// four-digit year: fixed width, so text order is time order (RFC 3339 with
// trimmed zeros is not: "…05Z" sorts after "…05.5Z"). Nanoseconds are kept;
// the location and monotonic reading are not (times load in UTC).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// formatTime encodes t; years outside 0–9999 have no fixed-width form (and
// no JSON form either) so they are an error.
func formatTime(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %s: year outside 0-9999", t)
	}
	return t.Format(timeLayout), nil
}

// nullTime encodes t for a nullable column: the zero time is NULL.
func nullTime(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, nil
	}
	return formatTime(t)
}

// parseTime decodes a nullable time column; NULL is the zero time.
func parseTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s.String, err)
	}
	return t, nil
}

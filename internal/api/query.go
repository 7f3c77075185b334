package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/store"
)

// listParams are the query parameters of GET /v1/findings, in the order
// error messages list them.
var listParams = []string{"severity", "cloud", "account", "rule", "actor", "status", "since", "until", "limit", "cursor"}

// maxValue bounds a free-text parameter: ids and names are far shorter,
// and the store matches an actor with a pattern twice its length.
const maxValue = 1024

// paramError is a bad query parameter or body field: a 400 naming it.
type paramError struct {
	name string
	msg  string
}

func (e *paramError) Error() string { return e.name + ": " + e.msg }

func badParam(name, format string, args ...any) error {
	return &paramError{name: name, msg: fmt.Sprintf(format, args...)}
}

// parseFilter reads the query of GET /v1/findings into a store filter.
// severity is a minimum ("high" selects high and critical); since and
// until take RFC 3339 or a duration back from now ("24h"); since is
// inclusive, until exclusive.
func parseFilter(q url.Values, now time.Time) (store.FindingFilter, error) {
	var f store.FindingFilter
	for name, vs := range q {
		if !slices.Contains(listParams, name) {
			return f, badParam(name, "unknown parameter (want %s)", strings.Join(listParams, ", "))
		}
		if len(vs) > 1 {
			return f, badParam(name, "given %d times (want it once)", len(vs))
		}
		if len(vs[0]) > maxValue {
			return f, badParam(name, "%d bytes long (want at most %d)", len(vs[0]), maxValue)
		}
	}
	if v := q.Get("severity"); v != "" {
		s, err := finding.ParseSeverity(v)
		if err != nil {
			return f, badParam("severity", "unknown severity %q (want info, low, medium, high or critical: that level and above)", v)
		}
		f.MinSeverity = s
	}
	if v := q.Get("cloud"); v != "" {
		c, err := event.ParseCloud(v)
		if err != nil {
			return f, badParam("cloud", "%v", err)
		}
		f.Cloud = string(c)
	}
	f.Account, f.Rule, f.Actor = q.Get("account"), q.Get("rule"), q.Get("actor")
	if v := q.Get("status"); v != "" {
		switch s := finding.Status(v); s {
		case finding.StatusOpen, finding.StatusAcknowledged, finding.StatusSuppressed:
			f.Status = s
		default:
			return f, badParam("status", "unknown status %q (want open, acknowledged or suppressed)", v)
		}
	}
	var err error
	if f.Since, err = parseWhen("since", q.Get("since"), now); err != nil {
		return f, err
	}
	if f.Until, err = parseWhen("until", q.Get("until"), now); err != nil {
		return f, err
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, badParam("until", "%s is not after since (%s)", f.Until.Format(time.RFC3339Nano), f.Since.Format(time.RFC3339Nano))
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxFindingLimit {
			return f, badParam("limit", "%q is not a whole number from 1 to %d", v, store.MaxFindingLimit)
		}
		f.Limit = n
	}
	f.Cursor = q.Get("cursor")
	return f, nil
}

// parseWhen reads a time bound: RFC 3339, or a positive duration meaning
// that long before now.
func parseWhen(name, v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return time.Time{}, badParam(name, "%q is outside years 1-9999", v)
		}
		return t, nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, badParam(name, "%q is neither an RFC 3339 time (2026-05-01T00:00:00Z) nor a positive duration back from now (24h, 90m)", v)
}

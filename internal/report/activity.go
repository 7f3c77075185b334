package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// Activity collects snapshot-relevant events (those with a normalized action)
// and prints them as a time-ordered table. It keeps at most Max rows.
type Activity struct {
	Max     int
	rows    []*event.Event
	dropped int
}

// Add keeps e if it has an action.
func (a *Activity) Add(e *event.Event) {
	if e.Action == "" {
		return
	}
	if a.Max > 0 && len(a.rows) >= a.Max {
		a.dropped++
		return
	}
	e.Raw = nil // the table never shows raw records; let them go
	a.rows = append(a.rows, e)
}

// Len returns the number of rows kept.
func (a *Activity) Len() int { return len(a.rows) }

// Write prints the table, oldest first.
func (a *Activity) Write(w io.Writer) {
	slices.SortStableFunc(a.rows, func(x, y *event.Event) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	fmt.Fprintf(w, "%-19s  %-9s  %-14s  %-22s  %-7s  %-30s  %s\n", "TIME (UTC)", "CLOUD", "ACCOUNT", "ACTION", "OUTCOME", "ACTOR", "RESOURCES")
	for _, e := range a.rows {
		fmt.Fprintf(w, "%-19s  %-9s  %-14s  %-22s  %-7s  %-30s  %s\n",
			e.Time.UTC().Format("2006-01-02 15:04:05"),
			e.Cloud,
			textsafe.Truncate(e.Account, 14),
			e.Action,
			outcome(e.Outcome),
			textsafe.Truncate(actor(e.Actor), 30),
			textsafe.Truncate(resources(e), 90))
	}
	if a.dropped > 0 {
		fmt.Fprintf(w, "… and %d more events (use --events for all of them as JSONL)\n", a.dropped)
	}
}

func outcome(o event.Outcome) string {
	switch o {
	case event.Success:
		return "ok"
	case event.Failure:
		return "FAILED"
	}
	return "?"
}

func actor(a event.Actor) string {
	s := a.Name
	if s == "" {
		s = a.ID
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 && i < len(s)-1 && strings.HasPrefix(s, "arn:") {
		s = s[i+1:]
	}
	return s
}

// resources summarises an event's resources, shares and ingress rules.
func resources(e *event.Event) string {
	var parts []string
	for _, r := range e.Resources {
		if r.Role == event.RoleSharedWith && len(e.Shares) > 0 {
			continue // shown as a share target below
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", r.Role, r.Type, finding.ShortID(r.ID)))
	}
	for _, s := range e.Shares {
		parts = append(parts, "→ "+s.Target)
	}
	for _, in := range e.Ingress {
		ports := fmt.Sprintf("%d-%d", in.FromPort, in.ToPort)
		if in.FromPort == in.ToPort {
			ports = fmt.Sprint(in.FromPort)
		}
		parts = append(parts, fmt.Sprintf("%s/%s from %s", in.Protocol, ports, in.Source))
	}
	return strings.Join(parts, "; ")
}

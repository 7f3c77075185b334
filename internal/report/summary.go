// Package report renders what a hunt read for a person: the end-of-run
// summary and the table of snapshot-relevant activity. Log text is cleaned of
// control characters before it reaches the terminal.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scan"
)

// Summary writes the end-of-run summary: inputs, records, events per cloud and
// action, and bad input.
func Summary(w io.Writer, s scan.Summary, elapsed time.Duration) {
	mb := float64(s.Bytes) / (1 << 20)
	rate := ""
	if secs := elapsed.Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.1f MB/s", mb/secs)
	}
	fmt.Fprintf(w, "read %d files (%.1f MB) in %s%s: %d records, %d events\n",
		s.Files, mb, elapsed.Round(time.Millisecond), rate, s.Records, s.Events)
	for _, c := range event.Clouds {
		n := s.PerCloud[c]
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-10s %7d events", c, n)
		acts := s.PerAction[c]
		keys := make([]event.Action, 0, len(acts))
		for a := range acts {
			keys = append(keys, a)
		}
		slices.Sort(keys)
		var parts []string
		for _, a := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", a, acts[a]))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, ": %s", strings.Join(parts, ", "))
		}
		fmt.Fprintln(w)
	}
	if s.Malformed > 0 || s.FilesFailed > 0 {
		fmt.Fprintf(w, "bad input: %d malformed records, %d files cut short or unreadable", s.Malformed, s.FilesFailed)
		if s.UnknownFiles > 0 {
			fmt.Fprintf(w, ", %d files in no known format", s.UnknownFiles)
		}
		fmt.Fprintln(w)
	}
	if s.Unpaired > 0 {
		fmt.Fprintf(w, "note: %d request/response pairs were completed without their partner (outside the pairing window)\n", s.Unpaired)
	}
}

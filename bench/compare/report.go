package compare

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"
)

// Target is the goal: snapwarden at least this many times the
// peer's records a second on one core.
const Target = 25.0

// Print writes the comparison: inputs, each engine's records a second per
// core and the ratio, the rules the peer could not run, then matches per
// rule side by side with the reason for each difference. ev gives the
// records' origins; rulesDir is named in the heading.
func Print(w io.Writer, res *Result, ev *Events, rulesDir string) error {
	p := &printer{w: w}
	p.f("peer comparison: %d rules in %s over %d CloudTrail records (%.1f MB)\n",
		len(res.Rules), rulesDir, res.Events, float64(res.Bytes)/1e6)
	for _, s := range ev.Sources {
		p.f("  %7d records from %s\n", s.Records, s.Name)
	}
	p.f("one goroutine, GOMAXPROCS=%d, GOGC=%d, %s; fastest of %d runs each, engines taking turns\n\n",
		runtime.GOMAXPROCS(0), gcPercent(), runtime.Version(), len(res.Peer.Runs))

	row := "%-34s %17s %7s %11s %11s\n"
	p.f(row, "engine", "events/s per core", "MB/s", "fastest run", "bad records")
	for i, e := range []Engine{res.Match, res.Hunt, res.Peer, res.Decode, res.PeerDecode} {
		if i == 3 {
			p.f("floors, each side's decoding alone:\n")
		}
		p.f(row, e.Name, fmt.Sprintf("%.0f", e.Rate(res.Events)), fmt.Sprintf("%.1f", float64(res.Bytes)/1e6/e.Best().Seconds()),
			e.Best().Round(100*time.Microsecond), fmt.Sprint(e.Bad))
	}
	verdict := "met"
	if res.Ratio(res.Match) < Target {
		verdict = "NOT met"
	}
	p.f("\nratio snapwarden / %s: %.1fx per core (target >= %.0fx: %s); hunt worker (findings built too): %.1fx\n",
		res.Peer.Name, res.Ratio(res.Match), Target, verdict, res.Ratio(res.Hunt))
	p.f("  snapwarden: decode with format detection, then the compiled rules; hunt worker: the same, plus a finding per match and the allow-list\n")
	p.f("  %s: encoding/json into map[string]interface{}, then every rule's RuleEvaluator.Matches\n\n", res.Peer.Name)

	p.f("rules %s could not parse or evaluate: %d\n", res.Peer.Name, len(res.PeerErrors))
	for _, e := range res.PeerErrors {
		p.f("  %s (%s): %s\n", e.ID, filepath.Base(e.File), e.Err)
	}

	differ, unexplained := 0, 0
	for _, r := range res.Rules {
		if r.Differs() {
			differ++
			if r.Unexplained() {
				unexplained++
			}
		}
	}
	p.f("\nmatches per rule: %d rules, %d differ, %d unexplained\n", len(res.Rules), differ, unexplained)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  rule id\ttitle\tsnapwarden\t%s\n", res.Peer.Name)
	for _, r := range res.Rules {
		peer := fmt.Sprint(r.Peer)
		if !r.PeerLoaded {
			peer = "not parsed"
		}
		mark := ""
		if r.Differs() {
			mark = "  *"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s%s\n", r.ID, clip(r.Title, 60), r.Snapwarden, peer, mark)
	}
	tw.Flush()

	if differ > 0 {
		p.f("\ndifferences (* above), each with its reason:\n")
	}
	for _, r := range res.Rules {
		if !r.Differs() {
			continue
		}
		reason := r.Reason
		if reason == "" {
			reason = "UNEXPLAINED"
		}
		p.f("  %s %s\n", r.ID, r.Title)
		p.f("      %s\n", reason)
		p.f("      only snapwarden: %s; only %s: %s\n", lines(r.OnlySnapwarden, ev), res.Peer.Name, lines(r.OnlyPeer, ev))
	}
	return p.err
}

// printer keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// lines names up to three of the records by origin, and counts the rest.
func lines(ls []int, ev *Events) string {
	if len(ls) == 0 {
		return "none"
	}
	var names []string
	for _, l := range ls[:min(len(ls), 3)] {
		names = append(names, ev.Origin(l))
	}
	s := fmt.Sprintf("%d (%s", len(ls), strings.Join(names, ", "))
	if len(ls) > 3 {
		s += ", …"
	}
	return s + ")"
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// gcPercent reads the current GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

package finding

import (
	"cmp"
	"container/heap"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// TableOptions shape the terminal table.
type TableOptions struct {
	// Color paints the severity labels with ANSI colours (nothing else).
	Color bool
	// Lang chooses the summary language ("en", "ru"); English when the
	// finding has no summary in it.
	Lang string
	// Max caps the rows kept (0: no cap). Beyond it the table keeps the
	// highest-ranked findings (see Compare) and counts the rest.
	Max int
}

// Table is a sink that collects findings and, on Close, prints them for a
// terminal: grouped by severity (critical first), one row a finding with
// its summary beneath, then a count by severity. Every text from a log or a
// rule goes through textsafe, so control characters never reach the
// terminal. Emit is safe for concurrent use.
type Table struct {
	mu     sync.Mutex
	w      io.Writer
	opts   TableOptions
	rows   rowHeap
	counts [Critical + 1]int
	closed bool
}

// NewTable returns a table that prints to w on Close.
func NewTable(w io.Writer, opts TableOptions) *Table {
	return &Table{w: w, opts: opts}
}

// row is a finding reduced to what the table prints, cleaned once.
type row struct {
	f                                               Finding // for ordering only: Severity, Time and ID
	time, cloud, account, rule, actor, res, summary string
}

// Emit adds a finding; t.Emit is a func(Finding) error sink like JSONL's.
func (t *Table) Emit(f Finding) error {
	r := t.row(f) // clean outside the lock
	t.mu.Lock()
	defer t.mu.Unlock()
	if f.Severity.Valid() {
		t.counts[f.Severity]++
	}
	heap.Push(&t.rows, r)
	if t.opts.Max > 0 && t.rows.Len() > t.opts.Max {
		heap.Pop(&t.rows) // the lowest-ranked finding
	}
	return nil
}

// Column widths, in runes.
const (
	wTime    = 19
	wCloud   = 9
	wAccount = 14
	wRule    = 40
	wActor   = 28
	wRes     = 80
	wSummary = 200
)

func (t *Table) row(f Finding) row {
	r := row{f: Finding{Time: f.Time, ID: f.ID, Severity: f.Severity}}
	if !f.Time.IsZero() {
		r.time = f.Time.UTC().Format("2006-01-02 15:04:05")
	}
	r.cloud = textsafe.Truncate(string(f.Cloud), wCloud)
	r.account = textsafe.Truncate(f.Account, wAccount)
	r.rule = textsafe.Truncate(f.Rule.Title, wRule)
	var actors []string
	for _, a := range f.Actors {
		actors = append(actors, displayActor(a, f.ActorNames[a]))
	}
	r.actor = textsafe.Truncate(strings.Join(actors, ", "), wActor)
	var res []string
	for _, x := range f.Resources {
		res = append(res, string(x.Type)+" "+ShortID(x.ID))
	}
	r.res = textsafe.Truncate(strings.Join(res, ", "), wRes)
	r.summary = textsafe.Truncate(f.SummaryIn(t.opts.Lang), wSummary)
	return r
}

// Close prints the table. A table prints once; Close again prints nothing.
func (t *Table) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	rows := make([]row, len(t.rows))
	copy(rows, t.rows)
	t.rows = nil
	slices.SortFunc(rows, func(a, b row) int { return Compare(a.f, b.f) })
	total := 0
	for _, n := range t.counts {
		total += n
	}
	if len(rows) == 0 && total == 0 {
		_, err := fmt.Fprintln(t.w, "no findings")
		return err
	}
	var b strings.Builder
	line := func(time, cloud, account, rule, actor, res string) {
		s := fmt.Sprintf("  %-*s  %-*s  %-*s  %-*s  %-*s  %s", wTime, time, wCloud, cloud, wAccount, account, wRule, rule, wActor, actor, res)
		b.WriteString(strings.TrimRight(s, " "))
		b.WriteByte('\n')
	}
	line("TIME (UTC)", "CLOUD", "ACCOUNT", "RULE", "ACTOR", "RESOURCES")
	for i, r := range rows {
		if sev := r.f.Severity; i == 0 || rows[i-1].f.Severity != sev {
			b.WriteString("\n")
			b.WriteString(t.label(sev, strings.ToUpper(sevName(sev))))
			fmt.Fprintf(&b, " (%d)\n", t.count(sev))
		}
		line(r.time, r.cloud, r.account, r.rule, r.actor, r.res)
		if r.summary != "" {
			b.WriteString("      ")
			b.WriteString(r.summary)
			b.WriteString("\n")
		}
	}
	if shown := len(rows); shown < total {
		fmt.Fprintf(&b, "\n… and %d more findings of lower rank (use --output jsonl for all of them)\n", total-shown)
	}
	b.WriteString("\n")
	b.WriteString(t.countLine(total))
	b.WriteString("\n")
	_, err := io.WriteString(t.w, b.String())
	return err
}

func (t *Table) count(s Severity) int {
	if s.Valid() {
		return t.counts[s]
	}
	return 0
}

// countLine is "5 findings: 1 critical, 2 high, 2 info".
func (t *Table) countLine(total int) string {
	var parts []string
	for _, s := range slices.Backward(Severities) {
		if n := t.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, t.label(s, s.String())))
		}
	}
	noun := "findings"
	if total == 1 {
		noun = "finding"
	}
	return fmt.Sprintf("%d %s: %s", total, noun, strings.Join(parts, ", "))
}

var ansi = [...]string{
	Info:     "\x1b[2m",    // dim
	Low:      "\x1b[36m",   // cyan
	Medium:   "\x1b[33m",   // yellow
	High:     "\x1b[31m",   // red
	Critical: "\x1b[1;31m", // bold red
}

func (t *Table) label(s Severity, text string) string {
	if !t.opts.Color || !s.Valid() {
		return text
	}
	return ansi[s] + text + "\x1b[0m"
}

func sevName(s Severity) string {
	if s.Valid() {
		return s.String()
	}
	return "unknown severity"
}

// displayActor is a short readable form of an actor: the resource part of
// an ARN (role/backup, user/alice), else the name the log gave, else the id.
func displayActor(id, name string) string {
	if strings.HasPrefix(id, "arn:") {
		if parts := strings.SplitN(id, ":", 6); len(parts) == 6 && parts[5] != "" {
			return parts[5]
		}
	}
	return cmp.Or(name, id)
}

// ShortID keeps the last two segments of long path-like ids (Azure, GCP),
// for a table column.
func ShortID(id string) string {
	if strings.Count(id, "/") <= 3 {
		return id
	}
	seg := strings.Split(strings.Trim(id, "/"), "/")
	if len(seg) < 2 {
		return id // slashes and little else
	}
	return ".../" + strings.Join(seg[len(seg)-2:], "/")
}

// rowHeap is a min-heap by rank: its root is the finding a capped table
// drops first (lowest severity, latest, largest id).
type rowHeap []row

func (h rowHeap) Len() int           { return len(h) }
func (h rowHeap) Less(i, j int) bool { return Compare(h[i].f, h[j].f) > 0 }
func (h rowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)        { *h = append(*h, x.(row)) }
func (h *rowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

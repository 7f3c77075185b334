package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/report"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

// dbHint follows a store that would not open (hunt --db, inventory --db).
const dbHint = "--db names a SQLite file snapwarden created (or a new one), or a postgres:// URL of an existing database"

type huntOptions struct {
	format      string
	events      bool
	activity    bool
	output      string
	rules       []string
	noBuiltin   bool
	config      string
	minSeverity string
	failOn      string
	lang        string
	color       string
	quiet       bool
	strict      bool
	workers     int
	maxRows     int
	maxWarnings int
	accounts    []string
	suppressed  bool
	tempDir     string
	db          string
}

func newHuntCmd(e env) *cobra.Command {
	var o huntOptions
	cmd := &cobra.Command{
		Use:   "hunt PATH...",
		Short: "Find snapshot, backup and image abuse in audit logs",
		Long: `hunt reads audit logs from files, directories (recursively), glob patterns
or "-" (standard input), runs the built-in rules (and --rules) over every
event, and prints the findings. Gzip is recognised anywhere, whatever the
file name. The format is detected for every file and every line of NDJSON;
--format forces one.

Output (--output): "table", a readable table grouped by severity (the
default); "jsonl", one finding a line; "ocsf", OCSF Detection Findings
(class 2004), one a line. --events prints every normalized event as JSON
lines instead of findings; --activity prints a table of all snapshot-relevant
activity (copies, shares, restores, attachments, ingress) instead.

Chains and correlations: after every input is read, the events are ordered
by time (spilling to --temp-dir when they do not fit in memory) and the
chain rules follow each copy through restores, attachments and openings,
across accounts and clouds; Sigma correlation rules count their base
rules' hits in windows. Each chain is printed once, in its final state, so
any order of files and records gives the same findings. --db FILE (or a
postgres:// URL) keeps open chains, principals' first sight and the
resources' lineage for the next run, and stores the findings.

Bad records are counted and reported with file and line, and the run goes
on; a truncated .gz fails that file only, after what could be read.
--strict makes any bad input fatal (exit code 2). --fail-on SEVERITY exits
with 1 when a finding at or above it exists.

A summary (files, records, events per cloud and action, rules, findings,
bad input) goes to stderr at the end; on a terminal a progress line shows
files, records and MB/s.`,
		Example: `  snapwarden hunt examples/
  snapwarden hunt --config snapwarden.yaml --fail-on high 'AWSLogs/**/2026/11/*.json.gz'
  zcat trail.json.gz | snapwarden hunt --format cloudtrail -
  snapwarden hunt --output jsonl logs/ | jq 'select(.severity == "high")'
  snapwarden hunt --rules ../sigma/rules/cloud/aws --no-builtin cloudtrail/
  snapwarden hunt --events logs/ | jq 'select(.action == "snapshot.share")'
  snapwarden hunt --db /var/lib/snapwarden/state.db --output jsonl logs/2026-11-26/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("snapwarden hunt examples/", "hunt needs at least one PATH (a file, directory, glob or - for stdin)")
			}
			return runHunt(cmd.Context(), e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "auto", "input format: auto, "+strings.Join(formats.Names(), ", "))
	f.StringVarP(&o.output, "output", "o", "table", "findings as table, jsonl or ocsf")
	f.BoolVar(&o.events, "events", false, "print normalized events as JSON lines instead of findings")
	f.BoolVar(&o.activity, "activity", false, "print a table of all snapshot-relevant activity instead of findings")
	f.StringArrayVar(&o.rules, "rules", nil, "Sigma rule file or directory to add (repeatable)")
	f.BoolVar(&o.noBuiltin, "no-builtin", false, "leave the built-in rules out")
	f.StringVar(&o.config, "config", "", "configuration file (see snapwarden config example)")
	f.StringVar(&o.minSeverity, "min-severity", "low", "drop findings below: info, low, medium, high, critical\n(info lists every snapshot, backup and image made; rules\nwhose findings would all fall below are not run)")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists")
	f.StringVar(&o.lang, "lang", "", "language of the table's summaries: en or ru (default: the config's, else en)")
	f.StringVar(&o.color, "color", "auto", "colour severities in the table: auto, always, never")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line and no summary")
	f.BoolVar(&o.strict, "strict", false, "stop at the first bad record or unreadable file (exit code 2)")
	f.IntVar(&o.workers, "workers", 0, "files decoded in parallel (default: number of CPUs)")
	f.IntVar(&o.maxRows, "max-rows", 5000, "most rows kept for a table")
	f.IntVar(&o.maxWarnings, "max-warnings", 50, "most bad-input warnings printed (all are counted)")
	f.BoolVar(&o.suppressed, "show-suppressed", false, "list findings the config's allow-list suppresses, marked with its reason")
	f.StringVar(&o.db, "db", "", "store that keeps chains, principals' first sight and lineage between runs,\nand the findings: a SQLite FILE (created if absent) or a postgres:// URL")
	f.StringVar(&o.tempDir, "temp-dir", "", "where events are ordered by time when they do not fit in memory (default: the system's)")
	f.StringArrayVar(&o.accounts, "account", nil, "CLOUD=ID: account of records that name none (VK Cloud action logs:\n--account vkcloud=<project_id>); repeatable")
	return cmd
}

// sink receives findings from every worker.
type sink struct {
	mu     sync.Mutex
	emit   func(finding.Finding) error
	close  func() error
	seen   map[findingKey]struct{}
	counts [finding.Critical + 1]int
	// keep collects the findings for the store.
	keep bool
	kept []finding.Finding
}

func (s *sink) add(f finding.Finding) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOf(f.ID)
	if _, dup := s.seen[k]; dup {
		return nil // the same record read twice (overlapping inputs)
	}
	s.seen[k] = struct{}{}
	if f.Severity.Valid() {
		s.counts[f.Severity]++
	}
	if s.keep {
		s.kept = append(s.kept, f)
	}
	return s.emit(f)
}

// findingKey is the 128 bits a finding id stands for: a run may write
// millions of findings, and a set of these takes a quarter of the memory a
// set of the ids' text did, and less time.
type findingKey [16]byte

// keyOf is the bits of an id of finding.ID's form (32 lower-case hex
// digits), or a hash of any other id.
func keyOf(id string) (k findingKey) {
	if len(id) == 2*len(k) && isLowerHex(id) {
		hex.Decode(k[:], []byte(id))
		return k
	}
	sum := sha256.Sum256([]byte(id))
	copy(k[:], sum[:])
	return k
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (s *sink) atLeast(sev finding.Severity) int {
	n := 0
	for x := sev; x <= finding.Critical; x++ {
		n += s.counts[x]
	}
	return n
}

func runHunt(ctx context.Context, e env, o huntOptions, paths []string) error {
	if os.Getenv("GOGC") == "" {
		// The live heap is small (records stream through), so trading some
		// memory for fewer collections pays: about 15 % more events/s.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	format, err := formats.Lookup(o.format)
	if err != nil {
		return usageErr("snapwarden hunt --format auto PATH", "%v", err)
	}
	accounts, err := parseAccounts(o.accounts)
	if err != nil {
		return usageErr("snapwarden hunt --account vkcloud=5e1f0a9c3b7d4e2f8a6c1b3d5e7f9a0b PATH", "%v", err)
	}
	minSev, err := finding.ParseSeverity(o.minSeverity)
	if err != nil {
		return usageErr("snapwarden hunt --min-severity medium PATH", "--min-severity: %v", err)
	}
	var failOn finding.Severity
	if o.failOn != "" {
		if failOn, err = finding.ParseSeverity(o.failOn); err != nil {
			return usageErr("snapwarden hunt --fail-on high PATH", "--fail-on: %v", err)
		}
	}
	switch o.output {
	case "table", "jsonl", "ocsf":
	default:
		return usageErr("snapwarden hunt --output jsonl PATH", "--output %q: want table, jsonl or ocsf", o.output)
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	lang := o.lang
	if lang == "" {
		lang = cfg.Lang
	}
	if lang != "en" && lang != "ru" {
		return usageErr("snapwarden hunt --lang ru PATH", "--lang %q: want en or ru", lang)
	}

	// Rules first: a broken rule is reported before any log is read.
	hopts := hunt.Options{Config: cfg, RulePaths: o.rules, NoBuiltin: o.noBuiltin, SkipBuiltinTests: true, MinSeverity: minSev, ShowSuppressed: o.suppressed}
	rs, inactive, errs := hunt.LoadRules(hopts)
	det, cerrs := hunt.New(rs, hopts)
	errs = append(errs, cerrs...)
	if len(errs) > 0 {
		errs.Sort()
		return &exitError{code: exitUsage, err: fmt.Errorf("rules:\n%s", strings.TrimSpace(errs.Lines())), hint: "snapwarden rules lint PATH shows every problem; fix or remove the rule"}
	}

	inputs, _, err := source.Expand(paths)
	if err != nil {
		if len(inputs) == 0 || o.strict {
			return &exitError{code: exitFailure, err: err, hint: "check the paths; use - to read standard input"}
		}
		fmt.Fprintf(e.stderr, "warning: %s\n", textsafe.Clean(err.Error()))
	}
	if len(inputs) == 0 {
		return &exitError{code: exitFailure, err: errors.New("no log files found"), hint: "name files or directories that hold audit logs"}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var prog *report.Progress
	progress := &scan.Progress{}
	if !o.quiet && e.stderrTTY() {
		prog = report.StartProgress(e.stderr, progress, 200*time.Millisecond)
	}
	var (
		warnMu    sync.Mutex
		warned    int
		strictErr error
	)
	opts := scan.Options{
		Formats:         formats.All(),
		Format:          format,
		Workers:         o.workers,
		Stdin:           e.stdin,
		DefaultAccounts: accounts,
		// Rules and --events take what they keep from an event before the
		// next; the activity table keeps the events.
		Scratch: !o.activity,
		Problem: func(p scan.Problem) {
			warnMu.Lock()
			defer warnMu.Unlock()
			if o.strict && strictErr == nil {
				strictErr = p.Err
				cancel()
			}
			warned++
			if warned > o.maxWarnings {
				return
			}
			if prog != nil {
				prog.Clear()
			}
			fmt.Fprintf(e.stderr, "warning: %s\n", textsafe.Clean(p.Err.Error()))
			if warned == o.maxWarnings {
				fmt.Fprintln(e.stderr, "warning: more bad input follows; only the counts are shown (--max-warnings)")
			}
		},
	}

	out := bufio.NewWriterSize(e.stdout, 256<<10)
	var outMu sync.Mutex // workers emit concurrently
	activity := &report.Activity{Max: o.maxRows}
	fs := newSink(out, o.output, o.maxRows, lang, colorOn(o.color, e.stdout))
	var workers []*hunt.Worker
	var (
		corr *hunt.Correlator
		db   *store.Store
	)
	if o.db != "" && !o.events && !o.activity {
		if db, err = store.Open(ctx, o.db); err != nil {
			return &exitError{code: exitFailure, err: err, hint: dbHint}
		}
		defer db.Close()
		fs.keep = true
	}
	if !o.events && !o.activity {
		corr = det.NewCorrelator(hunt.CorrelatorOptions{TempDir: o.tempDir, Store: db})
	}
	newEmit := func() scan.Emit {
		switch {
		case o.events:
			return func(ev *event.Event) error {
				b, err := json.Marshal(ev)
				if err != nil {
					return err
				}
				outMu.Lock()
				defer outMu.Unlock()
				out.Write(b)
				return out.WriteByte('\n')
			}
		case o.activity:
			return func(ev *event.Event) error {
				outMu.Lock()
				defer outMu.Unlock()
				activity.Add(ev)
				return nil
			}
		}
		w := det.NewWorker()
		corr.Attach(w)
		outMu.Lock()
		workers = append(workers, w)
		outMu.Unlock()
		return func(ev *event.Event) error { return w.Findings(ev, fs.add) }
	}
	start := time.Now()
	sum, err := scan.Run(ctx, inputs, opts, progress, newEmit)
	if prog != nil {
		prog.Stop()
	}
	switch {
	case o.events:
	case o.activity:
		if activity.Len() > 0 {
			activity.Write(out)
		} else {
			fmt.Fprintln(out, "no snapshot, backup or image activity found")
		}
	default:
		if err == nil {
			// Chains come last: they need every event, in time order.
			err = corr.Finish(ctx, fs.add)
		}
		if cerr := fs.close(); cerr != nil && err == nil {
			err = cerr
		}
		if db != nil && err == nil {
			err = db.PutFindings(ctx, fs.kept)
		}
	}
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if !o.quiet || err != nil {
		report.Summary(e.stderr, sum, time.Since(start))
		if !o.events && !o.activity {
			huntSummary(e.stderr, det, workers, corr, fs, inactive, o.output != "table")
		}
	}
	switch {
	case strictErr != nil:
		return &exitError{code: exitBadInput, err: fmt.Errorf("--strict: %w", strictErr), hint: "drop --strict to skip bad input and go on"}
	case err != nil:
		return err
	case o.failOn != "" && fs.atLeast(failOn) > 0:
		return &exitError{code: exitFindings, err: fmt.Errorf("%d findings at or above %s", fs.atLeast(failOn), failOn)}
	}
	return nil
}

// newSink makes the findings output chosen by --output.
func newSink(w io.Writer, output string, maxRows int, lang string, color bool) *sink {
	s := &sink{seen: map[findingKey]struct{}{}, close: func() error { return nil }}
	switch output {
	case "jsonl":
		s.emit = finding.JSONL(w)
	case "ocsf":
		s.emit = finding.OCSF(w, version)
	default:
		t := finding.NewTable(w, finding.TableOptions{Color: color, Lang: lang, Max: maxRows})
		s.emit, s.close = t.Emit, t.Close
	}
	return s
}

// huntSummary adds the rules' part to the end-of-run summary.
func huntSummary(w io.Writer, det *hunt.Detector, workers []*hunt.Worker, corr *hunt.Correlator, fs *sink, inactive int, counts bool) {
	st := det.Stats()
	var events, hits, allowed, below int
	var candidates int64
	for _, x := range workers {
		events, hits, allowed, below = events+x.Events, hits+x.Hits, allowed+x.Allowed, below+x.Below
		candidates += x.Counts().Candidates
	}
	chains, corrs := det.Sequences()
	fmt.Fprintf(w, "rules: %d active (%d indexed by operation, %d by another field, %d on every event), %d chain, %d correlation",
		st.Rules, st.Indexed, st.ByField, st.Always, chains, corrs)
	if inactive > 0 {
		fmt.Fprintf(w, ", %d inactive (log sources not read)", inactive)
	}
	if n := det.Skipped(); n > 0 {
		fmt.Fprintf(w, ", %d not run (below --min-severity)", n)
	}
	if events > 0 {
		fmt.Fprintf(w, "; %.2f candidate rules per event", float64(candidates)/float64(events))
	}
	fmt.Fprintf(w, "; %d matches", hits)
	if allowed > 0 {
		fmt.Fprintf(w, ", %d allowed by the config", allowed)
	}
	if below > 0 {
		fmt.Fprintf(w, ", %d below --min-severity", below)
	}
	fmt.Fprintln(w)
	if corr != nil {
		cs, xs, os := corr.Stats()
		fmt.Fprintf(w, "correlation: %d copies tracked, %d chain and correlation findings", cs.Chains, corr.Found)
		if corr.Allowed > 0 {
			fmt.Fprintf(w, ", %d allowed by the config", corr.Allowed)
		}
		if corr.Below > 0 {
			fmt.Fprintf(w, ", %d below --min-severity", corr.Below)
		}
		fmt.Fprintf(w, "; %d events and observations ordered by time", os.Items)
		if os.Runs > 0 {
			fmt.Fprintf(w, " (%d runs spilled to disk)", os.Runs)
		}
		if d := cs.DroppedResource + cs.DroppedChain + cs.DroppedActor; d > 0 {
			fmt.Fprintf(w, "; state full: %d resources, %d chains, %d principals not tracked", cs.DroppedResource, cs.DroppedChain, cs.DroppedActor)
		}
		if xs.Evicted > 0 {
			fmt.Fprintf(w, "; %d correlation windows dropped (state full)", xs.Evicted)
		}
		fmt.Fprintln(w)
	}
	if !counts {
		return // the table ends with them
	}
	var parts []string
	for s := finding.Critical; s >= finding.Info; s-- {
		if n := fs.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "findings: %s\n", strings.Join(parts, ", "))
}

// colorOn decides --color: auto colours only a terminal.
func colorOn(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return isTerminal(w)
}

// parseAccounts reads --account CLOUD=ID flags.
func parseAccounts(flags []string) (map[event.Cloud]string, error) {
	out := map[event.Cloud]string{}
	for _, f := range flags {
		name, id, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("--account %q: want CLOUD=ID", f)
		}
		c, err := event.ParseCloud(strings.TrimSpace(name))
		if err != nil {
			return nil, fmt.Errorf("--account %q: %w", f, err)
		}
		out[c] = strings.TrimSpace(id)
	}
	return out, nil
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/report"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

type huntOptions struct {
	format      string
	events      bool
	quiet       bool
	strict      bool
	workers     int
	maxRows     int
	maxWarnings int
	accounts    []string
}

func newHuntCmd(e env) *cobra.Command {
	var o huntOptions
	cmd := &cobra.Command{
		Use:   "hunt PATH...",
		Short: "Read audit logs and show snapshot, backup and image activity",
		Long: `hunt reads audit logs from files, directories (recursively), glob patterns
or "-" (standard input). Gzip is recognised anywhere, whatever the file name.
The format is detected for every file and every line of NDJSON; --format
forces one.

By default hunt prints a time-ordered table of snapshot-relevant activity:
copies, shares, exports, restores, attachments, opened ingress, new
principals and credentials. --events prints every normalized event as JSON
lines on stdout instead, for jq or another tool.

Bad records are counted and reported with file and line, and the run goes
on; a truncated .gz fails that file only, after what could be read.
--strict makes any bad input fatal (exit code 2).

A summary (files, records, events per cloud and action, bad input) goes to
stderr at the end; on a terminal a progress line shows files, records and MB/s.`,
		Example: `  snapwarden hunt examples/
  snapwarden hunt 'AWSLogs/**/2026/11/*.json.gz' azure/ gcp-audit.ndjson
  zcat trail.json.gz | snapwarden hunt --format cloudtrail -
  snapwarden hunt --events logs/ | jq 'select(.action == "snapshot.share")'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("snapwarden hunt examples/", "hunt needs at least one PATH (a file, directory, glob or - for stdin)")
			}
			return runHunt(cmd.Context(), e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "auto", "input format: auto, "+strings.Join(formats.Names(), ", "))
	f.BoolVar(&o.events, "events", false, "print normalized events as JSON lines on stdout")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line and no summary")
	f.BoolVar(&o.strict, "strict", false, "stop at the first bad record or unreadable file (exit code 2)")
	f.IntVar(&o.workers, "workers", 0, "files decoded in parallel (default: number of CPUs)")
	f.IntVar(&o.maxRows, "max-rows", 5000, "most activity rows kept for the table")
	f.IntVar(&o.maxWarnings, "max-warnings", 50, "most bad-input warnings printed (all are counted)")
	f.StringArrayVar(&o.accounts, "account", nil, "CLOUD=ID: account of records that name none (VK Cloud action logs:\n--account vkcloud=<project_id>); repeatable")
	return cmd
}

func runHunt(ctx context.Context, e env, o huntOptions, paths []string) error {
	format, err := formats.Lookup(o.format)
	if err != nil {
		return usageErr("snapwarden hunt --format auto PATH", "%v", err)
	}
	accounts, err := parseAccounts(o.accounts)
	if err != nil {
		return usageErr("snapwarden hunt --account vkcloud=5e1f0a9c3b7d4e2f8a6c1b3d5e7f9a0b PATH", "%v", err)
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
		DefaultAccounts: accounts,
		Stdin:           e.stdin,
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
	activity := &report.Activity{Max: o.maxRows}
	var outMu sync.Mutex // workers emit concurrently
	newEmit := func() scan.Emit {
		return func(ev *event.Event) error {
			if o.events {
				b, err := json.Marshal(ev)
				if err != nil {
					return err
				}
				outMu.Lock()
				defer outMu.Unlock()
				out.Write(b)
				return out.WriteByte('\n')
			}
			outMu.Lock()
			defer outMu.Unlock()
			activity.Add(ev)
			return nil
		}
	}
	start := time.Now()
	sum, err := scan.Run(ctx, inputs, opts, progress, newEmit)
	if prog != nil {
		prog.Stop()
	}
	if !o.events && activity.Len() > 0 {
		activity.Write(out)
	} else if !o.events && err == nil {
		fmt.Fprintln(out, "no snapshot, backup or image activity found")
	}
	if ferr := out.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if !o.quiet || err != nil {
		report.Summary(e.stderr, sum, time.Since(start))
	}
	switch {
	case strictErr != nil:
		return &exitError{code: exitBadInput, err: fmt.Errorf("--strict: %w", strictErr), hint: "drop --strict to skip bad input and go on"}
	case err != nil:
		return err
	}
	return nil
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

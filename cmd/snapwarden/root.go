package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

// Exit codes, for scripts.
const (
	exitOK       = 0 // ran; no finding at or above --fail-on
	exitFindings = 1 // a finding at or above --fail-on
	exitFailure  = 2 // could not run: paths missing, I/O errors
	exitBadInput = 2 // --strict, and the input held bad records or files
	exitUsage    = 2 // bad flags or arguments
	exitCanceled = 130
)

// env is what a command may touch of the outside world, so tests can run
// commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTTY says whether stderr is a terminal (progress display).
	stderrTTY func() bool
}

// exitError carries an exit code and an optional hint up to main.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(hint string, format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...), hint: hint}
}

func run(ctx context.Context, args []string, e env) int {
	if e.stderrTTY == nil {
		e.stderrTTY = func() bool { return isTerminal(e.stderr) }
	}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	code := exitFailure
	if errors.As(err, &ee) {
		code = ee.code
	} else if isUsage(err) {
		code = exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "snapwarden: interrupted")
		return exitCanceled
	}
	// An error may list several problems, one a line: clean each line.
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = textsafe.Clean(l)
	}
	fmt.Fprintf(e.stderr, "snapwarden: %s\n", strings.Join(lines, "\n  "))
	if ee != nil && ee.hint != "" {
		fmt.Fprintf(e.stderr, "Try: %s\n", ee.hint)
	} else if code == exitUsage {
		fmt.Fprintln(e.stderr, "Try: snapwarden --help")
	}
	return code
}

// isUsage recognises cobra's own flag and argument errors.
func isUsage(err error) bool {
	var ue *usageFlagError
	return errors.As(err, &ue)
}

type usageFlagError struct{ err error }

func (e *usageFlagError) Error() string { return e.err.Error() }

func newRootCmd(e env) *cobra.Command {
	root := &cobra.Command{
		Use:   "snapwarden",
		Short: "Catch the abuse of cloud snapshots, backups, clones and images",
		Long: `snapwarden reads cloud audit logs and finds the abuse of snapshots, backups,
clones and images (MITRE ATT&CK T1578.001 and the exfiltration that follows):
a copy of a disk or database, restored or shared by another or a new account,
attached to an instance that is then opened to the internet.

It reads AWS CloudTrail, Azure Activity Log, GCP Cloud Audit Logs, VK Cloud
action logs and Cloud Audit, OpenStack CADF and notifications, and Yandex Cloud
Audit Trails, detecting the format of every file by itself.

Exit codes: 0 ok, 1 a finding at or above --fail-on, 2 usage errors, failures and
bad input under --strict, 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var cpuProfile string
	var stopProfile func()
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for performance reports)")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageFlagError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(newHuntCmd(e), newServeCmd(e), newRulesCmd(e), newConfigCmd(e), newGenCmd(e), newInventoryCmd(e), newEntitlementsCmd(e), newVersionCmd(e))
	return root
}

// cleanLines strips control characters from each line of log- or
// rule-derived text.
func cleanLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = textsafe.Clean(l)
	}
	return strings.Join(lines, "\n")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termIsTerminal(int(f.Fd()))
}

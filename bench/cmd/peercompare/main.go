// Command peercompare runs SigmaHQ's AWS rules over the same CloudTrail
// records with snapwarden and with github.com/bradleyjkemp/sigma-go v0.6.6,
// on one core, and prints both engines' events/s, the ratio, and the
// matches per rule side by side with the reason for every difference.
//
//	cd bench && go run ./cmd/peercompare [-events FILE | -n N] [-rules DIR] [-strict]
//
// Without -events it builds a corpus of N records with the repository's
// scripts/benchcorpus. The SigmaHQ rule test cases (-cases) are added so
// that every rule meets a record it matches and one it must not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"

	"github.com/snapwarden/snapwarden/bench/compare"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUnexplained is -strict's failure.
var errUnexplained = errors.New("differences without an explanation")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("peercompare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rules := fs.String("rules", "", "SigmaHQ rule folder (default: ../shared/sigma/rules/cloud/aws beside the repository)")
	events := fs.String("events", "", "CloudTrail NDJSON, one record a line (default: build one with scripts/benchcorpus)")
	n := fs.Int("n", 20000, "records to build when -events is not given")
	cases := fs.String("cases", "", `SigmaHQ rule test cases to add (default: the repository's internal/detect/testdata/sigmahq; "none" adds none)`)
	runs := fs.Int("runs", 3, "timed runs of each engine; the fastest counts")
	procs := fs.Int("procs", 1, "GOMAXPROCS: both engines run on one goroutine, so 1 gives the per-core figure")
	gogc := fs.Int("gogc", 400, "GOGC for both engines (400 is what snapwarden hunt sets)")
	strict := fs.Bool("strict", false, "exit 1 when a difference has no explanation")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *n <= 0 || *runs <= 0 || *procs <= 0 {
		fmt.Fprintln(stderr, "peercompare: want flags only, with -n, -runs and -procs above 0\nTry: go run ./cmd/peercompare -n 20000")
		return 2
	}
	runtime.GOMAXPROCS(*procs)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "peercompare:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "peercompare:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	debug.SetGCPercent(*gogc)
	err := compareAll(ctx, options{rules: *rules, events: *events, n: *n, cases: *cases, runs: *runs, strict: *strict}, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "peercompare:", err)
		return 1
	}
	return 0
}

type options struct {
	rules, events, cases string
	n, runs              int
	strict               bool
}

func compareAll(ctx context.Context, o options, stdout, stderr io.Writer) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := compare.RepoRoot(wd)
	if err != nil {
		return fmt.Errorf("%w (run it inside the repository, e.g. from bench/)", err)
	}
	shared := compare.SharedDir(root)
	if o.rules == "" {
		o.rules = filepath.Join(shared, "sigma", "rules", "cloud", "aws")
	}
	if o.cases == "" {
		o.cases = filepath.Join(root, "internal", "detect", "testdata", "sigmahq")
	}

	var ev compare.Events
	if o.events == "" {
		tmp, err := os.MkdirTemp("", "peercompare")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.events = filepath.Join(tmp, "corpus.ndjson")
		fmt.Fprintf(stderr, "building %d records with scripts/benchcorpus…\n", o.n)
		if err := compare.BuildCorpus(ctx, root, filepath.Join(shared, "samples"), o.events, o.n); err != nil {
			return err
		}
	}
	if err := ev.ReadNDJSON(o.events); err != nil {
		return err
	}
	if o.cases != "none" {
		files, err := ev.ReadRuleCases(o.cases)
		if err != nil {
			return err
		}
		if files == 0 {
			return fmt.Errorf("no aws_*.json rule test cases in %s (-cases none leaves them out)", o.cases)
		}
	}
	if ev.Len() == 0 {
		return fmt.Errorf("no records in %s", o.events)
	}

	fmt.Fprintf(stderr, "running both engines over %d records…\n", ev.Len())
	res, err := compare.Run(ctx, compare.Options{RulesDir: o.rules, Events: &ev, Runs: o.runs})
	if err != nil {
		return err
	}
	if err := compare.Print(stdout, res, &ev, o.rules); err != nil {
		return err
	}
	if u := res.Unexplained(); o.strict && len(u) > 0 {
		return fmt.Errorf("%w in %d of %d rules (-strict)", errUnexplained, len(u), len(res.Rules))
	}
	return nil
}

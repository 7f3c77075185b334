package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/aws"
	"github.com/snapwarden/snapwarden/internal/scenario/azure"
	"github.com/snapwarden/snapwarden/internal/scenario/gcp"
	"github.com/snapwarden/snapwarden/internal/scenario/openstack"
	"github.com/snapwarden/snapwarden/internal/scenario/vkcloud"
	"github.com/snapwarden/snapwarden/internal/scenario/yandex"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
)

type genOptions struct {
	out    string
	verify string
	seed   uint64
	days   int
	rate   float64
	events int
	clouds []string
	plain  bool
	start  string
}

// scenarioClouds are the clouds gen can write, by name.
func scenarioClouds(plain bool) map[event.Cloud]scenario.Cloud {
	return map[event.Cloud]scenario.Cloud{
		event.AWS:       &aws.Cloud{Plain: plain},
		event.Azure:     azure.Cloud{},
		event.GCP:       gcp.Cloud{},
		event.OpenStack: &openstack.Cloud{},
		event.VKCloud:   &vkcloud.Cloud{},
		event.Yandex:    &yandex.Cloud{},
	}
}

func newGenCmd(e env) *cobra.Command {
	var o genOptions
	cmd := &cobra.Command{
		Use:   "gen --out DIR | --verify DIR",
		Short: "Write realistic multi-cloud audit logs with attacks and their ground truth, or check a detector against them",
		Long: `gen writes audit logs of every supported cloud in its native delivery layout
(CloudTrail's AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz,
Azure insights-activity-logs blobs, a GCP log sink, OpenStack notifications,
VK Cloud action-log pages, Yandex Audit Trails bucket files): benign
background (nightly backups and their expiry, CI set-up and teardown,
people reading and snapshotting test disks, a malware scanner's own
snapshot chain) with attack scenarios injected — every chain variant, shares
outside, exports, critical clones and database changes, cross-account use,
bursts — and look-alikes that must not alert.

Beside the clouds' folders it writes truth.json (scenario → event ids →
expected rules and severities; look-alikes) and the snapwarden.yaml the
truth assumes. The same --seed gives the same bytes.

--verify DIR runs the built-in rules over a generated set with its
configuration and prints recall per scenario kind and the false positives
at high and above; it exits 1 when recall is below 100 %, a false positive
exists, or a record did not decode.`,
		Example: `  snapwarden gen --out /tmp/logs --days 7 --events 200000
  snapwarden gen --out /tmp/logs --clouds aws,gcp --rate 50 --days 2
  snapwarden gen --verify /tmp/logs`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.verify != "" {
				return runVerify(cmd, e, o.verify)
			}
			return runGen(e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "directory to write (created)")
	f.StringVar(&o.verify, "verify", "", "check the detector against a generated DIR instead of writing")
	f.Uint64Var(&o.seed, "seed", 1, "seed: the same seed writes the same bytes")
	f.IntVar(&o.days, "days", 1, "days of logs, from --start")
	f.StringVar(&o.start, "start", "2026-11-01", "first day (UTC)")
	f.Float64Var(&o.rate, "rate", 0, "events per second per cloud (instead of --events)")
	f.IntVar(&o.events, "events", 10000, "events in all, over every cloud and day")
	f.StringSliceVar(&o.clouds, "clouds", nil, "clouds to write (default all): aws, azure, gcp, vkcloud, openstack, yandex")
	f.BoolVar(&o.plain, "no-gzip", false, "write CloudTrail files uncompressed (.json), as for throughput benchmarks")
	return cmd
}

func runGen(e env, o genOptions) error {
	if o.out == "" {
		return usageErr("snapwarden gen --out /tmp/logs", "gen needs --out DIR (or --verify DIR)")
	}
	start, err := time.Parse(time.DateOnly, o.start)
	if err != nil {
		return usageErr("snapwarden gen --start 2026-11-01 --out DIR", "--start %q: want a date like 2026-11-01", o.start)
	}
	if o.days < 1 || o.days > 3660 {
		return usageErr("snapwarden gen --days 7 --out DIR", "--days %d: want 1 to 3660", o.days)
	}
	all := scenarioClouds(o.plain)
	var clouds []scenario.Cloud
	names := o.clouds
	if len(names) == 0 {
		for _, c := range event.Clouds {
			names = append(names, string(c))
		}
	}
	for _, n := range names {
		c, err := event.ParseCloud(strings.TrimSpace(n))
		if err != nil {
			return usageErr("snapwarden gen --clouds aws,gcp --out DIR", "--clouds: %v", err)
		}
		if !slices.ContainsFunc(clouds, func(x scenario.Cloud) bool { return x.Name() == c }) {
			clouds = append(clouds, all[c])
		}
	}
	events := o.events
	if o.rate > 0 {
		events = int(o.rate * 86400 * float64(o.days) * float64(len(clouds)))
	}
	if events < 1 {
		return usageErr("snapwarden gen --events 10000 --out DIR", "--events must be positive")
	}
	began := time.Now()
	st, err := scenario.Generate(scenario.Options{Out: o.out, Seed: o.seed, Start: start, Days: o.days, Events: events, Clouds: clouds,
		Progress: func(n int) {
			if e.stderrTTY() {
				fmt.Fprintf(e.stderr, "\r%d events written", n)
			}
		}})
	if e.stderrTTY() {
		fmt.Fprint(e.stderr, "\r")
	}
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	took := time.Since(began)
	fmt.Fprintf(e.stderr, "wrote %d events (%.1f MB of JSON) in %s: %d scenarios, %d look-alikes, truth in %s/%s (%.0f MB/s)\n",
		st.Events, float64(st.Bytes)/1e6, took.Round(time.Millisecond), st.Scenarios, st.Lookalike, textsafe.Clean(o.out), scenario.TruthFile,
		float64(st.Bytes)/1e6/took.Seconds())
	return nil
}

func runVerify(cmd *cobra.Command, e env, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return &exitError{code: exitFailure, err: err, hint: "name a directory snapwarden gen wrote"}
	}
	rep, err := scenario.Verify(cmd.Context(), dir)
	if err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	w := e.stdout
	fmt.Fprintf(w, "records %d, events %d, bad input %d, findings %d\n\n", rep.Records, rep.Events, rep.Bad, rep.Findings)
	fmt.Fprintf(w, "%-28s %8s %8s %8s\n", "SCENARIO KIND", "FOUND", "TOTAL", "RECALL")
	for _, k := range rep.KindNames() {
		kr := rep.Kinds[k]
		fmt.Fprintf(w, "%-28s %8d %8d %7.0f%%\n", k, kr.Found, kr.Total, 100*float64(kr.Found)/float64(max(kr.Total, 1)))
	}
	found, total := rep.Recall()
	fmt.Fprintf(w, "%-28s %8d %8d %7.0f%%\n\n", "all", found, total, 100*float64(found)/float64(max(total, 1)))
	for _, m := range rep.Missed {
		fmt.Fprintf(w, "missed: %s\n", textsafe.Clean(m))
	}
	fmt.Fprintf(w, "false positives at high and above: %d\n", len(rep.FalsePositives))
	for _, f := range rep.FalsePositives {
		var ids []string
		for _, ev := range f.Events {
			ids = append(ids, ev.ID)
		}
		fmt.Fprintf(w, "  %s %s %s: %s (events %s)\n", f.Severity, f.Cloud, textsafe.Clean(f.Rule.Title), textsafe.Clean(f.Summary["en"]), textsafe.Clean(strings.Join(ids, ", ")))
	}
	for _, b := range rep.BadInput {
		fmt.Fprintf(w, "bad input: %s\n", textsafe.Clean(b))
	}
	if found < total || len(rep.FalsePositives) > 0 || rep.Bad > 0 {
		return &exitError{code: exitFindings, err: errors.New("the detector does not meet the truth (recall below 100 %, false positives or bad input)")}
	}
	return nil
}

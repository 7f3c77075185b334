package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
	"github.com/snapwarden/snapwarden/internal/rule/ruletest"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

func detector(t *testing.T) *hunt.Detector {
	t.Helper()
	opts := hunt.Options{MinSeverity: finding.Low, ShowSuppressed: true}
	rs, _, errs := hunt.LoadRules(opts)
	d, cerrs := hunt.New(rs, opts)
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	return d
}

// exampleFiles returns the example logs' paths and their decompressed
// bodies, in a stable order.
func exampleFiles(t *testing.T) ([]string, [][]byte) {
	t.Helper()
	inputs, _, err := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var bodies [][]byte
	for _, in := range inputs {
		f, err := os.Open(in.Name)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(in.Name, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
		b, err := io.ReadAll(r)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		names, bodies = append(names, in.Name), append(bodies, b)
	}
	return names, bodies
}

// huntChains returns what hunt finds in examples/: chain findings as
// "id severity".
func huntChains(t *testing.T, d *hunt.Detector, sub ...string) []string {
	t.Helper()
	var out []string
	for _, f := range huntFindings(t, d, sub...) {
		if f.Rule.Kind == finding.KindChain {
			out = append(out, f.ID+" "+f.Severity.String())
		}
	}
	slices.Sort(out)
	return out
}

func storedChains(t *testing.T, st *store.Store) []string {
	t.Helper()
	fs, err := st.Findings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if f.Rule.Kind == finding.KindChain {
			out = append(out, f.ID+" "+f.Severity.String())
		}
	}
	slices.Sort(out)
	return out
}

// pairWait is how long the tests' records wait for their partners.
const pairWait = 200 * time.Millisecond

// runPipeline starts a pipeline on st and returns a stop function that
// shuts it down gracefully and reports Run's error.
func runPipeline(t *testing.T, st *store.Store, d *hunt.Detector, hold time.Duration) (*serve.Pipeline, func() error) {
	t.Helper()
	p, err := serve.New(serve.Options{Store: st, Detector: d, Owner: "test", Hold: hold, CheckpointEvery: 50 * time.Millisecond,
		PairWait: pairWait})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for !p.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("pipeline not ready after a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return p, func() error { cancel(); return <-done }
}

// TestPipeline_ExamplesLikeHunt: the example logs, accepted as batches
// concurrently and in reverse order, give the chains hunt finds; a second
// pipeline on the same store, fed the first half again and then the rest
// (a replay after a restart), neither loses nor doubles a finding.
func TestPipeline_ExamplesLikeHunt(t *testing.T) {
	d := detector(t)
	want := huntChains(t, d)
	if len(want) < 9 {
		t.Fatalf("hunt finds %d chains in examples/", len(want))
	}
	names, bodies := exampleFiles(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		st, err := store.Open(t.Context(), b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()

		p, stop := runPipeline(t, st, d, time.Minute)
		var (
			wg   sync.WaitGroup
			last atomic.Int64
		)
		for i := len(bodies) - 1; i >= 0; i-- {
			wg.Add(1)
			go func() {
				defer wg.Done()
				seq, err := p.Accept(t.Context(), serve.Input{Source: "file:" + names[i], Format: "auto", Body: bodies[i]})
				if err != nil {
					t.Error(err)
				}
				for old := last.Load(); seq > old && !last.CompareAndSwap(old, seq); old = last.Load() {
				}
			}()
		}
		wg.Wait()
		// Every batch read, then records whose partner never came are
		// matched alone once they have waited pair_wait, as hunt does at
		// the end of its input; the held events are fed at the stop.
		deadline := time.Now().Add(time.Minute)
		for serve.Read(p) < last.Load() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(3 * pairWait)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if got := storedChains(t, st); !slices.Equal(got, want) {
			t.Fatalf("chains stored:\n%s\nwant (hunt):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		before, _ := st.Findings(t.Context())
		// Every event of every chain has its record kept, pinned.
		for _, f := range before {
			if f.Rule.Kind != finding.KindChain {
				continue
			}
			var ids []string
			for _, e := range f.Events {
				ids = append(ids, e.ID)
			}
			recs, err := st.EventRecords(t.Context(), ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if r, ok := recs[id]; !ok || !r.Pinned || len(r.Raw) < 2 {
					t.Errorf("chain %s: event %s record %+v", f.ID, id, r)
				}
			}
		}
		if n, _, err := st.QueueDepth(t.Context(), "test"); err != nil || n != 0 {
			t.Fatalf("after shutdown %d batches left queued (%v)", n, err)
		}

		// The same logs again, in order: a replay changes nothing.
		p, stop = runPipeline(t, st, d, 10*time.Millisecond)
		for i := range bodies {
			if _, err := p.Accept(t.Context(), serve.Input{Source: "file:" + names[i], Format: "auto", Body: bodies[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		after, _ := st.Findings(t.Context())
		if len(after) != len(before) {
			t.Fatalf("replay: %d findings, was %d", len(after), len(before))
		}
		for i := range after {
			if after[i].ID != before[i].ID || after[i].Revision != before[i].Revision || after[i].Severity != before[i].Severity {
				t.Fatalf("replay changed %s: revision %d→%d", before[i].ID, before[i].Revision, after[i].Revision)
			}
		}
	})
}

// TestPipeline_CrashLoop: the AWS example's records, five batches a life,
// two lives in three ended at a random moment as a crash would (no drain,
// no last checkpoint); the last life has hunt's chains, at hunt's
// severities.
func TestPipeline_CrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("twenty crash loops")
	}
	d := detector(t)
	want := huntChains(t, d, "aws")
	names, bodies := exampleFiles(t)
	var recs [][]byte
	for i, b := range bodies {
		if !strings.Contains(names[i], "/aws/") {
			continue
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.Records {
			recs = append(recs, r)
		}
	}
	slices.SortStableFunc(recs, func(a, b []byte) int { return strings.Compare(eventTime(a), eventTime(b)) })
	for seed := range uint64(20) {
		st := restarts(t, d, recs, restartPlan{seed: seed, batches: 5, hold: 200 * time.Millisecond, pause: 300 * time.Millisecond, crashes: 2, of: 3})
		if got := storedChains(t, st); !slices.Equal(got, want) {
			t.Errorf("seed %d: chains %v, hunt's %v", seed, got, want)
		}
		st.Close()
	}
}

func eventTime(r []byte) string {
	var h struct {
		EventTime string `json:"eventTime"`
	}
	json.Unmarshal(r, &h)
	return h.EventTime
}

// TestPipeline_BurstAcrossRestarts: a burst of copies that a Sigma
// correlation counts (20 within 10 minutes by one principal) arrives over
// several runs of serve, stopped gracefully or crashed between them; the
// windows are checkpointed, so the burst is found once, as hunt finds it.
func TestPipeline_BurstAcrossRestarts(t *testing.T) {
	const burstRule = "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a21"
	d := detector(t)
	start := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	var recs [][]byte
	for i := range 24 {
		recs = append(recs, fmt.Appendf(nil, `{"eventVersion":"1.09","eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":"CopySnapshot",`+
			`"awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0","eventID":"burst-%02d","eventType":"AwsApiCall",`+
			`"recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory"},`+
			`"requestParameters":{"sourceRegion":"eu-west-1","sourceSnapshotId":"snap-%02d"},"responseElements":{"snapshotId":"snap-c%02d"}}`,
			start.Add(time.Duration(i)*20*time.Second).Format(time.RFC3339), i, i, i))
	}
	file := filepath.Join(t.TempDir(), "burst.json")
	if err := os.WriteFile(file, bytes.Join(recs, []byte("\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range huntFindingsIn(t, d, file) {
		if f.Rule.ID == burstRule {
			want = append(want, f.ID)
		}
	}
	if len(want) != 1 {
		t.Fatalf("hunt finds %d bursts, want 1", len(want))
	}
	for seed := range uint64(3) {
		st := restarts(t, d, recs, restartPlan{seed: seed, batches: 6, hold: 50 * time.Millisecond, pause: 200 * time.Millisecond, crashes: 1, of: 2})
		// The burst's window is still open (nothing after it has come), and
		// a new start says so.
		p, stop := runPipeline(t, st, d, 50*time.Millisecond)
		waitGauge(t, p, "snapwarden_correlation_state", "windows", 1)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		fs, err := st.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Rule.ID == burstRule {
				got = append(got, f.ID)
				if len(f.Events) < 20 {
					t.Errorf("seed %d: the burst lists %d events, want 20 or more", seed, len(f.Events))
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("seed %d: bursts %v, hunt's %v", seed, got, want)
		}
		st.Close()
	}
}

// restartPlan says how restarts feeds records: batches records a run of
// the pipeline, then a random pause of up to pause, then a crash in
// crashes of every of runs (a graceful stop otherwise).
type restartPlan struct {
	seed        uint64
	batches     int
	hold, pause time.Duration
	crashes, of int
}

// restarts feeds recs, one record a batch, to pipelines on a new SQLite
// store, one after another as plan says, then runs one more to the end,
// and returns the store.
func restarts(t *testing.T, d *hunt.Detector, recs [][]byte, plan restartPlan) *store.Store {
	t.Helper()
	rnd := rand.New(rand.NewPCG(plan.seed, 0))
	st, err := store.Open(t.Context(), storetest.SQLite.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	for from := 0; from < len(recs); from += plan.batches {
		p, stop := runPipeline(t, st, d, plan.hold)
		for _, r := range recs[from:min(from+plan.batches, len(recs))] {
			if _, err := p.Accept(t.Context(), serve.Input{Source: "test", Format: "cloudtrail", Body: r}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(time.Duration(rnd.Int64N(int64(plan.pause))))
		if rnd.IntN(plan.of) < plan.crashes {
			serve.Crash(p)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
	_, stop := runPipeline(t, st, d, plan.hold)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	return st
}

// waitGauge waits until the gauge name{kind=label} of p reads want.
func waitGauge(t *testing.T, p *serve.Pipeline, name, label string, want float64) {
	t.Helper()
	var got float64
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mfs, err := p.Metrics().Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetValue() == label {
						got = m.GetGauge().GetValue()
					}
				}
			}
		}
		if got == want {
			return
		}
	}
	t.Fatalf("%s{%s} = %v, want %v", name, label, got, want)
}

// TestPipeline_SigmaHQLikeHunt: the Stratus detonation logs with SigmaHQ's
// AWS rules, whose matches are mostly on reads (events the decoder lends,
// decode.Options.Scratch), give hunt's findings with hunt's contents: a
// finding that kept a view into the decoder's buffer would not.
func TestPipeline_SigmaHQLikeHunt(t *testing.T) {
	opts := hunt.Options{MinSeverity: finding.Low, ShowSuppressed: true}
	rs, _, errs := hunt.LoadRules(opts)
	aws, errs2 := rule.Load(filepath.Join(ruletest.SigmaDir(t), "rules", "cloud", "aws"))
	d, cerrs := hunt.New(append(rs, aws...), opts)
	if len(errs)+len(errs2)+len(cerrs) > 0 {
		t.Fatal(errs, errs2, cerrs)
	}
	dir := filepath.Join(testenv.Shared(t, "samples"), "aws", "cloudtrail", "stratus", "detonation-logs")
	want := huntFindingsIn(t, d, dir)
	if len(want) < 50 {
		t.Fatalf("hunt finds %d findings in %s", len(want), dir)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		st, err := store.Open(t.Context(), b.Fresh(t))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		p, stop := runPipeline(t, st, d, 10*time.Millisecond)
		for _, path := range paths {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Accept(t.Context(), serve.Input{Source: "file:" + path, Format: "auto", Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		got, err := st.Findings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d findings stored from %d files", len(got), len(paths))
		if len(got) != len(want) {
			t.Errorf("%d findings stored, hunt %d", len(got), len(want))
		}
		for _, f := range got {
			w, ok := want[f.ID]
			if !ok {
				t.Errorf("unexpected %s %s", f.ID, f.Rule.Title)
				continue
			}
			// What the finding took from its events, as hunt has it.
			f.Status, f.Revision, w.Status, w.Revision = "", 0, "", 0
			gb, _ := json.Marshal(f)
			wb, _ := json.Marshal(w)
			if !bytes.Equal(gb, wb) {
				t.Errorf("finding stored:\n%s\nhunt's:\n%s", gb, wb)
			}
		}
	})
}

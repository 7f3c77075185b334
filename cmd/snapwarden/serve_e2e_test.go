package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// instance names the daemons' rows in the store.
const instance = "e2e"

// serveConfig writes a config with short hold, checkpoint and pair wait
// (so the tests see findings and checkpoints quickly), a 1 MB body limit,
// and the given tail directories.
func serveConfig(t *testing.T, tail ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "serve:\n  instance: %s\n  hold: 200ms\n  checkpoint: 200ms\n  pair_wait: 1s\n  max_body_mb: 1\n", instance)
	if len(tail) > 0 {
		b.WriteString("  tail:\n")
		for _, d := range tail {
			fmt.Fprintf(&b, "    - %q\n", d)
		}
	}
	path := filepath.Join(t.TempDir(), "snapwarden.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// chainOf returns the one chain finding of fs, failing unless there is
// exactly one.
func chainOf(t *testing.T, fs []apiFinding, id string) apiFinding {
	t.Helper()
	var out []apiFinding
	for _, f := range fs {
		if f.ID == id {
			out = append(out, f)
		}
	}
	if len(out) != 1 {
		t.Fatalf("chain %s listed %d times", id, len(out))
	}
	return out[0]
}

// criticalChain returns the id and severity of the chain hunt finds at the
// highest severity in want.
func criticalChain(t *testing.T, want map[string]string) (string, string) {
	t.Helper()
	for id, k := range want {
		if strings.HasPrefix(k, "chain ") && strings.Contains(k, " critical ") {
			return id, "critical"
		}
	}
	t.Fatalf("hunt finds no critical chain in %s: %v", awsExamples, want)
	return "", ""
}

// TestServe_crash: a chain half ingested, then SIGKILL; after the restart
// the second half completes it — one chain finding at hunt's severity,
// and every finding hunt makes, none twice. The kill comes at once after
// the 202s (the restart replays the queue), or once the first half's
// findings are visible and a checkpoint has covered its batches (the
// restart loads the chain from the store).
func TestServe_crash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary four times a backend")
	}
	recs := exampleRecords(t)
	first, second := splitAt(t, recs, "CreateVolume") // the restore
	wantFirst, wantAll := huntFindings(t, first), huntFindings(t, recs)
	chainID, chainSev := criticalChain(t, wantAll)
	if !strings.HasPrefix(wantFirst[chainID], "chain ") {
		t.Fatalf("hunt finds chain %s in the first half only as %q: the split misses the chain", chainID, wantFirst[chainID])
	}
	cfg := serveConfig(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		for _, checkpointed := range []bool{false, true} {
			t.Run(fmt.Sprintf("checkpointed=%v", checkpointed), func(t *testing.T) {
				db := b.Fresh(t)
				d := startServe(t, daemonOptions{db: db, config: cfg})
				for _, half := range halves(first) {
					d.mustIngest("cloudtrail", trailDoc(half))
				}
				if checkpointed {
					d.waitFindings("the first half's findings", wantFirst)
					waitFor(t, "a checkpoint to cover the first half", func() (bool, string) {
						n := queueDepth(t, db)
						return n == 0, fmt.Sprintf("%d batches queued", n)
					})
				}
				d.kill()

				d = startServe(t, daemonOptions{db: db, config: cfg})
				for _, half := range halves(second) {
					d.mustIngest("auto", gzipped(t, trailDoc(half)))
				}
				got := d.waitFindings("every finding after the restart", wantAll)
				if c := chainOf(t, got, chainID); c.Severity != chainSev {
					t.Errorf("chain %s: severity %s, want %s", chainID, c.Severity, chainSev)
				}
			})
		}
	})
}

// TestServe_killAfterAccept: SIGKILL right after the 202s, before the
// batches could be processed; the restart processes them all.
func TestServe_killAfterAccept(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary twice")
	}
	recs := exampleRecords(t)
	want := huntFindings(t, recs)
	cfg := serveConfig(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Fresh(t)
		d := startServe(t, daemonOptions{db: db, config: cfg})
		for _, r := range recs { // a batch a record: many to lose
			d.mustIngest("cloudtrail", trailDoc([]logRecord{r}))
		}
		d.kill()
		if n := queueDepth(t, db); n == 0 {
			t.Fatal("the queue is empty after the kill: the test kills too late to show anything")
		} else {
			t.Logf("%d of %d batches queued at the kill", n, len(recs))
		}

		d = startServe(t, daemonOptions{db: db, config: cfg})
		d.waitFindings("every finding of the accepted batches", want)
		waitFor(t, "the queue to empty", func() (bool, string) {
			n := d.metric("snapwarden_queue_batches")
			return n == 0, fmt.Sprintf("%v batches queued", n)
		})
	})
}

// TestServe_crashLoop: the records arrive over many short lives, ended at
// a random moment (before, during or after processing and checkpoints) by
// SIGKILL, by SIGTERM, or by SIGKILL during the graceful stop; the last
// life finds what hunt finds, each chain step counted once.
func TestServe_crashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary eight times a backend")
	}
	recs := exampleRecords(t)
	want := huntFindings(t, recs)
	cfg := serveConfig(t)
	seed := time.Now().UnixNano()
	if s := os.Getenv("SNAPWARDEN_SEED"); s != "" { // to replay a failure
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d (SNAPWARDEN_SEED replays it)", seed)
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Fresh(t)
		for from := 0; from < len(recs); from += 5 {
			d := startServe(t, daemonOptions{db: db, config: cfg})
			for _, r := range recs[from:min(from+5, len(recs))] {
				d.mustIngest("cloudtrail", trailDoc([]logRecord{r}))
			}
			// Up to twice the hold and the checkpoint interval.
			time.Sleep(time.Duration(rnd.Int64N(int64(400 * time.Millisecond))))
			switch rnd.IntN(4) {
			case 0, 1:
				d.kill()
				continue
			case 2: // SIGKILL while the graceful stop is under way
				if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Duration(rnd.Int64N(int64(10 * time.Millisecond)))) // a stop takes a few ms
				d.kill()
				continue
			}
			if err, _ := d.terminate(); err != nil || !strings.Contains(d.stderr.String(), "state saved") {
				t.Fatalf("SIGTERM: exit %v, and the log:\n%s", err, d.stderr.String())
			}
			if n := queueDepth(t, db); n != 0 {
				t.Errorf("%d batches still queued after a graceful stop", n)
			}
		}
		t.Cleanup(func() {
			if t.Failed() {
				logState(t, db)
			}
		})
		d := startServe(t, daemonOptions{db: db, config: cfg})
		d.waitFindings("every finding after the last restart", want)
	})
}

// logState writes the stored principals and open chains, to tell why a
// chain ended at another severity.
func logState(t *testing.T, db string) {
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Logf("state: %v", err)
		return
	}
	defer st.Close()
	snap, err := st.LoadState(context.Background())
	if err != nil {
		t.Logf("state: %v", err)
		return
	}
	for _, p := range snap.Principals {
		t.Logf("principal %s first seen %s created %s by %s", p.ID, p.FirstSeen, p.Created, p.CreatedBy)
	}
	for _, c := range snap.Chains {
		t.Logf("chain %s: %s", c.ID, c.State)
	}
	marks, _ := st.StateMarks(context.Background())
	t.Logf("marks %v", marks)
}

// TestServe_sigterm: SIGTERM while batches are being posted; serve stops
// within seconds with status 0 and says the state is saved. Batches it
// refused are posted again after the restart, as a client would; nothing
// accepted is lost.
func TestServe_sigterm(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary twice")
	}
	recs := exampleRecords(t)
	// Two clients post at once: two steps of a chain may arrive swapped.
	want := withoutRevisions(huntFindings(t, recs))
	cfg := serveConfig(t)
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Fresh(t)
		d := startServe(t, daemonOptions{db: db, config: cfg})
		var (
			mu       sync.Mutex
			accepted = map[int]bool{}
			codes    = map[int]int{}
			posted   = make(chan struct{})
			wg       sync.WaitGroup
		)
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(recs); i += 2 {
					code, body := d.request("POST", "/v1/ingest/cloudtrail", testToken, trailDoc(recs[i:i+1]), nil)
					mu.Lock()
					accepted[i] = code == 202
					// Refused while stopping: 503 (send again), or no
					// connection once the listener is closed.
					if code != 202 && code != 503 && code != 0 {
						t.Errorf("batch %d while stopping: %d %s", i, code, body)
					}
					codes[code]++
					if len(accepted) == 6 {
						close(posted)
					}
					mu.Unlock()
				}
			}()
		}
		<-posted
		err, took := d.terminate()
		wg.Wait()
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
		if took > 10*time.Second {
			t.Errorf("took %s to stop", took)
		}
		t.Logf("stopped %s after SIGTERM", took.Round(time.Millisecond))
		if !strings.Contains(d.stderr.String(), "state saved") {
			t.Errorf("stderr does not say the state was saved")
		}
		if n := queueDepth(t, db); n != 0 {
			t.Errorf("%d batches still queued after the graceful stop: the last checkpoint does not cover them", n)
		}
		var again []logRecord
		for i, r := range recs {
			if !accepted[i] {
				again = append(again, r)
			}
		}
		t.Logf("%d of %d batches accepted before the stop; answers %v", len(recs)-len(again), len(recs), codes)

		d = startServe(t, daemonOptions{db: db, config: cfg})
		if len(again) > 0 {
			d.mustIngest("cloudtrail", trailDoc(again))
		}
		d.waitFindings("every finding after the restart", want)
	})
}

// queueDepth opens the store of a stopped daemon and counts its queued
// batches: those accepted and not yet covered by a checkpoint.
func queueDepth(t *testing.T, db string) int64 {
	t.Helper()
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, _, err := st.QueueDepth(t.Context(), instance)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// halves cuts records in two batches.
func halves(recs []logRecord) [][]logRecord {
	return [][]logRecord{recs[:len(recs)/2], recs[len(recs)/2:]}
}

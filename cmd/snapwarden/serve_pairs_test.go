package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestServe_crashPairs: an Azure operation whose request comes before a
// SIGKILL and whose result comes after is still one event: the waiting
// half is in the checkpoint. The findings and the event count are hunt's.
func TestServe_crashPairs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary twice a backend")
	}
	recs := azureRecords(t)
	// The ad hoc snapshot of a critical disk (the critical chain's copy):
	// its Start and Accept before the crash, its Success after.
	cut := -1
	for i, r := range recs {
		var h struct{ OperationName, ResultType, ResourceID string }
		json.Unmarshal(r.raw, &h)
		if h.OperationName == "MICROSOFT.COMPUTE/SNAPSHOTS/WRITE" && h.ResultType == "Success" &&
			filepath.Base(h.ResourceID) == "PROD-DB-01-DATA-ADHOC" {
			cut = i
		}
	}
	if cut < 0 {
		t.Fatal("the example Azure log has no ad hoc snapshot of PROD-DB-01-DATA")
	}
	first, second := recs[:cut], recs[cut:]
	config := filepath.Join("..", "..", "examples", "snapwarden.yaml")
	want := huntOver(t, "activity.json", ndjson(recs), "--config", config)
	wantEvents := huntEvents(t, ndjson(recs), "--config", config)
	// The example config, and a pair wait far longer than the test.
	base, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, string(base)+fmt.Sprintf("serve:\n  instance: %s\n  hold: 200ms\n  checkpoint: 200ms\n  pair_wait: 10m\n", instance))

	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Fresh(t)
		d := startServe(t, daemonOptions{db: db, config: cfg})
		d.mustIngest("azureactivity", ndjson(first))
		waitFor(t, "the first part to be processed and checkpointed", func() (bool, string) {
			n := d.metric("snapwarden_records_total")
			if n != float64(len(first)) {
				return false, fmt.Sprintf("%v records, want %d", n, len(first))
			}
			q := queueDepth(t, db)
			return q == 0, fmt.Sprintf("%d batches queued", q)
		})
		before := d.metric("snapwarden_events_total")
		d.kill()

		d = startServe(t, daemonOptions{db: db, config: cfg})
		d.mustIngest("azureactivity", ndjson(second))
		d.waitFindings("every finding after the restart", want)
		waitFor(t, "every event", func() (bool, string) {
			n := before + d.metric("snapwarden_events_total")
			return n >= float64(wantEvents), fmt.Sprintf("%v events, want %d", n, wantEvents)
		})
		if n := before + d.metric("snapwarden_events_total"); n != float64(wantEvents) {
			t.Errorf("%v events (%v before the crash), want hunt's %d", n, before, wantEvents)
		}
	})
}

// huntEvents counts the events hunt makes of body.
func huntEvents(t *testing.T, body []byte, args ...string) int {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "records.json"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", append(append([]string{"hunt", "--events"}, args...), dir)...)
	if code != exitOK {
		t.Fatalf("hunt --events: code %d\n%s", code, stderr)
	}
	n := 0
	for _, c := range out {
		if c == '\n' {
			n++
		}
	}
	return n
}

// writeConfig writes a configuration file.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snapwarden.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

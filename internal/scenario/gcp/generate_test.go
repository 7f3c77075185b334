package gcp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/gcp"
)

// generate writes a two-day set of GCP logs.
func generate(t *testing.T, seed uint64) (string, scenario.Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 2, Events: 3000, Clouds: []scenario.Cloud{gcp.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// TestGenerate_Verify runs the hunt pipeline over a generated set: every
// record decodes, every scenario is found, no look-alike or background
// event makes a finding at high or above.
func TestGenerate_Verify(t *testing.T) {
	dir, st := generate(t, 1)
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d events (%d bytes), %d scenarios, %d look-alikes", st.Events, st.Bytes, st.Scenarios, st.Lookalike)
	t.Logf("verify: %d records, %d events, %d bad, %d findings, recall %d/%d, %d false positives",
		rep.Records, rep.Events, rep.Bad, rep.Findings, found, total, len(rep.FalsePositives))
	for _, k := range rep.KindNames() {
		t.Logf("  %-16s %d/%d", k, rep.Kinds[k].Found, rep.Kinds[k].Total)
	}
	if rep.Bad != 0 {
		t.Errorf("%d bad records: %v", rep.Bad, rep.BadInput)
	}
	if found != total || total == 0 {
		t.Errorf("recall %d/%d; missed: %s", found, total, strings.Join(rep.Missed, "; "))
	}
	for _, f := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %s %v", f.Rule.ID, f.Rule.Title, f.Severity, f.Events)
	}
	if rep.Events != st.Events {
		t.Errorf("%d events decoded, %d generated", rep.Events, st.Events)
	}
	// Paired operations: two records for one event.
	if rep.Records <= rep.Events {
		t.Errorf("%d records for %d events: no long-running operation paired", rep.Records, rep.Events)
	}
	for _, kind := range []string{"chain-full-new", "chain-full-other", "restore-other", "share-outside", "export", "critical-clone", "critical-db", "burst"} {
		if rep.Kinds[kind] == nil {
			t.Errorf("no %s scenario generated", kind)
		}
	}
}

// TestGenerate_Deterministic: a seed writes the same bytes, another seed
// different ones; the files sit in the sink's layout.
func TestGenerate_Deterministic(t *testing.T) {
	a, _ := generate(t, 1)
	b, _ := generate(t, 1)
	c, _ := generate(t, 2)
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if ha != hb {
		t.Errorf("seed 1 twice: %s and %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("seeds 1 and 2 wrote the same tree %s", ha)
	}
	for _, p := range files(t, filepath.Join(a, "gcp")) {
		rel, _ := filepath.Rel(filepath.Join(a, "gcp"), p)
		if !sinkPath(filepath.ToSlash(rel)) {
			t.Errorf("%s is not in a sink's layout", rel)
		}
	}
}

// sinkPath matches cloudaudit.googleapis.com/<log>/YYYY/MM/DD/HH:00:00_HH:59:59_S<n>.json.
func sinkPath(rel string) bool {
	parts := strings.Split(rel, "/")
	if len(parts) != 6 || parts[0] != "cloudaudit.googleapis.com" || (parts[1] != "activity" && parts[1] != "data_access") {
		return false
	}
	if len(parts[2]) != 4 || len(parts[3]) != 2 || len(parts[4]) != 2 {
		return false
	}
	name := parts[5]
	return len(name) >= 24 && name[2:9] == ":00:00_" && name[0:2] == name[9:11] && name[11:19] == ":59:59_S" && strings.HasSuffix(name, ".json")
}

// treeHash hashes every file's path and content in name order.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	for _, p := range files(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		io.WriteString(h, rel+"\x00")
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(h, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

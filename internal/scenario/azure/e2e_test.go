package azure_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/azure"
)

// generate writes a two-day Azure set of about 3000 events.
func generate(t *testing.T, dir string, seed uint64) scenario.Stats {
	t.Helper()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 2, Events: 3000, Clouds: []scenario.Cloud{azure.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestGenerate_Verify(t *testing.T) {
	dir := t.TempDir()
	st := generate(t, dir, 1)
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d events (%d scenarios, %d look-alikes), %.1f MB; verify: %d records, %d events, %d bad, %d findings, recall %d/%d, %d false positives",
		st.Events, st.Scenarios, st.Lookalike, float64(st.Bytes)/1e6, rep.Records, rep.Events, rep.Bad, rep.Findings, found, total, len(rep.FalsePositives))
	for _, k := range rep.KindNames() {
		t.Logf("  %-18s %d/%d", k, rep.Kinds[k].Found, rep.Kinds[k].Total)
	}
	if rep.Bad != 0 {
		t.Errorf("%d bad inputs: %v", rep.Bad, rep.BadInput)
	}
	for _, m := range rep.Missed {
		t.Errorf("missed %s", m)
	}
	if found != total || total == 0 {
		t.Errorf("recall %d/%d", found, total)
	}
	for _, want := range []string{"chain-full-new", "chain-full-other", "restore-other", "export", "critical-clone", "critical-db", "burst"} {
		if rep.Kinds[want] == nil {
			t.Errorf("no %s scenario generated", want)
		}
	}
	for _, f := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %s", f.Severity, f.Rule.Title, f.Summary["en"])
	}
	// One event per op, plus the NIC write of each created instance.
	if rep.Events < st.Events || rep.Events > st.Events+st.Events/100 {
		t.Errorf("decoded %d events from %d ops", rep.Events, st.Events)
	}
}

// treeHash hashes every file's path and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(rel))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerate_Deterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	generate(t, a, 42)
	generate(t, b, 42)
	generate(t, c, 43)
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if ha != hb {
		t.Errorf("same seed, different output: %s vs %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("different seeds, same output %s", ha)
	}
}

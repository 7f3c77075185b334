package vkcloud_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/vkcloud"
)

// TestGenerate_Verify runs the generator with VK Cloud alone and the hunt
// pipeline over what it wrote: every record decodes, every scenario is
// found, no look-alike or background reaches high.
func TestGenerate_Verify(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	dir := t.TempDir()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: 1, Days: 2, Events: 3000, Clouds: []scenario.Cloud{&vkcloud.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d events (%d bytes), %d scenarios, %d look-alikes", st.Events, st.Bytes, st.Scenarios, st.Lookalike)
	t.Logf("verify: %d records, %d events, %d bad, %d findings, recall %d/%d", rep.Records, rep.Events, rep.Bad, rep.Findings, found, total)
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
	for _, f := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %v", f.Rule.Title, f.Severity, f.Events)
	}
	if rep.Events != st.Events || rep.Records != st.Events {
		t.Errorf("decoded %d events of %d records, generated %d", rep.Events, rep.Records, st.Events)
	}
}

// TestGenerate_Deterministic: the same seed writes the same bytes, another
// seed other bytes.
func TestGenerate_Deterministic(t *testing.T) {
	gen := func(seed uint64) string {
		dir := t.TempDir()
		if _, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 2, Events: 2000, Clouds: []scenario.Cloud{&vkcloud.Cloud{}}}); err != nil {
			t.Fatal(err)
		}
		return treeHash(t, dir)
	}
	a, b, c := gen(1), gen(1), gen(2)
	if a != b {
		t.Errorf("seed 1 twice: %s, %s", a, b)
	}
	if a == c {
		t.Errorf("seeds 1 and 2 wrote the same tree %s", a)
	}
}

// treeHash hashes every file's path and bytes, in path order.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

package yandex_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/yandex"
)

// A generated Yandex set, run through the hunt pipeline: every record
// decodes, every scenario is found, no false positive.
func TestGenerate_verify(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the hunt pipeline")
	}
	dir := t.TempDir()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: 1, Days: 2, Events: 3000, Clouds: []scenario.Cloud{&yandex.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d ops, %d scenarios, %d look-alikes, %d bytes; decoded %d records into %d events; %d findings; recall %d/%d",
		st.Events, st.Scenarios, st.Lookalike, st.Bytes, rep.Records, rep.Events, rep.Findings, found, total)
	for _, k := range rep.KindNames() {
		t.Logf("  %-20s %d/%d", k, rep.Kinds[k].Found, rep.Kinds[k].Total)
	}
	if rep.Bad != 0 {
		t.Errorf("%d bad records or files: %v", rep.Bad, rep.BadInput)
	}
	for _, m := range rep.Missed {
		t.Errorf("missed %s", m)
	}
	if found != total || total == 0 {
		t.Errorf("recall %d/%d", found, total)
	}
	for _, fp := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %s %v", fp.Rule.ID, fp.Severity, fp.Rule.Title, fp.Events)
	}
	// Every op is one event, and each instance creation adds the CreateDisk
	// of its boot disk.
	if rep.Events < st.Events || rep.Events > st.Events+10 {
		t.Errorf("%d events decoded from %d ops", rep.Events, st.Events)
	}
	for _, kind := range []string{"chain-full-new", "chain-full-other", "restore-other", "critical-clone", "critical-db", "burst"} {
		if rep.Kinds[kind] == nil {
			t.Errorf("no %s scenario generated", kind)
		}
	}
}

// The same seed writes the same tree; another seed another.
func TestGenerate_deterministic(t *testing.T) {
	gen := func(seed uint64) string {
		dir := t.TempDir()
		_, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 1, Events: 800, Clouds: []scenario.Cloud{&yandex.Cloud{}}})
		if err != nil {
			t.Fatal(err)
		}
		return treeHash(t, dir)
	}
	a, b, c := gen(5), gen(5), gen(6)
	if a != b {
		t.Error("same seed, different output")
	}
	if a == c {
		t.Error("different seeds, same output")
	}
}

// treeHash hashes every file's path and content.
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

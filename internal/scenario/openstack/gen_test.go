package openstack_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/openstack"
)

// generate writes a two-day set for OpenStack alone.
func generate(t *testing.T, seed uint64) (string, scenario.Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 2, Events: 3000,
		Clouds: []scenario.Cloud{&openstack.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestGenerate_Verify(t *testing.T) {
	dir, st := generate(t, 1)
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d events (%d bytes), %d scenarios, %d look-alikes", st.Events, st.Bytes, st.Scenarios, st.Lookalike)
	t.Logf("verify: %d records, %d events, %d bad, %d findings, recall %d/%d", rep.Records, rep.Events, rep.Bad, rep.Findings, found, total)
	for _, k := range rep.KindNames() {
		t.Logf("  %-20s %d/%d", k, rep.Kinds[k].Found, rep.Kinds[k].Total)
	}
	if rep.Bad != 0 {
		t.Errorf("%d bad records: %v", rep.Bad, rep.BadInput)
	}
	if found != total || total == 0 {
		t.Errorf("recall %d/%d; missed %v", found, total, rep.Missed)
	}
	for _, f := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %s %v", f.Rule.ID, f.Severity, f.Rule.Title, f.Events)
	}
	// One event per op, the two port events of each server's boot and the
	// audit event of each upload of a volume to an image.
	if rep.Events < st.Events || rep.Events > st.Events+20 {
		t.Errorf("decoded %d events from %d ops", rep.Events, st.Events)
	}
	for _, k := range []string{"chain-full-new", "chain-full-other", "restore-other", "critical-clone", "critical-db", "burst", "image-share-outside"} {
		if rep.Kinds[k] == nil {
			t.Errorf("scenario kind %s not generated", k)
		}
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	a, _ := generate(t, 1)
	b, _ := generate(t, 1)
	c, _ := generate(t, 2)
	ha, hb, hc := treeHash(t, a), treeHash(t, b), treeHash(t, c)
	if ha != hb {
		t.Errorf("seed 1 twice: %s and %s", ha, hb)
	}
	if ha == hc {
		t.Error("seeds 1 and 2 wrote the same tree")
	}
}

// treeHash hashes every file's path (relative to dir) and content.
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

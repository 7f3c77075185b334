package aws_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/scenario"
)

// TestWriter_rotation: a busy five minutes is split every 5000 records,
// the next five minutes start a new file, and Close reports exactly the
// JSON bytes written.
func TestWriter_rotation(t *testing.T) {
	ops := benchOps(t, 12_000, 0)
	start := ops[0].Time.Truncate(5 * time.Minute)
	for i, op := range ops[:11_000] {
		op.Time = start.Add(time.Duration(i) * 20 * time.Millisecond) // 220 s: one window
	}
	for i, op := range ops[11_000:] {
		op.Time = start.Add(5*time.Minute + time.Duration(i)*time.Millisecond)
	}
	dir, n := write(t, newFixture(t, true).c, ops...)
	paths := files(t, dir)
	stamps := map[string]int{}
	var size int64
	for _, p := range paths {
		// <account>_CloudTrail_<region>_<delivery time>_<suffix>.json
		stamps[strings.Split(filepath.Base(p), "_")[3]]++
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size += fi.Size()
	}
	first := start.Add(5 * time.Minute).Format("20060102T1504Z")
	second := start.Add(10 * time.Minute).Format("20060102T1504Z")
	if stamps[first] != 3 || stamps[second] != 1 || len(paths) != 4 {
		t.Errorf("files per delivery time %v, want 3 at %s and 1 at %s", stamps, first, second)
	}
	if size != n {
		t.Errorf("Close reported %d bytes, the files hold %d", n, size)
	}
	if evs := decodeDir(t, dir); len(evs) != len(ops) {
		t.Errorf("decoded %d events of %d ops", len(evs), len(ops))
	}
}

// TestWriter_gzip: compressed files decode to the same events as plain
// ones, and Close reports the same uncompressed bytes.
func TestWriter_gzip(t *testing.T) {
	ops := benchOps(t, 300, 7)
	plainDir, plainBytes := write(t, newFixture(t, true).c, ops...)
	gzDir, gzBytes := write(t, newFixture(t, false).c, ops...)
	if plainBytes != gzBytes {
		t.Errorf("Close reported %d bytes plain, %d gzip", plainBytes, gzBytes)
	}
	for _, p := range files(t, gzDir) {
		if !strings.HasSuffix(p, ".json.gz") {
			t.Errorf("%s is not .json.gz", p)
		}
	}
	plain, gz := decodeDir(t, plainDir), decodeDir(t, gzDir)
	if len(plain) != len(ops) || len(gz) != len(ops) {
		t.Fatalf("decoded %d plain and %d gzip events of %d ops", len(plain), len(gz), len(ops))
	}
	for i := range plain {
		if plain[i].ID != gz[i].ID || plain[i].Action != gz[i].Action || string(plain[i].Raw[0]) != string(gz[i].Raw[0]) {
			t.Errorf("event %d differs: %s %s / %s %s", i, plain[i].ID, plain[i].Action, gz[i].ID, gz[i].Action)
		}
	}
}

// TestWriter_errors: ops the writer cannot render are refused with an
// error, never a panic, and the writer goes on.
func TestWriter_errors(t *testing.T) {
	f := newFixture(t, true)
	w, err := f.c.NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bad := []*scenario.Op{
		{ID: "x", Kind: scenario.Read, Name: "DescribeEverything", Account: f.main, Region: f.region, Actor: f.cli, Time: f.at},
		{ID: "x", Kind: scenario.Read, Name: "DescribeInstances", Region: f.region, Actor: f.cli, Time: f.at},
		{ID: "x", Kind: scenario.Read, Name: "DescribeInstances", Account: f.main, Region: f.region, Time: f.at},
		with(f.op(scenario.ImageCreate, f.cli), func(op *scenario.Op) { op.Source, op.Created = "vol-0123", "ami-0123" }),
		with(f.op(scenario.CredentialCreate, f.cli), func(op *scenario.Op) { op.Target = f.bot.ID }),
		with(f.op(scenario.PrincipalCreate, f.cli), func(op *scenario.Op) { op.Created = "someone" }),
		with(f.op(scenario.DBModify, f.cli), func(op *scenario.Op) { op.Target = "vol-0123" }),
		with(f.op(scenario.Kind(99), f.cli), func(op *scenario.Op) {}),
	}
	for _, op := range bad {
		if err := w.Write(op); err == nil {
			t.Errorf("Write(%v %q) = nil, want an error", op.Kind, op.Name)
		}
	}
	good := with(f.op(scenario.Read, f.cli), func(op *scenario.Op) { op.Name = "GetCallerIdentity" })
	if err := w.Write(good); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

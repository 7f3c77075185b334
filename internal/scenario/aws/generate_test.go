package aws_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/aws"
)

// TestGenerate_verify generates two days of AWS logs and runs the hunt
// pipeline over them: every record decodes, every scenario is found, no
// look-alike or background event makes a finding at high or above.
func TestGenerate_verify(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts two days of logs")
	}
	dir := t.TempDir()
	st, err := scenario.Generate(scenario.Options{Out: dir, Seed: 1, Days: 2, Events: 3000, Clouds: []scenario.Cloud{&aws.Cloud{}}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scenario.Verify(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	found, total := rep.Recall()
	t.Logf("generated %d events (%d bytes of JSON), %d scenarios, %d look-alikes", st.Events, st.Bytes, st.Scenarios, st.Lookalike)
	t.Logf("verify: %d records, %d events, %d bad, %d findings, recall %d/%d, %d false positives",
		rep.Records, rep.Events, rep.Bad, rep.Findings, found, total, len(rep.FalsePositives))
	for _, k := range rep.KindNames() {
		t.Logf("  %-16s %d/%d", k, rep.Kinds[k].Found, rep.Kinds[k].Total)
	}
	if rep.Bad != 0 {
		t.Errorf("%d bad records or files: %v", rep.Bad, rep.BadInput)
	}
	if rep.Events != st.Events || rep.Records != st.Events {
		t.Errorf("read %d records, %d events; generated %d", rep.Records, rep.Events, st.Events)
	}
	for _, m := range rep.Missed {
		t.Errorf("missed %s", m)
	}
	if found != total || total == 0 {
		t.Errorf("recall %d/%d", found, total)
	}
	// Every scenario the generator plans for a cloud supporting all kinds.
	for _, k := range []string{"chain-full-new", "chain-full-other", "restore-other", "share-outside", "export",
		"critical-clone", "critical-db", "cross-account", "burst"} {
		if rep.Kinds[k] == nil {
			t.Errorf("no %s scenario generated", k)
		}
	}
	for _, f := range rep.FalsePositives {
		t.Errorf("false positive: %s %s %s", f.Rule.ID, f.Severity, f.Summary)
	}
}

// TestGenerate_deterministic: the same seed writes the same tree, byte for
// byte; another seed writes another.
func TestGenerate_deterministic(t *testing.T) {
	gen := func(seed uint64, plain bool) string {
		dir := t.TempDir()
		_, err := scenario.Generate(scenario.Options{Out: dir, Seed: seed, Days: 1, Events: 800, Clouds: []scenario.Cloud{&aws.Cloud{Plain: plain}}})
		if err != nil {
			t.Fatal(err)
		}
		return treeHash(t, dir)
	}
	for _, plain := range []bool{false, true} {
		a, b, c := gen(3, plain), gen(3, plain), gen(4, plain)
		if a != b {
			t.Errorf("plain=%v: seed 3 twice gave different trees", plain)
		}
		if a == c {
			t.Errorf("plain=%v: seeds 3 and 4 gave the same tree", plain)
		}
	}
}

// treeHash hashes the paths (relative to dir) and contents of every file.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	for _, p := range files(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		io.WriteString(h, rel+"\x00")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGenerate_layout: every file sits where CloudTrail delivers it, named
// as CloudTrail names it, and holds one {"Records":[…]} object of records
// of that account and region.
func TestGenerate_layout(t *testing.T) {
	for _, plain := range []bool{false, true} {
		dir := t.TempDir()
		if _, err := scenario.Generate(scenario.Options{Out: dir, Seed: 5, Days: 1, Events: 1500, Clouds: []scenario.Cloud{&aws.Cloud{Plain: plain}}}); err != nil {
			t.Fatal(err)
		}
		ext := ".json.gz"
		if plain {
			ext = ".json"
		}
		n := 0
		for _, p := range files(t, filepath.Join(dir, "aws")) {
			n++
			rel, _ := filepath.Rel(filepath.Join(dir, "aws"), p)
			parts := strings.Split(filepath.ToSlash(rel), "/")
			if len(parts) != 8 || parts[0] != "AWSLogs" || parts[2] != "CloudTrail" {
				t.Fatalf("%s: not AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>", rel)
			}
			acct, region, name := parts[1], parts[3], parts[7]
			stamp := parts[4] + parts[5] + parts[6] + "T"
			prefix := acct + "_CloudTrail_" + region + "_" + stamp
			if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ext) {
				t.Errorf("%s: name does not start with %s or end with %s", rel, prefix, ext)
			}
			// <prefix>HHMMZ_<16 alphanumerics><ext>
			rest := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ext)
			if len(rest) != len("HHMMZ_")+16 || rest[4] != 'Z' || rest[5] != '_' || rest[2:4] != "00" && rest[3] != '0' && rest[3] != '5' {
				t.Errorf("%s: time and suffix %q are not HHMMZ_ and 16 characters on a five-minute mark", rel, rest)
			}
			for _, e := range decodetest.DecodeFiles(t, cloudtrail.Format{}, nil, p).Clean(t) {
				if e.Account != acct || e.Region != region {
					t.Errorf("%s holds an event of %s/%s", rel, e.Account, e.Region)
				}
			}
		}
		if n < 10 {
			t.Errorf("plain=%v: only %d files for a day", plain, n)
		}
	}
}

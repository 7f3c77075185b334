package compare_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/bench/compare"
)

// shared returns the repository root and the shared material, skipping
// the test when the material is absent (failing under
// SNAPWARDEN_REQUIRE_EXTERNAL=1, as snapwarden's own tests do).
func shared(t *testing.T) (root, dir string) {
	t.Helper()
	root, err := compare.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir = compare.SharedDir(root)
	if _, err := os.Stat(filepath.Join(dir, "sigma", "rules", "cloud", "aws")); err != nil {
		if os.Getenv("SNAPWARDEN_REQUIRE_EXTERNAL") == "1" {
			t.Fatalf("shared material not found at %s", dir)
		}
		t.Skipf("shared material not found at %s: skipping", dir)
	}
	return root, dir
}

// TestRun_SigmaHQ runs the comparison the command runs, on a small input:
// SigmaHQ's AWS rules over snapwarden's SigmaHQ rule test cases and (unless
// -short) a small benchcorpus. Both engines must run, and every difference
// must be explained.
func TestRun_SigmaHQ(t *testing.T) {
	root, dir := shared(t)
	rulesDir := filepath.Join(dir, "sigma", "rules", "cloud", "aws")
	var ev compare.Events
	if !testing.Short() {
		corpus := filepath.Join(t.TempDir(), "corpus.ndjson")
		if err := compare.BuildCorpus(t.Context(), root, filepath.Join(dir, "samples"), corpus, 400); err != nil {
			t.Fatal(err)
		}
		if err := ev.ReadNDJSON(corpus); err != nil {
			t.Fatal(err)
		}
	}
	files, err := ev.ReadRuleCases(filepath.Join(root, "internal", "detect", "testdata", "sigmahq"))
	if err != nil {
		t.Fatal(err)
	}
	ruleFiles, _ := filepath.Glob(filepath.Join(rulesDir, "*", "*.yml"))
	if files == 0 || files != len(ruleFiles) {
		t.Fatalf("%d rule test case files for %d rules", files, len(ruleFiles))
	}

	res, err := compare.Run(t.Context(), compare.Options{RulesDir: rulesDir, Events: &ev, Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != ev.Len() || len(res.Rules) != len(ruleFiles) {
		t.Fatalf("%d records and %d rules compared, want %d and %d", res.Events, len(res.Rules), ev.Len(), len(ruleFiles))
	}
	var swTotal, peerTotal, differ int
	for _, r := range res.Rules {
		swTotal += r.Snapwarden
		peerTotal += r.Peer
		if !r.PeerLoaded {
			t.Errorf("%s: the peer did not parse it: %s", r.ID, r.PeerError)
		}
		if r.Differs() {
			differ++
			if r.Unexplained() {
				t.Errorf("%s %s: unexplained difference: only snapwarden %v, only peer %v (peer error %q)",
					r.ID, r.Title, r.OnlySnapwarden, r.OnlyPeer, r.PeerError)
			}
		}
	}
	for _, e := range []compare.Engine{res.Match, res.Hunt, res.Peer, res.Decode, res.PeerDecode} {
		if len(e.Runs) != 1 || e.Best() <= 0 || e.Bad != 0 {
			t.Errorf("%s: runs %v, %d bad records", e.Name, e.Runs, e.Bad)
		}
	}
	// Every rule has a record it must match among the cases, bar the few
	// no real record can satisfy: both engines matched many.
	if swTotal < len(ruleFiles) || peerTotal < len(ruleFiles)/2 {
		t.Errorf("matches: snapwarden %d, peer %d, over %d rules", swTotal, peerTotal, len(ruleFiles))
	}
	if differ == 0 {
		t.Error("no difference: the cases exercise constructs the peer lacks (null, |fieldref)")
	}

	var out bytes.Buffer
	if err := compare.Print(&out, res, &ev, rulesDir); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"events/s per core", "ratio snapwarden / sigma-go v0.6.6", " 0 unexplained", "unknown modifier fieldref"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "UNEXPLAINED") {
		t.Errorf("output has an UNEXPLAINED difference:\n%s", out.String())
	}
	t.Logf("%d records: snapwarden %.0f events/s, peer %.0f events/s, ratio %.1f; %d rules differ",
		res.Events, res.Match.Rate(res.Events), res.Peer.Rate(res.Events), res.Ratio(res.Match), differ)
}

// describeRule uses a wildcard in a plain value, which the peer compares
// literally; no explanation knows its id.
const describeRule = `title: Describe calls
id: 0f0e5b4e-2f7a-4c39-9d7e-3a1b2c3d4e5f
status: test
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventName: 'Describe*'
    condition: selection
level: low
`

const describeEvent = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},"eventTime":"2026-11-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2","eventID":"0b7a5e8e-1111-2222-3333-444455556666","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

// TestRun_Unexplained: a difference no explanation covers stays visible.
func TestRun_Unexplained(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "describe.yml"), []byte(describeRule), 0o644); err != nil {
		t.Fatal(err)
	}
	var ev compare.Events
	ev.Add("test", []byte(describeEvent))
	res, err := compare.Run(context.Background(), compare.Options{RulesDir: dir, Events: &ev, Runs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rules) != 1 {
		t.Fatalf("%d rules", len(res.Rules))
	}
	r := res.Rules[0]
	if r.Snapwarden != 1 || r.Peer != 0 || !r.Unexplained() || len(res.Unexplained()) != 1 {
		t.Fatalf("row %+v, want snapwarden 1, peer 0, unexplained", r)
	}
	var out bytes.Buffer
	if err := compare.Print(&out, res, &ev, dir); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "UNEXPLAINED") || !strings.Contains(out.String(), "1 unexplained") {
		t.Errorf("output does not show the unexplained difference:\n%s", out.String())
	}
}

func TestEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.ndjson")
	in := "{\"a\": 1}\n\n" + // spaced: compacted
		`[{"b":2},{"c":3}]` + "\n" + // an array: its elements
		`{"Records":[{"d":4}]}` + "\n" + // a delivery object: its records
		"not json\r\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	var ev compare.Events
	if err := ev.ReadNDJSON(path); err != nil {
		t.Fatal(err)
	}
	ev.Add("case", []byte("{\n  \"e\": 5\n}"))
	wantLines := []string{`{"a":1}`, `{"b":2}`, `{"c":3}`, `{"d":4}`, "not json", `{"e":5}`}
	wantOrigins := []string{"in.ndjson:1", "in.ndjson:3[0]", "in.ndjson:3[1]", "in.ndjson:4[0]", "in.ndjson:5", "case"}
	lines := ev.Lines()
	if ev.Len() != len(wantLines) || len(lines) != len(wantLines) {
		t.Fatalf("%d lines, want %d: %q", len(lines), len(wantLines), lines)
	}
	for i, l := range lines {
		if string(l) != wantLines[i] || ev.Origin(i) != wantOrigins[i] {
			t.Errorf("line %d = %q from %s, want %q from %s", i, l, ev.Origin(i), wantLines[i], wantOrigins[i])
		}
	}
	if got, want := string(ev.NDJSON()), strings.Join(wantLines, "\n")+"\n"; got != want {
		t.Errorf("NDJSON = %q, want %q", got, want)
	}
	if len(ev.Sources) != 1 || ev.Sources[0].Records != 6 {
		t.Errorf("sources %+v, want one with 6 records", ev.Sources)
	}
}

func TestRepoRoot(t *testing.T) {
	top := t.TempDir()
	nested := filepath.Join(top, "bench", "cmd")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(top, "bench", "go.mod"), "module github.com/snapwarden/snapwarden/bench\n")
	if _, err := compare.RepoRoot(nested); err == nil {
		t.Error("found a root without snapwarden's go.mod")
	}
	write(filepath.Join(top, "go.mod"), "// snapwarden\nmodule github.com/snapwarden/snapwarden\n\ngo 1.26\n")
	got, err := compare.RepoRoot(nested)
	if err != nil || got != top {
		t.Errorf("RepoRoot = %q, %v; want %q", got, err, top)
	}
}

// The report names the version bench/go.mod pins.
func TestPeerVersionPinned(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := compare.PeerModule + " " + compare.PeerVersion
	for l := range strings.Lines(string(data)) {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "require "))
		if len(f) >= 2 && f[0] == compare.PeerModule {
			if f[0]+" "+f[1] != want {
				t.Errorf("go.mod requires %s %s, the report says %s", f[0], f[1], want)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", compare.PeerModule)
}

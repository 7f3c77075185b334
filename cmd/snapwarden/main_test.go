package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/snapwarden/snapwarden/internal/testenv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runCLI runs the command in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		stderrTTY: func() bool { return false },
	})
	return code, out.String(), errb.String()
}

const ctRecord = `{"eventVersion":"1.08","eventID":"%s","eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"ModifySnapshotAttribute","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/svc-maint","accountId":"111122223333","userName":"svc-maint"},"sourceIPAddress":"203.0.113.9","userAgent":"%s","requestParameters":{"snapshotId":"snap-0abc","attributeType":"CREATE_VOLUME_PERMISSION","createVolumePermission":{"add":{"items":[{"userId":"444455556666"}]}}},"responseElements":{"_return":true}}`

func record(id, ua string) string { return fmt.Sprintf(ctRecord, id, ua) }

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "snapwarden dev (commit ") {
		t.Errorf("version: code %d, out %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"hunt"}, exitUsage, "Try: snapwarden hunt examples/"},
		{[]string{"hunt", "--nope", "x"}, exitUsage, "unknown flag"},
		{[]string{"hunt", "--format", "syslog", "x"}, exitUsage, `unknown format "syslog"`},
		{[]string{"hunt", "/does/not/exist"}, exitFailure, "no such file"},
		{[]string{"frobnicate"}, exitFailure, "unknown command"},
		{[]string{"hunt", "--account", "vk=1", "x"}, exitUsage, `unknown cloud "vk"`},
		{[]string{"hunt", "--account", "aws", "x"}, exitUsage, "want CLOUD=ID"},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, stderr, tc.want)
		}
	}
}

func TestHuntEventsAndBadInput(t *testing.T) {
	dir := t.TempDir()
	body := record("e1", "aws-cli/2.0") + "\n{not json\n" + record("e2", "aws-cli/2.0") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "trail.ndjson"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", "hunt", "--events", dir)
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d JSONL lines, want 2:\n%s", len(lines), out)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "time", "cloud", "account", "region", "service", "operation", "action", "outcome", "actor", "resources", "shares", "ingress"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event lacks key %q: %s", k, lines[0])
		}
	}
	if ev["action"] != "snapshot.share" {
		t.Errorf("action = %v", ev["action"])
	}
	for _, want := range []string{"trail.ndjson:2", "1 malformed records", "aws", "snapshot.share 2"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, _, stderr = runCLI(t, "", "hunt", "--strict", dir)
	if code != exitBadInput || !strings.Contains(stderr, "--strict") {
		t.Errorf("--strict: code %d, stderr %s", code, stderr)
	}
}

// TestHuntOverlappingInputs: records read twice (the same file under two
// names, overlapping exports) give each finding once; other findings of
// the same events are kept.
func TestHuntOverlappingInputs(t *testing.T) {
	dir := t.TempDir()
	body := record("e1", "aws-cli/2.0") + "\n" + record("e2", "aws-cli/2.0") + "\n"
	for _, name := range []string{"a.ndjson", "b.ndjson"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(paths ...string) map[string]int {
		code, out, stderr := runCLI(t, "", append([]string{"hunt", "--output", "jsonl", "--min-severity", "info"}, paths...)...)
		if code != exitOK {
			t.Fatalf("code %d, stderr %s", code, stderr)
		}
		n := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var f struct{ ID string }
			if err := json.Unmarshal([]byte(line), &f); err != nil || f.ID == "" {
				t.Fatalf("%v: %s", err, line)
			}
			n[f.ID]++
		}
		return n
	}
	once, twice := ids(filepath.Join(dir, "a.ndjson")), ids(dir)
	if len(once) < 2 || fmt.Sprint(once) != fmt.Sprint(twice) {
		t.Errorf("one file: %v; the same records twice: %v", once, twice)
	}
	for id, n := range twice {
		if n != 1 {
			t.Errorf("finding %s written %d times", id, n)
		}
	}
}

func TestHuntStdinAndHostileText(t *testing.T) {
	hostile := `evil\u001b[2J\u001b]0;pwned\u0007agent`
	code, out, stderr := runCLI(t, record("e1", hostile), "hunt", "-")
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	if strings.ContainsAny(out+stderr, "\x1b\x07") {
		t.Errorf("control characters reached the terminal:\n%q", out)
	}
	if !strings.Contains(out, "Copy shared outside") || !strings.Contains(out, "444455556666") {
		t.Errorf("table lacks the share:\n%s", out)
	}
}

func TestHuntExamples(t *testing.T) {
	examples := filepath.Join("..", "..", "examples")
	config := filepath.Join(examples, "snapwarden.yaml")
	code, out, stderr := runCLI(t, "", "hunt", "--config", config, examples)
	if code != exitOK {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	if strings.Contains(stderr, "warning") || strings.Contains(stderr, "bad input") {
		t.Errorf("examples have bad input:\n%s", stderr)
	}
	for _, cloud := range []string{"aws", "azure", "gcp", "vkcloud", "openstack", "yandex"} {
		if !strings.Contains(stderr, "  "+cloud+" ") {
			t.Errorf("summary lacks events from %s:\n%s", cloud, stderr)
		}
	}
	for _, title := range []string{"Copy shared outside", "Copy exported", "restored from", "Administrative port opened",
		"Copy of a critical", "Critical database changed", "Snapshot chain"} {
		if !strings.Contains(out, title) {
			t.Errorf("findings lack %q:\n%s", title, out)
		}
	}
	// The nightly backups by trusted automation are not critical clones.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Copy of a critical") && strings.Contains(line, "backup-automation") {
			t.Errorf("trusted backup reported as a critical clone: %s", line)
		}
	}

	code, out, _ = runCLI(t, "", "hunt", "--activity", examples)
	for _, action := range []string{"snapshot.create", "snapshot.share", "volume.restore", "volume.attach", "network.ingress.open", "db.snapshot.share"} {
		if code != exitOK || !strings.Contains(out, action) {
			t.Errorf("activity table lacks %s", action)
		}
	}
}

// TestHuntDB: --db keeps state between runs; a second run over the same
// logs still lists their chains, unchanged; a file that is not a store is
// a failure naming it.
func TestHuntDB(t *testing.T) {
	aws := filepath.Join("..", "..", "examples", "aws")
	db := filepath.Join(t.TempDir(), "state.db")
	var runs []string
	for range 2 {
		code, out, stderr := runCLI(t, "", "hunt", "--db", db, "--output", "jsonl", aws)
		if code != exitOK {
			t.Fatalf("code %d, stderr %s", code, stderr)
		}
		var chains []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if strings.Contains(line, `"kind":"chain"`) {
				chains = append(chains, line)
			}
		}
		if len(chains) == 0 {
			t.Fatalf("no chain finding:\n%s", out)
		}
		runs = append(runs, strings.Join(chains, "\n"))
	}
	if runs[0] != runs[1] {
		t.Errorf("the second run changed the chains:\n%s\nthen\n%s", runs[0], runs[1])
	}
	bad := filepath.Join(t.TempDir(), "bad.db")
	if err := os.WriteFile(bad, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "hunt", "--db", bad, aws)
	if code != exitFailure || !strings.Contains(stderr, "bad.db") {
		t.Errorf("bad store: code %d, stderr %s", code, stderr)
	}
}

// TestHuntFileOrder: the files of all six clouds named in opposite orders,
// decoded by one worker or several, give the same chains.
func TestHuntFileOrder(t *testing.T) {
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "..", "examples"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".yaml") {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) < 6 {
		t.Fatalf("%d example files, %v", len(files), err)
	}
	chains := func(args ...string) string {
		code, out, stderr := runCLI(t, "", append([]string{"hunt", "--output", "jsonl"}, args...)...)
		if code != exitOK {
			t.Fatalf("code %d: %s", code, stderr)
		}
		var lines []string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, `"kind":"chain"`) {
				lines = append(lines, line)
			}
		}
		return strings.Join(lines, "\n")
	}
	want := chains(append([]string{"--workers", "1"}, files...)...)
	reversed := slices.Clone(files)
	slices.Reverse(reversed)
	if got := chains(append([]string{"--workers", "3"}, reversed...)...); got != want || want == "" {
		t.Errorf("chains depend on the order of files:\n%s\nthen\n%s", want, got)
	}
}

// TestGenAndVerify: gen writes every cloud in its layout with the truth
// and config; --verify over it finds every scenario with no false
// positive (exit 0); a set whose truth names an event never written is a
// miss (exit 1); bad flags are usage errors.
func TestGenAndVerify(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "gen", "--out", dir, "--seed", "9", "--days", "3", "--events", "8000")
	if code != exitOK || !strings.Contains(stderr, "scenarios") {
		t.Fatalf("gen: code %d, stderr %s", code, stderr)
	}
	for _, name := range []string{"truth.json", "snapwarden.yaml", "aws/AWSLogs", "azure", "gcp", "openstack", "vkcloud", "yandex"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("gen wrote no %s: %v", name, err)
		}
	}
	code, out, stderr := runCLI(t, "", "gen", "--verify", dir)
	if code != exitOK || !strings.Contains(out, "all ") || !strings.Contains(out, "100%") || !strings.Contains(out, "false positives at high and above: 0") {
		t.Fatalf("verify: code %d\n%s\n%s", code, out, stderr)
	}
	// A scenario whose events were never written is missed.
	truth, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(truth), `"events": [`, `"events": ["no-such-event"],"x": [`, 1)
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI(t, "", "gen", "--verify", dir); code != exitFindings || !strings.Contains(out, "missed:") {
		t.Errorf("verify of a broken truth: code %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "", "gen", "--out", dir, "--clouds", "ibm"); code != exitUsage {
		t.Errorf("unknown cloud: code %d", code)
	}
}

// TestInventoryImportAndDiff: two imports a day apart, then diff: what was
// added, removed and changed shows, and the changes become findings.
func TestInventoryImportAndDiff(t *testing.T) {
	dir := filepath.Join("testdata", "inventory")
	db := filepath.Join(t.TempDir(), "inv.db")
	cfg := filepath.Join(dir, "config.yaml")
	code, _, stderr := runCLI(t, "", "inventory", "import", "--db", db, "--config", cfg, "--region", "eu-west-1",
		"--at", "2026-11-19T06:00:00Z", filepath.Join(dir, "day1-snapshots.json"))
	if code != exitOK || !strings.Contains(stderr, "2 added, 0 removed, 0 changed") {
		t.Fatalf("day 1: code %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "inventory", "import", "--db", db, "--config", cfg, "--region", "eu-west-1",
		"--at", "2026-11-20T06:00:00Z", "--output", "jsonl", "--fail-on", "high",
		filepath.Join(dir, "day2-snapshots.json"), filepath.Join(dir, "day2-attribute.json"))
	if code != exitFindings {
		t.Errorf("day 2 with --fail-on high: code %d", code)
	}
	for _, want := range []string{"1 added, 1 removed, 1 changed", "+ snapshot snap-0bbb000000000003", "- snapshot snap-0aaa000000000002", "~ snapshot snap-0aaa000000000001"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("day 2 stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, rule := range []string{"baseline-critical-copy", "baseline-shared-outside", "baseline-unencrypted"} {
		if !strings.Contains(out, `"id":"`+rule+`"`) {
			t.Errorf("day 2 findings lack %s:\n%s", rule, out)
		}
	}
	// diff over the same changes lists the same findings.
	code, again, _ := runCLI(t, "", "inventory", "diff", "--db", db, "--config", cfg, "--since", "2026-11-20T00:00:00Z", "--output", "jsonl")
	if code != exitOK || again != out {
		t.Errorf("diff: code %d\n%s\nwant\n%s", code, again, out)
	}
	if code, _, stderr := runCLI(t, "", "inventory", "import", "--db", db, filepath.Join(dir, "config.yaml")); code != exitBadInput || !strings.Contains(stderr, "config.yaml") {
		t.Errorf("a file that is no export: code %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "inventory", "collect", "--db", db); code != exitUsage {
		t.Errorf("collect without --cloud: code %d", code)
	}
}

// TestEntitlements: the AWS sample through the CLI — table, json and csv;
// --expected findings and --fail-on; --baseline against a previous json.
func TestEntitlements(t *testing.T) {
	auth := filepath.Join(testenv.Shared(t, "samples"), "iam", "aws", "cloudsplaining", "example-authz-details.json")
	expected := filepath.Join("testdata", "entitlements", "expected.yaml")
	code, out, stderr := runCLI(t, "", "entitlements", "--aws", auth, "--expected", expected, "--fail-on", "high")
	if code != exitFindings {
		t.Errorf("--fail-on high with unexpected admins: code %d\n%s", code, stderr)
	}
	for _, want := range []string{"user/obama", "admin-equivalent", "Unexpected holder", "held past its", "More admin-equivalent"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	code, js, _ := runCLI(t, "", "entitlements", "--aws", auth, "--output", "json")
	if code != exitOK || !strings.HasPrefix(strings.TrimSpace(js), "[") || !strings.Contains(js, `"verdict": "ALLOW"`) {
		t.Fatalf("json: code %d\n%.400s", code, js)
	}
	base := filepath.Join(t.TempDir(), "base.json")
	// Drop obama's grants from the baseline: this run must show them added.
	var grants []map[string]any
	if err := json.Unmarshal([]byte(js), &grants); err != nil {
		t.Fatal(err)
	}
	var kept []map[string]any
	for _, g := range grants {
		if !strings.HasSuffix(g["principal"].(string), "user/obama") {
			kept = append(kept, g)
		}
	}
	b, _ := json.Marshal(kept)
	if err := os.WriteFile(base, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "", "entitlements", "--aws", auth, "--baseline", base)
	if code != exitOK || !strings.Contains(out, "+ aws arn:aws:iam::012345678901:user/obama") {
		t.Errorf("baseline: code %d\n%s\n%s", code, out, stderr)
	}
	code, csvOut, _ := runCLI(t, "", "entitlements", "--aws", auth, "--output", "csv")
	if code != exitOK || !strings.HasPrefix(csvOut, "id,cloud,principal,principal_type,capability,verdict") {
		t.Errorf("csv: code %d\n%.200s", code, csvOut)
	}
	if code, _, _ := runCLI(t, "", "entitlements"); code != exitUsage {
		t.Errorf("no export: code %d", code)
	}
}

// TestEntitlementsEveryCloud: each cloud's exports go through the command.
func TestEntitlementsEveryCloud(t *testing.T) {
	ent := filepath.Join("..", "..", "internal", "entitlement")
	roles := t.TempDir()
	data, err := os.ReadFile(filepath.Join(ent, "gcp", "testdata", "and", "roles.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(roles, "roles.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	acme := filepath.Join(ent, "yandex", "testdata", "acme")
	yandex := []string{}
	files, _ := filepath.Glob(filepath.Join(acme, "*.json"))
	for _, f := range files {
		switch base := filepath.Base(f); {
		case strings.HasPrefix(base, "list-"):
			yandex = append(yandex, "--yandex-resources", f)
		case strings.HasPrefix(base, "members-"):
			group := strings.TrimSuffix(strings.TrimPrefix(base, "members-"), ".json")
			yandex = append(yandex, "--yandex-bindings", "members:"+group+"="+f)
		default:
			yandex = append(yandex, "--yandex-bindings", f)
		}
	}
	for name, args := range map[string][]string{
		"azure":     {"--azure-roles", filepath.Join(testenv.Shared(t, "samples"), "iam", "azure", "iam-dataset", "built-in-roles-raw.json")},
		"gcp":       {"--gcp-policy", filepath.Join(ent, "gcp", "testdata", "and", "project-p1.json"), "--gcp-roles", roles},
		"openstack": {"--openstack-assignments", filepath.Join(ent, "openstack", "testdata", "assignments.json"), "--openstack-policy", filepath.Join(ent, "openstack", "testdata", "policies", "or")},
		"vkcloud":   {"--vkcloud-bindings", filepath.Join(ent, "openstack", "testdata", "vk_members.json")},
		"yandex":    yandex,
	} {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"entitlements", "--output", "csv"}, args...)...)
			if code != exitOK || !strings.Contains(out, ","+name+",") || !strings.Contains(stderr, "grants") {
				t.Errorf("code %d\n%.300s\n%s", code, out, stderr)
			}
		})
	}
}

func TestHuntOutputsAndFailOn(t *testing.T) {
	in := record("e1", "aws-cli/2.0")
	code, out, _ := runCLI(t, in, "hunt", "--output", "jsonl", "--fail-on", "high", "-")
	if code != exitFindings {
		t.Errorf("--fail-on high with a high finding: code %d, want %d", code, exitFindings)
	}
	var f map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &f); err != nil || f["severity"] != "high" {
		t.Fatalf("jsonl finding: %v %s", err, out)
	}
	for _, k := range []string{"id", "rule", "severity", "attack", "time", "cloud", "account", "actors", "resources", "events", "summary"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	if code, _, _ := runCLI(t, in, "hunt", "--output", "jsonl", "--fail-on", "critical", "-"); code != exitOK {
		t.Errorf("--fail-on critical without a critical finding: code %d", code)
	}
	code, out, _ = runCLI(t, in, "hunt", "--output", "ocsf", "-")
	if code != exitOK || !strings.Contains(out, `"class_uid":2004`) {
		t.Errorf("ocsf: code %d, %s", code, out)
	}
	code, out, _ = runCLI(t, in, "hunt", "--lang", "ru", "-")
	if code != exitOK || !strings.Contains(out, "открыл доступ") {
		t.Errorf("--lang ru: code %d, %s", code, out)
	}
	for _, args := range [][]string{{"--output", "xml"}, {"--fail-on", "severe"}, {"--min-severity", "x"}, {"--lang", "de"}, {"--rules", "/nonexistent"}} {
		if code, _, stderr := runCLI(t, in, append(append([]string{"hunt"}, args...), "-")...); code != exitUsage {
			t.Errorf("%v: code %d, stderr %s", args, code, stderr)
		}
	}
}

func TestConfigExampleAndCheck(t *testing.T) {
	code, example, _ := runCLI(t, "", "config", "example")
	if code != exitOK || !strings.Contains(example, "trusted_accounts") {
		t.Fatalf("config example: code %d\n%s", code, example)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(good, []byte(example), 0o644)
	os.WriteFile(bad, []byte("critical:\n  - {cloud: awz, ids: [x]}\n"), 0o644)
	if code, out, stderr := runCLI(t, "", "config", "check", good); code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("check of the example: code %d, %s %s", code, out, stderr)
	}
	code, _, stderr := runCLI(t, "", "config", "check", bad)
	if code != exitUsage || !strings.Contains(stderr, "bad.yaml:2:") || !strings.Contains(stderr, `unknown cloud "awz"`) {
		t.Errorf("check of a bad file: code %d, stderr:\n%s", code, stderr)
	}
}

func TestRulesLintAndTest(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("title: t\nid: x1\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName|startwith: x\n  condition: sel\n"), 0o644)
	code, out, _ := runCLI(t, "", "rules", "lint", bad)
	if code != exitFindings || !strings.Contains(out, "bad.yml:6:") || !strings.HasSuffix(strings.TrimSpace(out), "loaded 0, rejected 1") {
		t.Errorf("lint of a bad rule: code %d\n%s", code, out)
	}
	good := filepath.Join(dir, "good.yml")
	os.WriteFile(good, []byte(`title: Snapshot shared
id: 11111111-2222-4333-8444-555555555555
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventSource: ec2.amazonaws.com, eventName: ModifySnapshotAttribute}
  condition: sel
level: high
tests:
  match:
    - {"eventVersion":"1.08","eventID":"a","eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"ModifySnapshotAttribute","awsRegion":"eu-west-1","recipientAccountId":"111122223333"}
  nomatch:
    - {"eventVersion":"1.08","eventID":"b","eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeSnapshots","awsRegion":"eu-west-1","recipientAccountId":"111122223333"}
`), 0o644)
	if code, out, _ := runCLI(t, "", "rules", "lint", good); code != exitOK || !strings.Contains(out, "loaded 1, rejected 0") {
		t.Errorf("lint of a good rule: code %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "rules", "test", good); code != exitOK || !strings.Contains(out, "1 passed, 0 failed") {
		t.Errorf("rules test: code %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "rules", "test"); code != exitOK || !strings.Contains(out, "0 failed") {
		t.Errorf("rules test of the built-in pack: code %d\n%s", code, out)
	}
}

func TestRulesFields(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules", "fields")
	for _, want := range []string{"share.external", "resource.critical", "actor.trusted", "ingress.admin_open", "snapshot.share"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("rules fields lacks %s (code %d)", want, code)
		}
	}
}

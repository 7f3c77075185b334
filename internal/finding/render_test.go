package finding_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name and rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// hostileFindings are findings over events whose log fields try to move the
// cursor, recolour the terminal, reverse text or forge rows.
func hostileFindings() []finding.Finding {
	at := func(m int) time.Time { return time.Date(2026, 3, 2, 9, m, 0, 0, time.UTC) }
	summary := map[string]string{
		"en": "{actor.name} shared {target} with {shares}",
		"ru": "{actor.name} открыл(а) доступ к {target} для {shares}",
	}
	share := &event.Event{
		ID: "ev-share", Time: at(23), Cloud: event.AWS, Account: "111122223333", Region: "eu-west-1",
		Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare,
		Actor: event.Actor{ID: "arn:aws:iam::111122223333:user/evil\x1b[2J\x1b[31m", Name: "evil\x1b]0;pwned\x07"},
		Resources: []event.Resource{
			{Role: event.RoleTarget, Type: event.Snapshot, ID: "snap-1\nCRITICAL  forged row"},
			{Role: event.RoleSharedWith, Type: event.AccountType, ID: "444455556666"},
		},
		Shares: []event.Share{{Target: "444455556666\u202egpj.exe", Kind: "account"}},
	}
	clone := &event.Event{
		ID: "ev-clone", Time: at(5), Cloud: event.Azure, Account: "0b1f6471-1bf0-4dda-aec3-111122223333",
		Operation: "Microsoft.Compute/snapshots/write", Action: event.SnapshotCreate,
		Actor: event.Actor{ID: "a11ce000-0000-4000-8000-000000000001", Name: "alice@contoso.example\u200b"},
		Resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Volume, ID: "/subscriptions/0b1f6471/resourcegroups/prod/providers/microsoft.compute/disks/db-disk"},
			{Role: event.RoleCreated, Type: event.Snapshot, ID: "/subscriptions/0b1f6471/resourcegroups/prod/providers/microsoft.compute/snapshots/copy\r\tx"},
		},
	}
	ingress := &event.Event{
		ID: "ev-ingress", Time: at(40), Cloud: event.GCP, Account: "acme-prod",
		Operation: "v1.compute.firewalls.insert", Action: event.IngressOpen,
		Actor:     event.Actor{ID: "attacker@gmail.com", Name: "attacker@gmail.com"},
		Resources: []event.Resource{{Role: event.RoleCreated, Type: event.FirewallRule, ID: "projects/acme-prod/global/firewalls/allow-ssh"}},
		Ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}},
	}
	backup := &event.Event{
		ID: "ev-backup", Time: at(1), Cloud: event.VKCloud, Account: "p-1",
		Operation: "create-backup", Action: event.BackupCreate,
		Actor: event.Actor{ID: "a1c3e5f7"},
	}

	out := []finding.Finding{
		finding.FromEvent(finding.RuleInfo{ID: "aws-snapshot-shared", Title: "Snapshot shared outside trusted accounts", Severity: finding.High, Attack: []string{"T1537"}}, share, summary),
		finding.FromEvent(finding.RuleInfo{ID: "critical-objects-clone", Title: "Critical object cloned\x1b[0m (PT-CR-2307)", Severity: finding.Critical, Attack: []string{"T1578.001"}}, clone,
			map[string]string{"en": "{actor.name} snapshotted critical {source}"}),
		finding.FromEvent(finding.RuleInfo{ID: "ingress-admin-port-world", Title: "Administrative port opened to the Internet", Severity: finding.Medium}, ingress,
			map[string]string{"en": "{actor} opened {ingress}", "ru": "{actor} открыл(а) {ingress}"}),
		finding.FromEvent(finding.RuleInfo{ID: "backup-created", Title: "Backup created", Severity: finding.Info, Attack: []string{"T1578.001"}}, backup,
			map[string]string{"en": "{actor} created a backup"}),
	}
	// A chain finding over two events, with its lifecycle fields.
	chain := finding.FromEvent(finding.RuleInfo{ID: "chain-copy-share", Title: "Copy then share", Kind: finding.KindChain, Severity: finding.High, Attack: []string{"T1578.001", "T1537"}}, clone,
		map[string]string{"en": "copied then shared"})
	chain.ID = finding.ID("chain-copy-share", clone.ID, share.ID)
	chain.Events = append(chain.Events, out[0].Events[0])
	chain.Actors = append(chain.Actors, out[0].Actors...)
	chain.ActorNames[out[0].Actors[0]] = out[0].ActorNames[out[0].Actors[0]]
	chain.Status, chain.Revision = finding.StatusOpen, 2
	chain.Suppression = &finding.Suppression{Reason: "scan\x1b[31m", By: "ops", Expires: "2027-12-31"}
	return append(out, chain)
}

func TestJSONL_Golden(t *testing.T) {
	var b bytes.Buffer
	emit := finding.JSONL(&b)
	for _, f := range hostileFindings() {
		if err := emit(f); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "findings.golden.jsonl", b.Bytes())
	assertNoRawControls(t, b.String(), false)
}

func TestOCSF_Golden(t *testing.T) {
	var b bytes.Buffer
	emit := finding.OCSF(&b, "v0.3.0-test")
	for _, f := range hostileFindings() {
		if err := emit(f); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "findings.ocsf.golden.jsonl", b.Bytes())
	assertNoRawControls(t, b.String(), false)
}

func TestTable_Golden(t *testing.T) {
	tests := []struct {
		name string
		opts finding.TableOptions
	}{
		{"table", finding.TableOptions{}},
		{"table-color", finding.TableOptions{Color: true}},
		{"table-ru", finding.TableOptions{Lang: "ru"}},
		{"table-max2", finding.TableOptions{Max: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			tab := finding.NewTable(&b, tt.opts)
			// Emit in an order unlike the output's, to show the table sorts.
			for _, f := range hostileFindings() {
				if err := tab.Emit(f); err != nil {
					t.Fatal(err)
				}
			}
			if err := tab.Close(); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".golden", b.Bytes())
			if n := b.Len(); tab.Close() != nil || b.Len() != n {
				t.Error("a second Close printed again")
			}
			assertNoRawControls(t, b.String(), tt.opts.Color)
		})
	}
}

func TestTable_Empty(t *testing.T) {
	var b bytes.Buffer
	if err := finding.NewTable(&b, finding.TableOptions{}).Close(); err != nil || b.String() != "no findings\n" {
		t.Errorf("empty table: %q, %v", b.String(), err)
	}
}

// assertNoRawControls fails when out holds a control or invisible
// formatting character other than newlines (and, with colour, the table's
// own SGR sequences).
func assertNoRawControls(t *testing.T, out string, color bool) {
	t.Helper()
	if color {
		for _, sgr := range []string{"\x1b[2m", "\x1b[36m", "\x1b[33m", "\x1b[31m", "\x1b[1;31m", "\x1b[0m"} {
			out = strings.ReplaceAll(out, sgr, "")
		}
	}
	for i, r := range out {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u200b' || r == '\u202e' || r == '\u2028' {
			t.Errorf("raw control U+%04X at byte %d: %q", r, i, out[max(0, i-30):min(len(out), i+30)])
			return
		}
	}
}

// TestSinks_Concurrent: parallel workers may share a sink; every line stays
// whole and the table counts every finding.
func TestSinks_Concurrent(t *testing.T) {
	var jb, tb bytes.Buffer
	jsonl := finding.JSONL(&jb)
	tab := finding.NewTable(&tb, finding.TableOptions{Max: 3})
	fs := hostileFindings()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, f := range fs {
				if err := jsonl(f); err != nil {
					t.Error(err)
				}
				if err := tab.Emit(f); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(jb.String(), "\n"), "\n")
	if len(lines) != 8*len(fs) {
		t.Errorf("%d lines, want %d", len(lines), 8*len(fs))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("broken line %q", l)
		}
	}
	if err := tab.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "40 findings: 8 critical, 16 high, 8 medium, 8 info") || !strings.Contains(tb.String(), "and 37 more findings") {
		t.Errorf("table:\n%s", tb.String())
	}
}

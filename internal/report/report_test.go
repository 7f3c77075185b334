package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/report"
	"github.com/snapwarden/snapwarden/internal/scan"
)

func TestActivity(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 11, 20, 2, m, 0, 0, time.UTC) }
	a := &report.Activity{Max: 3}
	a.Add(&event.Event{ID: "read", Time: at(0), Cloud: event.AWS}) // no action: not kept
	a.Add(&event.Event{ID: "2", Time: at(5), Cloud: event.AWS, Account: "111122223333", Action: event.SnapshotShare, Outcome: event.Success,
		Actor:     event.Actor{Name: "svc-maint\x1b[31m"},
		Resources: []event.Resource{{Role: event.RoleTarget, Type: event.Snapshot, ID: "snap-1"}, {Role: event.RoleSharedWith, Type: event.AccountType, ID: "444455556666"}},
		Shares:    []event.Share{{Target: "444455556666", Kind: "account"}}})
	a.Add(&event.Event{ID: "1", Time: at(1), Cloud: event.Azure, Action: event.IngressOpen, Outcome: event.Failure,
		Resources: []event.Resource{{Role: event.RoleTarget, Type: event.SecurityGroup, ID: "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-1"}},
		Ingress:   []event.Ingress{{Protocol: "tcp", FromPort: 22, ToPort: 22, Source: "0.0.0.0/0"}}})
	a.Add(&event.Event{ID: "3", Time: at(9), Cloud: event.GCP, Action: event.VolumeRestore})
	a.Add(&event.Event{ID: "4", Time: at(9), Cloud: event.GCP, Action: event.VolumeAttach})
	var b bytes.Buffer
	a.Write(&b)
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want header, 3 rows and a note:\n%s", len(lines), out)
	}
	if !strings.HasPrefix(lines[0], "TIME (UTC)") || !strings.Contains(lines[1], "network.ingress.open") || !strings.Contains(lines[2], "snapshot.share") {
		t.Errorf("rows out of time order:\n%s", out)
	}
	for _, want := range []string{"FAILED", "tcp/22 from 0.0.0.0/0", ".../networksecuritygroups/nsg-1", "→ 444455556666", "and 1 more events"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "shared-with account") {
		t.Errorf("escape or duplicated share target in the table:\n%q", out)
	}
}

func TestSummary(t *testing.T) {
	s := scan.Summary{Files: 3, Bytes: 2 << 20, Records: 10, Events: 9, Malformed: 1, FilesFailed: 1, UnknownFiles: 1,
		PerCloud:  map[event.Cloud]int{event.AWS: 9},
		PerAction: map[event.Cloud]map[event.Action]int{event.AWS: {event.SnapshotCreate: 2, event.SnapshotShare: 1}}}
	var b bytes.Buffer
	report.Summary(&b, s, time.Second)
	out := b.String()
	for _, want := range []string{"read 3 files (2.0 MB) in 1s, 2.0 MB/s: 10 records, 9 events", "aws", "snapshot.create 2, snapshot.share 1",
		"bad input: 1 malformed records, 1 files cut short or unreadable, 1 files in no known format"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestActivitySlashIDs(t *testing.T) {
	a := &report.Activity{}
	a.Add(&event.Event{ID: "x", Cloud: event.Azure, Action: event.VolumeRestore,
		Resources: []event.Resource{{Role: event.RoleCreated, Type: event.Volume, ID: "////"}}})
	var b bytes.Buffer
	a.Write(&b) // must not panic on an id of slashes
	if !strings.Contains(b.String(), "////") {
		t.Errorf("id lost:\n%s", b.String())
	}
}

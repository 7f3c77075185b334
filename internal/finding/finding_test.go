package finding_test

import (
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
)

func TestID(t *testing.T) {
	a := finding.ID("rule-1", "e1", "e2")
	if a != finding.ID("rule-1", "e1", "e2") {
		t.Error("ID is not stable")
	}
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("ID = %q, want 32 hex digits", a)
	}
	// Ids are how stores and sinks recognise a finding again: they must
	// not change between versions. (sha256 of "rule-1\x00e1\x00e2", by
	// sha256sum.)
	if want := "b967c78aa9a31a31300ece57bff5cf2b"; a != want {
		t.Errorf("ID = %s, want %s as in earlier versions", a, want)
	}
	distinct := []string{
		a,
		finding.ID("rule-1", "e2", "e1"), // order matters: the key events are in order
		finding.ID("rule-2", "e1", "e2"),
		finding.ID("rule-1", "e1e2"),
		finding.ID("rule-1e1", "e2"),
		finding.ID("rule-1"),
		finding.ID("rule-1", ""),
	}
	for i := range distinct {
		for j := range i {
			if distinct[i] == distinct[j] {
				t.Errorf("case %d and %d share the id %s", i, j, distinct[i])
			}
		}
	}
}

func TestAttackIDs(t *testing.T) {
	tests := []struct {
		tags []string
		want []string
	}{
		{[]string{"attack.t1578.001", "attack.defense-evasion"}, []string{"T1578.001"}},
		{[]string{"attack.T1537", "attack.exfiltration", "attack.t1537", " attack.t1098.003 "}, []string{"T1537", "T1098.003"}},
		{[]string{"attack.g0016", "attack.s0002", "attack.t15", "attack.t1578.1", "attack.t1578.0011", "attack.txxxx", "cve.2021-1234", "detection.threat-hunting"}, nil},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := finding.AttackIDs(tt.tags); !slices.Equal(got, tt.want) {
			t.Errorf("AttackIDs(%q) = %q, want %q", tt.tags, got, tt.want)
		}
	}
}

func TestFromEvent(t *testing.T) {
	ev := shareEvent()
	ev.Region = "eu-west-1"
	r := finding.RuleInfo{ID: "aws-snapshot-shared", Title: "Snapshot shared outside trusted accounts", Severity: finding.High, Attack: []string{"T1537"}}
	f := finding.FromEvent(r, ev, map[string]string{"en": "{actor.name} shared {target} with {shares}", "ru": "{actor.name} открыл(а) {target} для {shares}"})

	if f.ID != finding.ID("aws-snapshot-shared", "e1") {
		t.Errorf("ID = %s", f.ID)
	}
	if f.Rule != (finding.Rule{ID: r.ID, Title: r.Title, Kind: finding.KindDetection}) {
		t.Errorf("Rule = %+v (an empty kind should become detection)", f.Rule)
	}
	if !f.Time.Equal(ev.Time) || f.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v in UTC", f.Time, ev.Time)
	}
	if f.Severity != finding.High || f.Cloud != event.AWS || f.Account != "111122223333" || f.Region != "eu-west-1" {
		t.Errorf("context = %v %v %v %v", f.Severity, f.Cloud, f.Account, f.Region)
	}
	if !slices.Equal(f.Actors, []string{"arn:aws:iam::111122223333:user/alice"}) || f.ActorNames["arn:aws:iam::111122223333:user/alice"] != "alice" {
		t.Errorf("Actors = %q, names %q", f.Actors, f.ActorNames)
	}
	wantRes := []finding.Resource{{Type: event.Snapshot, ID: "snap-1"}, {Type: event.AccountType, ID: "444455556666"}}
	if !slices.Equal(f.Resources, wantRes) {
		t.Errorf("Resources = %+v, want %+v", f.Resources, wantRes)
	}
	wantEv := finding.EventRef{ID: "e1", Time: ev.Time.UTC(), Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare, Actor: "arn:aws:iam::111122223333:user/alice"}
	if len(f.Events) != 1 || f.Events[0] != wantEv {
		t.Errorf("Events = %+v, want %+v", f.Events, wantEv)
	}
	if f.Summary["en"] != "alice shared snap-1 with 444455556666, public" || f.Summary["ru"] != "alice открыл(а) snap-1 для 444455556666, public" {
		t.Errorf("Summary = %q", f.Summary)
	}
	if f.SummaryIn("ru") != f.Summary["ru"] || f.SummaryIn("de") != f.Summary["en"] {
		t.Error("SummaryIn does not fall back to English")
	}

	// The finding owns its data: changing the rule or event later does not reach it.
	r.Attack[0] = "changed"
	ev.Resources[0].ID = "changed"
	if f.Attack[0] != "T1537" || f.Resources[0].ID != "snap-1" {
		t.Error("FromEvent shares memory with its inputs")
	}

	// An actor known only by name keeps the name as its id.
	f2 := finding.FromEvent(r, &event.Event{ID: "e2", Actor: event.Actor{Name: "alice@example.ru"}}, nil)
	if !slices.Equal(f2.Actors, []string{"alice@example.ru"}) || f2.ActorNames != nil || f2.Events[0].Actor != "alice@example.ru" {
		t.Errorf("name-only actor: %q %q %+v", f2.Actors, f2.ActorNames, f2.Events)
	}
}

func TestFinding_MarshalJSON(t *testing.T) {
	f := finding.Finding{ID: "x", Severity: finding.Info, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Region: "hidden", ActorNames: map[string]string{"a": "b"}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"x","rule":{"id":"","title":"","kind":""},"severity":"info","attack":[],"time":"2026-01-02T03:04:05Z","cloud":"","account":"","actors":[],"resources":[],"events":[],"summary":{}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	f.Status, f.Revision, f.Suppression = finding.StatusSuppressed, 2, &finding.Suppression{Reason: "scanner", By: "ops", Expires: "2027-12-31"}
	b, _ = json.Marshal(f)
	if !strings.HasSuffix(string(b), `"summary":{},"status":"suppressed","revision":2,"suppression":{"reason":"scanner","by":"ops","expires":"2027-12-31"}}`) {
		t.Errorf("lifecycle fields: %s", b)
	}
	var back finding.Finding
	if err := json.Unmarshal(b, &back); err != nil || back.Severity != finding.Info || back.Status != finding.StatusSuppressed {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestSort(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 1, 1, 0, m, 0, 0, time.UTC) }
	fs := []finding.Finding{
		{ID: "b", Severity: finding.Low, Time: at(1)},
		{ID: "a", Severity: finding.High, Time: at(5)},
		{ID: "c", Severity: finding.Low, Time: at(1)},
		{ID: "d", Severity: finding.Critical, Time: at(9)},
		{ID: "e", Severity: finding.High, Time: at(2)},
		{ID: "f", Severity: finding.Low, Time: at(0)},
	}
	finding.Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.ID)
	}
	if want := []string{"d", "e", "a", "f", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestFinding_LogValue(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, nil))
	f := hostileFindings()[0]
	log.Info("finding", "finding", f)
	if strings.ContainsAny(b.String(), "\x1b\x07") || !strings.Contains(b.String(), "finding.rule=aws-snapshot-shared") {
		t.Errorf("log line: %q", b.String())
	}
}

package hunt_test

import (
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/rule"
)

// TestBuiltinRules runs every built-in rule's own tests through the real
// engine, with the configuration the tests assume.
func TestBuiltinRules(t *testing.T) {
	cfg, err := hunt.BuiltinTestConfig()
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := hunt.BuiltinRules()
	if len(errs) > 0 {
		t.Fatalf("built-in rules do not load:\n%s", errs.Lines())
	}
	if len(rs) < 8 {
		t.Fatalf("%d built-in rules, want the whole pack", len(rs))
	}
	results, errs := hunt.RunTests(rs, hunt.Options{Config: cfg})
	if len(errs) > 0 {
		t.Fatalf("built-in rules do not compile:\n%s", errs.Lines())
	}
	for _, res := range results {
		t.Run(res.Rule.ID, func(t *testing.T) {
			if len(res.Failures) > 0 {
				t.Error(strings.Join(res.Failures, "\n"))
			}
			if res.Passed == 0 {
				t.Error("no test passed")
			}
			if res.Rule.Kind != rule.KindChain && (res.Rule.Summary["en"] == "" || res.Rule.Summary["ru"] == "") {
				t.Error("summary must be given in en and ru")
			}
		})
	}
}

// TestNew_summaryPlaceholders: a detection rule whose summary names a
// placeholder Render does not fill is refused, with its file and line.
func TestNew_summaryPlaceholders(t *testing.T) {
	rs, errs := rule.Parse("share.yml", []byte(`title: Shared
id: r-share
logsource: {product: snapwarden}
detection: {s: {action: snapshot.share}, condition: s}
summary:
  en: "{actor.name} shared {target|source} with {shares}"
  ru: "{actr} открыл доступ к {target|sorce}"
`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, errs = hunt.New(rs, hunt.Options{})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "share.yml:1:1") ||
		!strings.Contains(errs[0].Error(), "summary ru: unknown placeholder {actr}, {target|sorce}") {
		t.Errorf("errors %v, want one for the ru summary", errs)
	}
}

// TestTrustedAccountGlobs: trusted_accounts patterns decide share.external.
func TestTrustedAccountGlobs(t *testing.T) {
	cfg, err := config.Parse(strings.NewReader(`trusted_accounts: ["4444*", "*@northwind.example"]`), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, errs := hunt.BuiltinRules()
	d, cerrs := hunt.New(rs, hunt.Options{Config: cfg})
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	w := d.NewWorker()
	titles := func(target string) []string {
		ev := &event.Event{ID: "e", Cloud: event.AWS, Action: event.SnapshotShare, Outcome: event.Success,
			Shares: []event.Share{{Target: target, Kind: "account"}}}
		var out []string
		w.Findings(ev, func(f finding.Finding) error { out = append(out, f.Rule.Title); return nil })
		return out
	}
	for target, outside := range map[string]bool{"444455556666": false, "alice@northwind.example": false, "555566667777": true} {
		got := strings.Join(titles(target), "; ")
		if strings.Contains(got, "outside") != outside {
			t.Errorf("share to %s: findings %q, outside %v", target, got, outside)
		}
	}
}

// TestCriticalByLearnedTags: a volume created with a critical tag makes a
// later snapshot of it a critical clone, in another event.
func TestCriticalByLearnedTags(t *testing.T) {
	cfg, err := config.Parse(strings.NewReader("critical:\n  - {tags: {criticality: high}}\n"), "test.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := hunt.BuiltinRules()
	d, errs := hunt.New(rs, hunt.Options{Config: cfg})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w := d.NewWorker()
	critical := func(ev *event.Event) bool {
		found := false
		w.Findings(ev, func(f finding.Finding) error {
			found = found || strings.Contains(f.Rule.Title, "critical")
			return nil
		})
		return found
	}
	snap := &event.Event{ID: "s1", Cloud: event.AWS, Action: event.SnapshotCreate, Outcome: event.Success,
		Resources: []event.Resource{{Role: event.RoleSource, Type: event.Volume, ID: "vol-1"}}}
	if critical(snap) {
		t.Fatal("untagged volume is critical")
	}
	create := &event.Event{ID: "c1", Cloud: event.AWS, Action: event.VolumeCreate, Outcome: event.Success}
	create.TagResource(event.RoleCreated, event.Volume, "vol-1", map[string]string{"criticality": "high", "team": "db"})
	critical(create)
	snap.ID = "s2"
	if !critical(snap) {
		t.Error("a snapshot of a volume created with criticality=high is not a critical clone")
	}
	other := &event.Event{ID: "s3", Cloud: event.GCP, Action: event.SnapshotCreate, Outcome: event.Success,
		Resources: []event.Resource{{Role: event.RoleSource, Type: event.Volume, ID: "vol-1"}}}
	if critical(other) {
		t.Error("tags learned on one cloud applied to another")
	}
}

// TestNew_skipsRulesBelowMin: a rule whose findings would all be below the
// minimum severity is not evaluated, unless a correlation rule counts its
// matches.
func TestNew_skipsRulesBelowMin(t *testing.T) {
	const low = `title: Low
id: r-low
logsource: {product: snapwarden}
detection: {s: {action: snapshot.create}, condition: s}
level: low
---
title: Medium
id: r-medium
logsource: {product: snapwarden}
detection: {s: {action: snapshot.create}, condition: s}
level: medium
`
	const burst = `
---
title: Burst
id: r-burst
correlation: {type: event_count, rules: [r-low], group-by: [actor.id], timespan: 1h, condition: {gte: 2}}
level: high
`
	ev := &event.Event{ID: "e", Cloud: event.AWS, Action: event.SnapshotCreate, Outcome: event.Success, Actor: event.Actor{ID: "a"}}
	for _, tc := range []struct {
		name             string
		yaml             string
		min              finding.Severity
		skipped          int
		candidates, hits int64
		findings         string
	}{
		{"low shown", low, finding.Low, 0, 2, 2, "r-low r-medium"},
		{"low below", low, finding.Medium, 1, 1, 1, "r-medium"},
		{"low counted by a correlation", low + burst, finding.Medium, 0, 2, 2, "r-medium"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, errs := rule.Parse("rules.yml", []byte(tc.yaml))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			d, errs := hunt.New(rs, hunt.Options{MinSeverity: tc.min})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			w := d.NewWorker()
			var ids []string
			if err := w.Findings(ev, func(f finding.Finding) error { ids = append(ids, f.Rule.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			c := w.Counts()
			if d.Skipped() != tc.skipped || c.Candidates != tc.candidates || c.Hits != tc.hits || strings.Join(ids, " ") != tc.findings {
				t.Errorf("skipped %d, candidates %d, hits %d, findings %q; want %d, %d, %d, %q",
					d.Skipped(), c.Candidates, c.Hits, ids, tc.skipped, tc.candidates, tc.hits, tc.findings)
			}
		})
	}
}

// TestWorker_allowExpiryFollowsClock: without a fixed Now, an allow entry
// is judged at the time of each check, so a detector that runs for days
// (serve) stops suppressing once the entry's day is over.
func TestWorker_allowExpiryFollowsClock(t *testing.T) {
	cfg, err := config.Parse(strings.NewReader(`allow: [{rule: "*", actor: "a", reason: "maintenance", expires: 2026-11-30}]`), "test.yaml")
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	rs, _ := hunt.BuiltinRules()
	d, errs := hunt.New(rs, hunt.Options{Config: cfg, MinSeverity: finding.Info, Clock: func() time.Time { return now }})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	w := d.NewWorker()
	count := func() int {
		n := 0
		ev := &event.Event{ID: "e", Cloud: event.AWS, Action: event.SnapshotCreate, Outcome: event.Success, Actor: event.Actor{ID: "a"}}
		w.Findings(ev, func(finding.Finding) error { n++; return nil })
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("%d findings on the entry's last day, want it to suppress them", n)
	}
	now = now.Add(2 * time.Minute)
	if n := count(); n == 0 {
		t.Error("no finding the day after the entry expired")
	}
}

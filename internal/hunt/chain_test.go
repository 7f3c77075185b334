package hunt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

// exampleEvents decodes examples/<dir> (all of examples/ for "") into
// normalized events.
func exampleEvents(t *testing.T, dir string) []*event.Event {
	t.Helper()
	inputs, _, err := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples", dir)})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		out []*event.Event
	)
	opts := scan.Options{Formats: formats.All(), Problem: func(p scan.Problem) { t.Errorf("bad input: %v", p.Err) }}
	_, err = scan.Run(context.Background(), inputs, opts, nil, func() scan.Emit {
		return func(ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			out = append(out, ev.Clone())
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b *event.Event) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func chainDetector(t *testing.T, cfg *config.Config) *hunt.Detector {
	t.Helper()
	rs, errs := hunt.BuiltinRules()
	d, cerrs := hunt.New(rs, hunt.Options{Config: cfg, MinSeverity: finding.Info})
	if len(errs)+len(cerrs) > 0 {
		t.Fatal(errs, cerrs)
	}
	return d
}

// chainFindings runs events, in the order given, through one worker and the
// correlator, and returns the chain findings.
func chainFindings(t *testing.T, d *hunt.Detector, events []*event.Event) []finding.Finding {
	t.Helper()
	c := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir(), MaxBytes: 4 << 10})
	w := d.NewWorker()
	c.Attach(w)
	for _, ev := range events {
		if err := w.Findings(ev, func(finding.Finding) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	var out []finding.Finding
	if err := c.Finish(context.Background(), func(f finding.Finding) error {
		if f.Rule.Kind == finding.KindChain {
			out = append(out, f)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(f finding.Finding) []string {
	var out []string
	for _, e := range f.Events {
		if !slices.Contains(out, string(e.Action)) {
			out = append(out, string(e.Action))
		}
	}
	slices.Sort(out)
	return out
}

// TestChains_Examples: the attack in each cloud's example logs is found as
// a chain, with the steps and the severity the story gives it.
func TestChains_Examples(t *testing.T) {
	d := chainDetector(t, nil)
	for _, tc := range []struct {
		cloud    string
		severity finding.Severity
		actions  []string // the chain holds at least these
	}{
		{"aws", finding.Critical, []string{"network.ingress.open", "snapshot.create", "snapshot.share", "volume.attach", "volume.restore"}},
		{"aws", finding.High, []string{"db.restore", "db.snapshot.create", "db.snapshot.share"}},
		{"azure", finding.Critical, []string{"instance.create", "network.ingress.open", "snapshot.create", "snapshot.export", "volume.restore"}},
		{"gcp", finding.Critical, []string{"network.ingress.open", "snapshot.create", "snapshot.share", "volume.attach", "volume.restore"}},
		{"openstack", finding.Critical, []string{"network.ingress.open", "snapshot.create", "volume.attach", "volume.restore"}},
		{"openstack", finding.High, []string{"image.create", "image.download", "image.share"}},
		{"vkcloud", finding.Critical, []string{"network.ingress.open", "snapshot.create", "volume.attach", "volume.restore"}},
		{"vkcloud", finding.High, []string{"image.create", "image.share"}},
		{"yandex", finding.Critical, []string{"network.ingress.open", "snapshot.create", "volume.attach", "volume.restore"}},
	} {
		t.Run(tc.cloud+"/"+tc.severity.String(), func(t *testing.T) {
			fs := chainFindings(t, d, exampleEvents(t, tc.cloud))
			var got []string
			for _, f := range fs {
				got = append(got, f.Severity.String()+" "+strings.Join(actions(f), ","))
				if f.Severity != tc.severity {
					continue
				}
				if have := actions(f); !containsAll(have, tc.actions) {
					continue
				}
				if f.Revision < 1 || f.Rule.Kind != finding.KindChain || !strings.Contains(f.Summary["en"], "copied") || f.Summary["ru"] == "" {
					t.Errorf("chain %s: revision %d, summary %q", f.ID, f.Revision, f.Summary)
				}
				return
			}
			t.Errorf("no %s chain with %v; chains found:\n%s", tc.severity, tc.actions, strings.Join(got, "\n"))
		})
	}
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

var restores = []event.Action{event.VolumeRestore, event.DBRestore, event.BackupRestore}

// TestChains_NegativeTwins changes each cloud's attack the way benign work
// differs from it; no chain may then hold a restore (the share-only chains
// remain, as they should).
func TestChains_NegativeTwins(t *testing.T) {
	d := chainDetector(t, nil)
	twins := map[string]func(evs []*event.Event) []*event.Event{
		"same actor throughout": func(evs []*event.Event) []*event.Event {
			var out []*event.Event
			for _, ev := range evs {
				if ev.Action == event.PrincipalCreate || ev.Action == event.CredentialCreate || ev.Action == event.RoleAssign {
					continue
				}
				ev.Actor = event.Actor{ID: "ops-automation", Name: "ops-automation"}
				out = append(out, ev)
			}
			return out
		},
		"failed restores": func(evs []*event.Event) []*event.Event {
			for _, ev := range evs {
				if slices.Contains(restores, ev.Action) {
					ev.Outcome, ev.Error = event.Failure, "AccessDenied"
				}
			}
			return evs
		},
		"restores outside the window": func(evs []*event.Event) []*event.Event {
			for _, ev := range evs {
				if slices.Contains(restores, ev.Action) {
					ev.Time = ev.Time.Add(25 * time.Hour)
				}
			}
			return evs
		},
	}
	for _, cloud := range []string{"aws", "azure", "gcp", "openstack", "vkcloud", "yandex"} {
		for name, twin := range twins {
			t.Run(cloud+"/"+name, func(t *testing.T) {
				for _, f := range chainFindings(t, d, twin(exampleEvents(t, cloud))) {
					for _, a := range restores {
						if slices.Contains(actions(f), string(a)) {
							t.Errorf("chain %s (%s) still holds %s: %s", f.ID, f.Severity, a, f.Summary["en"])
						}
					}
				}
			})
		}
	}
}

// TestChains_BenignInitiator: an allow entry for the chain rule that covers
// every actor of a chain suppresses it; one covering only some does not.
func TestChains_BenignInitiator(t *testing.T) {
	events := exampleEvents(t, "aws")
	parse := func(text string) *config.Config {
		cfg, err := config.Parse(strings.NewReader(text), "test.yaml")
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	all := parse(`allow: [{rule: "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a10", actor: "*", reason: "lab account", expires: 2099-12-31}]`)
	if fs := chainFindings(t, chainDetector(t, all), events); len(fs) != 0 {
		t.Errorf("%d chains despite an allow entry for every actor", len(fs))
	}
	rs, _ := hunt.BuiltinRules()
	d, _ := hunt.New(rs, hunt.Options{Config: all, ShowSuppressed: true})
	fs := chainFindings(t, d, events)
	if len(fs) == 0 || fs[0].Status != finding.StatusSuppressed || fs[0].Suppression == nil || fs[0].Suppression.Reason != "lab account" || fs[0].Suppression.Expires != "2099-12-31" {
		t.Errorf("--show-suppressed: %+v", fs)
	}
	some := parse(`allow: [{rule: "*", actor: "arn:aws:iam::111122223333:user/svc-maint", reason: "maintenance"}]`)
	if fs := chainFindings(t, chainDetector(t, some), events); len(fs) == 0 {
		t.Error("an allow entry for one actor of the chain suppressed it")
	}
}

// TestChains_AnyOrder: every order of the records of all clouds gives the
// same chains, in the same final state.
func TestChains_AnyOrder(t *testing.T) {
	d := chainDetector(t, nil)
	events := exampleEvents(t, "")
	render := func(fs []finding.Finding) string {
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := render(chainFindings(t, d, events))
	if len(want) < 100 {
		t.Fatalf("too few chains to compare: %s", want)
	}
	for seed := range uint64(5) {
		evs := slices.Clone(events)
		r := rand.New(rand.NewPCG(seed, 7))
		r.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		if got := render(chainFindings(t, d, evs)); got != want {
			t.Errorf("seed %d: findings differ from the sorted run\n got %s\nwant %s", seed, got, want)
		}
	}
}

// TestChains_DefaultAllow: GuardDuty's malware scan (snapshot by its
// service-linked role, shared with the service's account, restored there)
// is suppressed by the default configuration and found once `allow: []`
// removes the default entries.
func TestChains_DefaultAllow(t *testing.T) {
	const slr = "arn:aws:iam::111122223333:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
	at := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
	events := []*event.Event{
		{ID: "gd1", Time: at, Cloud: event.AWS, Account: "111122223333", Operation: "CreateSnapshot", Action: event.SnapshotCreate, Outcome: event.Success,
			Actor:     event.Actor{ID: slr, Type: "AssumedRole"},
			Resources: []event.Resource{{Role: event.RoleSource, Type: event.Volume, ID: "vol-1"}, {Role: event.RoleCreated, Type: event.Snapshot, ID: "snap-gd"}}},
		{ID: "gd2", Time: at.Add(time.Minute), Cloud: event.AWS, Account: "111122223333", Operation: "ModifySnapshotAttribute", Action: event.SnapshotShare, Outcome: event.Success,
			Actor:     event.Actor{ID: slr, Type: "AssumedRole"},
			Resources: []event.Resource{{Role: event.RoleTarget, Type: event.Snapshot, ID: "snap-gd"}},
			Shares:    []event.Share{{Target: "999988887777", Kind: "account"}}},
		{ID: "gd3", Time: at.Add(2 * time.Minute), Cloud: event.AWS, Account: "111122223333", Operation: "SharedSnapshotVolumeCreated", Action: event.VolumeRestore, Outcome: event.Success,
			Actor:     event.Actor{ID: "guardduty.amazonaws.com", Type: "AWSService"},
			Resources: []event.Resource{{Role: event.RoleSource, Type: event.Snapshot, ID: "snap-gd"}}},
	}
	if fs := chainFindings(t, chainDetector(t, config.Default()), events); len(fs) != 0 {
		t.Errorf("the default allow-list let the GuardDuty scan through: %+v", fs)
	}
	cfg, err := config.Parse(strings.NewReader("allow: []\n"), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fs := chainFindings(t, chainDetector(t, cfg), events)
	if len(fs) != 1 || fs[0].Severity != finding.High {
		t.Errorf("without the default entries: %+v, want one high chain", fs)
	}
}

// TestChains_CriticalByLineage: with the examples' configuration (prod-db-*
// critical), the RDS snapshot shared outside is a critical chain: the copy
// of a critical database is critical.
func TestChains_CriticalByLineage(t *testing.T) {
	cfg, err := config.Load(filepath.Join(testenv.RepoRoot(t), "examples", "snapwarden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range chainFindings(t, chainDetector(t, cfg), exampleEvents(t, "aws")) {
		if slices.Contains(actions(f), "db.snapshot.share") {
			if f.Severity != finding.Critical || !strings.HasPrefix(f.Summary["en"], "critical resource:") {
				t.Errorf("RDS chain of prod-db-orders: %s %q", f.Severity, f.Summary["en"])
			}
			return
		}
	}
	t.Error("no RDS chain")
}

// TestChains_Restart: a chain begun in one run (copy and share) is
// continued by the next run over later logs, through the store: same id,
// a higher revision, the full chain's severity.
func TestChains_Restart(t *testing.T) {
	events := exampleEvents(t, "aws")
	var cut time.Time
	for _, ev := range events {
		if ev.Action == event.VolumeRestore && (cut.IsZero() || ev.Time.Before(cut)) {
			cut = ev.Time
		}
	}
	var before, after []*event.Event
	for _, ev := range events {
		if ev.Time.Before(cut) {
			before = append(before, ev)
		} else {
			after = append(after, ev)
		}
	}
	dbFile := filepath.Join(t.TempDir(), "state.db")
	run := func(evs []*event.Event) []finding.Finding {
		db, err := store.Open(context.Background(), dbFile)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		d := chainDetector(t, nil)
		c := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir(), Store: db})
		w := d.NewWorker()
		c.Attach(w)
		for _, ev := range evs {
			w.Findings(ev, func(finding.Finding) error { return nil })
		}
		var out []finding.Finding
		if err := c.Finish(context.Background(), func(f finding.Finding) error {
			out = append(out, f)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := run(before)
	var begun *finding.Finding
	for i, f := range first {
		if slices.Contains(actions(f), "snapshot.share") && !slices.Contains(actions(f), "db.snapshot.share") {
			begun = &first[i]
		}
	}
	if begun == nil || begun.Severity != finding.High {
		t.Fatalf("first run: no high chain with the EBS share: %+v", first)
	}
	for _, f := range run(after) {
		if f.ID != begun.ID {
			continue
		}
		if f.Severity != finding.Critical || f.Revision <= begun.Revision || !containsAll(actions(f), []string{"snapshot.create", "volume.restore", "network.ingress.open"}) {
			t.Errorf("second run: %s revision %d (first %d), actions %v", f.Severity, f.Revision, begun.Revision, actions(f))
		}
		return
	}
	t.Errorf("the second run did not continue chain %s", begun.ID)
}

// TestCorrelation_Burst: the built-in correlation (many copies by one
// principal in a short window) fires through the hunt pipeline in any
// order of its events, and its base rule makes no finding of its own.
func TestCorrelation_Burst(t *testing.T) {
	d := chainDetector(t, nil)
	var events []*event.Event
	for i := range 30 {
		events = append(events, &event.Event{ID: fmt.Sprintf("b%02d", i), Time: t0.Add(time.Duration(i) * 10 * time.Second),
			Cloud: event.AWS, Account: "111122223333", Operation: "CreateSnapshot", Action: event.SnapshotCreate, Outcome: event.Success,
			Actor:     event.Actor{ID: "arn:aws:iam::111122223333:user/mallory"},
			Resources: []event.Resource{{Role: event.RoleSource, Type: event.Volume, ID: fmt.Sprintf("vol-%d", i)}, {Role: event.RoleCreated, Type: event.Snapshot, ID: fmt.Sprintf("snap-%d", i)}}})
	}
	run := func(evs []*event.Event) (corr []finding.Finding, base int) {
		c := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir()})
		w := d.NewWorker()
		c.Attach(w)
		for _, ev := range evs {
			w.Findings(ev, func(f finding.Finding) error {
				if strings.Contains(f.Rule.Title, "copied, shared or exported") {
					base++
				}
				return nil
			})
		}
		c.Finish(context.Background(), func(f finding.Finding) error {
			if f.Rule.Kind == finding.KindCorrelation {
				corr = append(corr, f)
			}
			return nil
		})
		return corr, base
	}
	want, base := run(events)
	if len(want) != 1 || base != 0 || len(want[0].Events) < 20 {
		t.Fatalf("burst: %d correlation findings (%+v), %d base findings", len(want), want, base)
	}
	shuffled := slices.Clone(events)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got, _ := run(shuffled)
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("shuffled burst differs:\n got %s\nwant %s", b, a)
	}
}

var t0 = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

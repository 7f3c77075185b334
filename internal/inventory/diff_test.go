package inventory_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/store"
)

var (
	day1 = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	day2 = day1.Add(24 * time.Hour)
)

func snap(id, source string, mod func(r *inventory.Record)) inventory.Record {
	r := inventory.Record{Cloud: event.AWS, Account: "111122223333", Region: "eu-west-1", Kind: inventory.Snapshot,
		ID: id, Source: source, Created: day1.Add(-time.Hour), Encrypted: true, Creator: "arn:aws:iam::111122223333:role/backup"}
	if mod != nil {
		mod(&r)
	}
	return r
}

func options() inventory.DiffOptions {
	return inventory.DiffOptions{
		Critical:         func(_ event.Cloud, r event.Resource) bool { return r.ID == "vol-prod-db" },
		TrustedAccount:   func(id string) bool { return id == "222233334444" },
		TrustedPrincipal: func(a event.Actor) bool { return strings.HasSuffix(a.ID, ":role/backup") },
		Now:              day2,
	}
}

// TestDiff_TwoImports: two observations a day apart, stored, then diffed:
// every change becomes the finding it should, and nothing else does.
func TestDiff_TwoImports(t *testing.T) {
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "inv.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scope := []inventory.Scope{{Cloud: event.AWS, Account: "111122223333", Region: "eu-west-1", Kind: inventory.Snapshot},
		{Cloud: event.AWS, Account: "111122223333", Region: "eu-west-1", Kind: inventory.Guardrail}}
	guard := func(on bool) inventory.Record {
		return inventory.Record{Cloud: event.AWS, Account: "111122223333", Region: "eu-west-1", Kind: inventory.Guardrail,
			ID: "ebs-snapshot-block-public-access", Name: "EBS snapshot block public access", Enabled: on}
	}
	first := &inventory.Result{Complete: scope, Records: []inventory.Record{
		snap("snap-stays", "vol-web", nil),
		snap("snap-widens", "vol-web", nil),
		snap("snap-leaks", "vol-web", nil),
		snap("snap-old", "vol-web", func(r *inventory.Record) { r.Created = day1.AddDate(0, -6, 0) }),
		guard(true),
	}}
	if _, err := inventory.Apply(t.Context(), st, day1, first); err != nil {
		t.Fatal(err)
	}
	second := &inventory.Result{Complete: scope, Records: []inventory.Record{
		snap("snap-stays", "vol-web", nil),
		snap("snap-widens", "vol-web", func(r *inventory.Record) { r.Exposure.Accounts = []string{"222233334444"} }),
		snap("snap-leaks", "vol-web", func(r *inventory.Record) { r.Exposure.Public = true }),
		snap("snap-old", "vol-web", func(r *inventory.Record) { r.Created = day1.AddDate(0, -6, 0) }),
		snap("snap-critical", "vol-prod-db", func(r *inventory.Record) { r.Creator = "" }),
		snap("snap-plain", "vol-web", func(r *inventory.Record) { r.Encrypted = false; r.Creator = "arn:aws:iam::111122223333:user/mallory" }),
		snap("snap-outside", "vol-web", func(r *inventory.Record) { r.Exposure.Accounts = []string{"999988887777"} }),
		guard(false),
	}}
	// snap-brief appears and goes between the two: observed once at noon.
	brief := &inventory.Result{Records: []inventory.Record{snap("snap-brief", "vol-web", func(r *inventory.Record) { r.Created = day1.Add(5 * time.Hour) })}}
	if _, err := inventory.Apply(t.Context(), st, day1.Add(6*time.Hour), brief); err != nil {
		t.Fatal(err)
	}
	if _, err := inventory.Apply(t.Context(), st, day2, second); err != nil {
		t.Fatal(err)
	}
	changes, err := inventory.Changes(t.Context(), st, day1.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	current, err := inventory.Current(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	fs := inventory.Diff(changes, current, options())
	got := map[string][]string{}
	for _, f := range fs {
		if f.Rule.Kind != finding.KindBaseline || f.Summary["en"] == "" || f.Summary["ru"] == "" {
			t.Errorf("malformed finding %+v", f)
		}
		got[f.Rule.ID] = append(got[f.Rule.ID], f.Resources[0].ID)
	}
	want := map[string][]string{
		inventory.RuleCriticalCopy.ID:   {"snap-critical"},
		inventory.RuleSharedOutside.ID:  {"snap-leaks", "snap-outside"},
		inventory.RuleExposure.ID:       {"snap-widens"},
		inventory.RuleUnencrypted.ID:    {"snap-plain"},
		inventory.RuleUnknownCreator.ID: {"snap-critical"},
		inventory.RuleUntrusted.ID:      {"snap-plain"},
		inventory.RuleShortLived.ID:     {"snap-brief"},
		inventory.RuleOld.ID:            {"snap-old"},
		inventory.RuleGuardrailOff.ID:   {"ebs-snapshot-block-public-access"},
	}
	for rule, ids := range want {
		g := got[rule]
		slices.Sort(g)
		if !slices.Equal(g, ids) {
			t.Errorf("%s: %v, want %v", rule, g, ids)
		}
	}
	for rule := range got {
		if _, ok := want[rule]; !ok {
			t.Errorf("unexpected %s: %v", rule, got[rule])
		}
	}
	// Diffing the same changes again gives the same ids.
	again := inventory.Diff(changes, current, options())
	for i := range fs {
		if fs[i].ID != again[i].ID {
			t.Errorf("finding ids are not stable: %s then %s", fs[i].ID, again[i].ID)
		}
	}
}

// TestDiff_CreatorFromHistory: a copy whose API names no creator takes the
// one the event history recorded.
func TestDiff_CreatorFromHistory(t *testing.T) {
	r := snap("snap-x", "vol-web", func(r *inventory.Record) { r.Creator = "" })
	ch := []inventory.Change{{At: day2, Kind: "added", Scope: r.Scope(), ID: r.ID, New: &r}}
	opts := options()
	opts.Creators = map[string]string{"snap-x": "arn:aws:iam::111122223333:role/backup"}
	for _, f := range inventory.Diff(ch, nil, opts) {
		if f.Rule.ID == inventory.RuleUnknownCreator.ID || f.Rule.ID == inventory.RuleUntrusted.ID {
			t.Errorf("creator known from history, yet %s", f.Rule.Title)
		}
	}
}

// TestDiff_BackupOfSnapshot: an AWS Backup recovery point that is an EBS
// snapshot the inventory also lists is judged once, as the snapshot.
func TestDiff_BackupOfSnapshot(t *testing.T) {
	s := snap("snap-bk", "vol-web", func(r *inventory.Record) { r.Encrypted = false })
	b := s
	b.Kind = inventory.Backup
	ch := []inventory.Change{
		{At: day2, Kind: "added", Scope: s.Scope(), ID: s.ID, New: &s},
		{At: day2, Kind: "added", Scope: b.Scope(), ID: b.ID, New: &b},
	}
	n := 0
	for _, f := range inventory.Diff(ch, nil, options()) {
		if f.Rule.ID == inventory.RuleUnencrypted.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d unencrypted findings for one copy listed twice, want 1", n)
	}
}

package azure_test

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/azure"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCloud_Accounts(t *testing.T) {
	accts := azure.Cloud{}.Accounts(rand.New(rand.NewPCG(3, 4)), 3)
	if len(accts) != 3 {
		t.Fatalf("%d accounts", len(accts))
	}
	seen := map[string]bool{}
	for _, a := range accts {
		if !uuidRE.MatchString(a.ID) || seen[a.ID] {
			t.Errorf("subscription id %q not a fresh UUID", a.ID)
		}
		seen[a.ID] = true
		if len(a.Regions) == 0 || a.Name == "" {
			t.Errorf("account %+v lacks a name or regions", a)
		}
	}
	org := func(a *scenario.Account) string { return a.Name[:strings.LastIndexByte(a.Name, '-')] }
	if org(accts[0]) != org(accts[1]) || org(accts[0]) == org(accts[2]) {
		t.Errorf("names %q %q %q: want the first two of one organisation, the last of another", accts[0].Name, accts[1].Name, accts[2].Name)
	}
}

func TestCloud_NewPrincipal(t *testing.T) {
	f := newFixture()
	if !uuidRE.MatchString(f.anna.ID) || !strings.HasPrefix(f.anna.Name, "anna.ops@") || f.anna.IP == "" || f.anna.UserAgent == "" {
		t.Errorf("person = %+v, want an object id, a UPN, an address and a client", f.anna)
	}
	if !uuidRE.MatchString(f.bot.ID) || !uuidRE.MatchString(f.bot.Name) || f.bot.ID == f.bot.Name {
		t.Errorf("service principal = %+v, want an object id and an application id", f.bot)
	}
	if p := f.c.NewPrincipal(f.r, scenario.ServiceAccount, f.main, "malware-scanner"); p != nil {
		t.Errorf("service account = %+v, want none on Azure", p)
	}
	if f.c.ServiceAccount() != "" {
		t.Errorf("ServiceAccount = %q", f.c.ServiceAccount())
	}
}

func TestCloud_ResourceID(t *testing.T) {
	f := newFixture()
	for _, tc := range []struct {
		kind scenario.ResourceKind
		name string
		want string // the id's tail after the subscription
	}{
		{scenario.VolumeID, "prod-db-01-data", "/resourcegroups/rg-prod-data/providers/microsoft.compute/disks/prod-db-01-data"},
		{scenario.VolumeID, "ci-scratch-0-1", "/resourcegroups/rg-ci-scratch/providers/microsoft.compute/disks/ci-scratch-0-1"},
		{scenario.SnapshotID, "nightly-0-03", "/resourcegroups/rg-prod-backup/providers/microsoft.compute/snapshots/nightly-0-03"},
		{scenario.ImageID, "Web-Golden", "/resourcegroups/rg-prod-ops/providers/microsoft.compute/images/web-golden"},
		{scenario.InstanceID, "exfil-box", "/resourcegroups/rg-prod-ops/providers/microsoft.compute/virtualmachines/exfil-box"},
		{scenario.NetID, "web-tier-01", "/resourcegroups/rg-prod-network/providers/microsoft.network/networksecuritygroups/web-tier-01"},
		{scenario.DatabaseID, "prod-db-orders", "/resourcegroups/rg-prod-data/providers/microsoft.dbforpostgresql/flexibleservers/prod-db-orders"},
	} {
		id := f.c.ResourceID(f.r, tc.kind, f.main, f.region, tc.name)
		if want := "/subscriptions/" + f.main.ID + tc.want; id != want {
			t.Errorf("ResourceID(%d, %q) = %q, want %q", tc.kind, tc.name, id, want)
		}
		if id != event.AzureID(id) {
			t.Errorf("%q is not canonical", id)
		}
	}
	if id := f.c.EventID(f.r); !uuidRE.MatchString(id) {
		t.Errorf("EventID = %q, want a UUID", id)
	}
}

func TestCloud_Supports(t *testing.T) {
	var c azure.Cloud
	for k, want := range map[scenario.Kind]bool{
		scenario.Read: true, scenario.VolumeCreate: true, scenario.VolumeDelete: true, scenario.SnapshotCreate: true,
		scenario.SnapshotDelete: true, scenario.SnapshotCopy: true, scenario.SnapshotShare: false,
		scenario.SnapshotUnshare: true, scenario.SnapshotExport: true, scenario.ImageCreate: true, scenario.ImageShare: false,
		scenario.VolumeRestore: true, scenario.VolumeAttach: true, scenario.InstanceCreate: true, scenario.IngressOpen: true,
		scenario.PrincipalCreate: false, scenario.CredentialCreate: false, scenario.RoleAssign: true,
		scenario.DBSnapshotCreate: false, scenario.DBSnapshotShare: false, scenario.DBRestore: false, scenario.DBModify: true,
	} {
		if got := c.Supports(k); got != want {
			t.Errorf("Supports(%d) = %v, want %v", k, got, want)
		}
	}
}

// TestCloud_Reads renders every read and checks it decodes as a successful
// call with no action, by its actor, on a resource of the account.
func TestCloud_Reads(t *testing.T) {
	f := newFixture()
	reads := f.c.Reads()
	if len(reads) < 20 || len(reads) > 40 {
		t.Errorf("%d reads, want 20 to 40", len(reads))
	}
	seen := map[string]bool{}
	var ops []*scenario.Op
	for i, name := range reads {
		if seen[name] {
			t.Errorf("read %s listed twice", name)
		}
		seen[name] = true
		op := f.op(scenario.Read, []*scenario.Principal{f.anna, f.bot}[i%2])
		op.Name = name
		ops = append(ops, op)
	}
	evs := decodeDir(t, write(t, ops...))
	if len(evs) != len(ops) {
		t.Errorf("%d events from %d reads", len(evs), len(ops))
	}
	for _, op := range ops {
		e := byID(t, evs, op.ID)
		if e.Action != "" || e.Outcome != event.Success || e.Operation != strings.ToLower(op.Name) {
			t.Errorf("%s: action %q, outcome %q, operation %q", op.Name, e.Action, e.Outcome, e.Operation)
		}
		if e.Actor.ID != op.Actor.ID || e.Account != f.main.ID {
			t.Errorf("%s: actor %q in %q", op.Name, e.Actor.ID, e.Account)
		}
	}
}

// TestWriter_Layout checks the blob paths: one PT1H.json per subscription
// and hour, a record per line.
func TestWriter_Layout(t *testing.T) {
	f := newFixture()
	a := f.op(scenario.Read, f.anna)
	a.Name = f.c.Reads()[0]
	b := f.op(scenario.Read, f.anna)
	b.Name, b.Time = f.c.Reads()[1], a.Time.Add(2*time.Hour)
	c := f.op(scenario.Read, f.anna)
	c.Name, c.Account = f.c.Reads()[2], f.dev
	dir := write(t, a, b, c)
	var got []string
	for _, p := range blobs(t, dir) {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel))
	}
	sub := func(a *scenario.Account) string { return strings.ToUpper(a.ID) }
	want := []string{
		"insights-activity-logs/resourceId=/SUBSCRIPTIONS/" + sub(f.main) + "/y=2026/m=11/d=03/h=14/m=00/PT1H.json",
		"insights-activity-logs/resourceId=/SUBSCRIPTIONS/" + sub(f.main) + "/y=2026/m=11/d=03/h=16/m=00/PT1H.json",
		"insights-activity-logs/resourceId=/SUBSCRIPTIONS/" + sub(f.dev) + "/y=2026/m=11/d=03/h=14/m=00/PT1H.json",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("blobs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	lines := strings.Split(strings.TrimSuffix(string(readAll(t, dir)), "\n"), "\n")
	if len(lines) != 6 {
		t.Errorf("%d lines, want a Start and a Success record per read", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("not a JSON record: %.200s", l)
		}
	}
}

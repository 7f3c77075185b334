package azureactivity_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes every file under examples/azure through one pairer,
// as `hunt examples/` does, with zero bad records, and checks the attack's
// steps are there.
func TestExamples(t *testing.T) {
	files := decodetest.ExampleFiles(t, "azure")
	// Auto-detection, as hunt does.
	res := decodetest.DecodeFiles(t, nil, []decode.Format{azureactivity.Format{}}, files...)
	events, records := res.Clean(t), res.Stats.Records
	t.Logf("examples/azure: %d files, %d records, %d events", len(files), records, len(events))
	if records != 48 || len(events) != 19 {
		t.Errorf("%d records, %d events; want 48 records joined into 19 operations", records, len(events))
	}

	const (
		dev   = "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d"
		guest = "d4c3b2a1-9f8e-4d7c-b6a5-0f1e2d3c4b5a"
	)
	type step struct {
		action event.Action
		actor  string
	}
	var attack []step
	for _, e := range events {
		if e.Outcome != event.Success {
			t.Errorf("%s %s: outcome %s, want every operation complete", e.Operation, e.ID, e.Outcome)
		}
		if e.Actor.ID == dev || e.Actor.ID == guest {
			attack = append(attack, step{e.Action, e.Actor.ID})
		}
	}
	want := []step{
		{event.SnapshotCreate, dev}, {event.SnapshotExport, dev}, {event.RoleAssign, dev},
		{event.VolumeRestore, guest}, {"", guest}, {event.PublicIPAssign, guest}, {event.InstanceCreate, guest},
		{event.IngressOpen, guest}, {event.CredentialCreate, guest},
	}
	if !slices.Equal(attack, want) {
		t.Errorf("attack steps:\n got %v\nwant %v", attack, want)
	}

	// The chain's links: snapshot → disk → VM → NIC → NSG ← rule.
	const rg = "/subscriptions/3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f/resourcegroups/"
	const (
		snap = rg + "rg-northwind-prod/providers/microsoft.compute/snapshots/prod-db-01-data-adhoc"
		disk = rg + "rg-analytics-sandbox/providers/microsoft.compute/disks/analytics-data-01"
		vm   = rg + "rg-analytics-sandbox/providers/microsoft.compute/virtualmachines/vm-analytics-01"
		nic  = rg + "rg-analytics-sandbox/providers/microsoft.network/networkinterfaces/vm-analytics-01-nic"
		nsg  = rg + "rg-analytics-sandbox/providers/microsoft.network/networksecuritygroups/nsg-analytics-01"
	)
	links := []struct {
		action event.Action
		role   event.Role
		typ    event.ResourceType
		id     string
	}{
		{event.SnapshotCreate, event.RoleSource, event.Volume, rg + "rg-northwind-prod/providers/microsoft.compute/disks/prod-db-01-data"},
		{event.VolumeRestore, event.RoleSource, event.Snapshot, snap},
		{event.InstanceCreate, event.RoleSource, event.Volume, disk},
		{event.InstanceCreate, event.RoleTarget, event.NIC, nic},
		{event.PublicIPAssign, event.RoleTarget, event.SecurityGroup, nsg},
		{event.IngressOpen, event.RoleTarget, event.SecurityGroup, nsg},
		{event.CredentialCreate, event.RoleTarget, event.Instance, vm},
	}
	for _, l := range links {
		found := false
		for _, e := range events {
			if r := e.Resource(l.role, l.typ); e.Action == l.action && (e.Actor.ID == dev || e.Actor.ID == guest) && r != nil && r.ID == l.id {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s event with %s %s %s", l.action, l.role, l.typ, l.id)
		}
	}
}

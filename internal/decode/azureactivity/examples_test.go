package azureactivity_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/event"
)

// examplesDir is the Azure folder of the repository's examples.
var examplesDir = filepath.Join("..", "..", "..", "examples", "azure")

// TestExamples decodes every file under examples/azure through one pairer,
// as `hunt examples/` does, with zero bad records, and checks the attack's
// steps are there.
func TestExamples(t *testing.T) {
	var files []string
	err := filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example files")
	}
	p := decode.NewPairer()
	// Auto-detection, as hunt does.
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{azureactivity.Format{}}, Pairer: p})
	var events []*event.Event
	emit := func(e *event.Event) error { events = append(events, e); return nil }
	records := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		st, err := d.Decode(context.Background(), bytes.NewReader(b), f, emit, func(e *decode.RecordError) error {
			t.Errorf("bad record: %v", e)
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		records += st.Records
	}
	if err := p.Flush(emit); err != nil {
		t.Fatal(err)
	}
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

package gcpaudit_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

func TestLabels(t *testing.T) {
	events := decodeFile(t, "testdata/labels.ndjson")
	tests := []struct {
		op     string
		action event.Action
		role   event.Role
		typ    event.ResourceType
		id     string
		tags   map[string]string
	}{
		{"v1.compute.disks.insert", event.VolumeCreate, event.RoleCreated, event.Volume, zoneB + "disks/pay-db",
			map[string]string{"criticality": "High", "Team": "payments", "empty": ""}},
		// The list shape; an entry without a key is dropped, one without a value kept.
		{"v1.compute.snapshots.insert", event.SnapshotCreate, event.RoleCreated, event.Snapshot, prod + "global/snapshots/pay-db-snap",
			map[string]string{"criticality": "high", "owner": ""}},
		{"v1.compute.disks.createSnapshot", event.SnapshotCreate, event.RoleCreated, event.Snapshot, prod + "global/snapshots/pay-db-nightly",
			map[string]string{"backup": "nightly", "retention": "7"}},
		{"v1.compute.images.insert", event.ImageCreate, event.RoleCreated, event.Image, prod + "global/images/pay-img",
			map[string]string{"env": "prod"}},
		{"v1.compute.instances.insert", event.InstanceCreate, event.RoleCreated, event.Instance, zoneB + "instances/pay-vm",
			map[string]string{"env": "prod", "criticality": "high"}},
		{"cloudsql.instances.create", event.DBCreate, event.RoleCreated, event.Database, prod + "instances/pay-sql",
			map[string]string{"criticality": "high"}},
		{"v1.compute.disks.setLabels", "", event.RoleTarget, event.Volume, zoneB + "disks/legacy-db",
			map[string]string{"criticality": "high", "Owner": "DBA Team"}},
		{"v1.compute.instances.setLabels", "", event.RoleTarget, event.Instance, zoneB + "instances/app-1",
			map[string]string{"env": "prod"}},
		// Labels cleared, or of an odd shape: the target, without tags.
		{"v1.compute.snapshots.setLabels", "", event.RoleTarget, event.Snapshot, prod + "global/snapshots/old-snap", nil},
		{"beta.compute.images.setLabels", "", event.RoleTarget, event.Image, prod + "global/images/pay-img", nil},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			e := byOperation(t, events, tt.op, 0)
			if e.Action != tt.action {
				t.Errorf("action = %q, want %q", e.Action, tt.action)
			}
			r := e.Resource(tt.role, tt.typ)
			if r == nil || r.ID != tt.id {
				t.Fatalf("%s %s = %+v, want id %s", tt.role, tt.typ, r, tt.id)
			}
			if !maps.Equal(r.Tags, tt.tags) {
				t.Errorf("tags = %v, want %v", r.Tags, tt.tags)
			}
			for _, o := range e.Resources {
				if o.ID != r.ID && o.Tags != nil {
					t.Errorf("%s %s got tags %v", o.Role, o.ID, o.Tags)
				}
			}
		})
	}
}

package azureactivity_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

func TestTags(t *testing.T) {
	events := decodeFixture(t, "tags.json")
	compute := rg + "microsoft.compute/"
	tests := []struct {
		name   string
		index  int
		action event.Action
		role   event.Role
		typ    event.ResourceType
		id     string
		tags   map[string]string
	}{
		{"disk from request body", 0, event.VolumeCreate, event.RoleCreated, event.Volume, compute + "disks/pay-db",
			map[string]string{"criticality": "High", "Owner": "DBA Team", "empty": ""}},
		{"snapshot from response body", 1, event.SnapshotCreate, event.RoleCreated, event.Snapshot, compute + "snapshots/pay-db-snap",
			map[string]string{"env": "prod", "criticality": "high"}},
		{"vm, number value", 2, event.InstanceCreate, event.RoleCreated, event.Instance, compute + "virtualmachines/pay-vm",
			map[string]string{"criticality": "high", "cost-center": "1234"}},
		{"tags/write on the tags resource", 3, "", event.RoleTarget, event.Snapshot, compute + "snapshots/pay-db-snap",
			map[string]string{"criticality": "high", "reviewed": ""}},
		{"tags/write deleting", 4, "", event.RoleTarget, event.Volume, compute + "disks/pay-db", nil},
		{"tags/write on the resource id", 5, "", event.RoleTarget, event.Instance, compute + "virtualmachines/pay-vm",
			map[string]string{"Backup": "Daily"}},
		{"odd tags shape", 6, event.VolumeCreate, event.RoleCreated, event.Volume, compute + "disks/odd", nil},
	}
	if len(events) != len(tests) {
		t.Fatalf("%d events, want %d", len(events), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := events[tt.index]
			if e.Action != tt.action || e.Outcome != event.Success {
				t.Errorf("action, outcome = %q, %q; want %q, success", e.Action, e.Outcome, tt.action)
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

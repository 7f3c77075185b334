package yandex_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// TestLabels checks that labels land, as written, on the object the
// operation made or relabelled, and nowhere else.
func TestLabels(t *testing.T) {
	tests := []struct {
		file   string
		action event.Action
		on     res
		want   map[string]string
	}{
		// Odd values read as text or "", later records win, keys keep their case.
		{"labels_create_disk.json", event.VolumeRestore, res{event.RoleCreated, event.Volume, "fhmdisk0000000000070"},
			map[string]string{"Criticality": "High", "Owner": "DB-Team", "tier": "1", "empty": "", "nested": "", "backup": "daily"}},
		{"labels_create_instance.json", event.InstanceCreate, res{event.RoleCreated, event.Instance, "fhminst0000000000001"},
			map[string]string{"criticality": "high"}},
		// A list of {key, value} in camelCase request parameters; a key
		// without a value reads "", entries without a key are dropped, and
		// a plain string reads as a key with no value (decode.Tags).
		{"labels_update_instance.json", "", res{event.RoleTarget, event.Instance, "fhminst0000000000001"},
			map[string]string{"criticality": "high", "app": "", "junk": ""}},
		{"labels_create_cluster.json", event.DBCreate, res{event.RoleCreated, event.Database, "c9qmg000000000000001"},
			map[string]string{"criticality": "high"}},
		{"compute_update_snapshot.json", "", res{event.RoleTarget, event.Snapshot, "fd8snap0000000000001"},
			map[string]string{"env": "prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			evs := decodeFile(t, "testdata/"+tt.file)
			if len(evs) != 1 {
				t.Fatalf("got %d events, want 1", len(evs))
			}
			e := evs[0]
			if e.Action != tt.action {
				t.Errorf("action %q, want %q", e.Action, tt.action)
			}
			for _, r := range e.Resources {
				switch {
				case r.Role == tt.on.role && r.Type == tt.on.typ && r.ID == tt.on.id:
					if !maps.Equal(r.Tags, tt.want) {
						t.Errorf("tags %v, want %v", r.Tags, tt.want)
					}
				case r.Tags != nil:
					t.Errorf("unexpected tags on %s %s %s: %v", r.Role, r.Type, r.ID, r.Tags)
				}
			}
			if !hasResource(e, tt.on) {
				t.Errorf("missing %+v in %+v", tt.on, e.Resources)
			}
		})
	}
}

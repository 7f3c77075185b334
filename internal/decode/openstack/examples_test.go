package openstack_test

import (
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes every file under examples/openstack with no bad
// record, and finds the attack's steps in them.
func TestExamples(t *testing.T) {
	var all []*event.Event
	files := decodetest.ExampleFiles(t, "openstack")
	if len(files) < 2 {
		t.Fatalf("%d example files, want the notification log and the CADF audit", len(files))
	}
	for _, path := range files {
		res := detect(t, path, decodetest.ReadFile(t, path))
		checkClean(t, path, res)
		if len(res.Events) == 0 {
			t.Errorf("%s: no events", path)
		}
		t.Logf("%s: %d records, %d events", path, res.Stats.Records, len(res.Events))
		all = append(all, res.Events...)
	}

	const (
		stolen   = "d1e2f3a4b5c64d7e8f90a1b2c3d4e504"
		fresh    = "5c5c5c5c1d2e4f3a9b8c7d6e5f4a3b05"
		orders   = "3f1c9a2e-7b4d-4e8a-9c1f-2a6b8d0e4f11"
		copySnap = "4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a05"
		restored = "6e5d4c3b-2a19-4807-96a5-b4c3d2e1f055"
		worker   = "2b4d6f8a-1c3e-4a5b-8d7f-9e0a1b2c3d52"
		image    = "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3e61"
		outside  = "4f4f4f4f9a8b4c7d9e6f5a4b3c2d1e07"
	)
	steps := []struct {
		name  string
		match func(e *event.Event) bool
	}{
		{"new principal", func(e *event.Event) bool {
			return e.Action == event.PrincipalCreate && e.Actor.ID == stolen && hasRes(e, event.RoleCreated, fresh)
		}},
		{"snapshot of prod-db-orders", func(e *event.Event) bool {
			return e.Action == event.SnapshotCreate && e.Actor.ID == stolen && hasRes(e, event.RoleSource, orders) && hasRes(e, event.RoleCreated, copySnap)
		}},
		{"image of the orders server", func(e *event.Event) bool {
			return e.Action == event.ImageCreate && e.Actor.ID == stolen && hasRes(e, event.RoleCreated, image)
		}},
		{"image shared outside", func(e *event.Event) bool {
			return e.Action == event.ImageShare && slices.ContainsFunc(e.Shares, func(s event.Share) bool { return s.Target == outside })
		}},
		{"restore by the new principal", func(e *event.Event) bool {
			return e.Action == event.VolumeRestore && e.Actor.ID == fresh && hasRes(e, event.RoleSource, copySnap) && hasRes(e, event.RoleCreated, restored)
		}},
		{"instance created", func(e *event.Event) bool {
			return e.Action == event.InstanceCreate && hasRes(e, event.RoleCreated, worker)
		}},
		{"restored volume attached", func(e *event.Event) bool {
			return e.Action == event.VolumeAttach && hasRes(e, event.RoleSource, restored) && hasRes(e, event.RoleTarget, worker)
		}},
		{"SSH open to the world", func(e *event.Event) bool {
			return e.Action == event.IngressOpen && slices.ContainsFunc(e.Ingress, func(in event.Ingress) bool { return in.WorldOpen() && in.CoversPort(22) })
		}},
		{"image downloaded from outside", func(e *event.Event) bool {
			return e.Action == event.ImageDownload && e.Account == outside && hasRes(e, event.RoleSource, image)
		}},
	}
	for _, s := range steps {
		if !slices.ContainsFunc(all, s.match) {
			t.Errorf("no event for step %q", s.name)
		}
	}
	for _, e := range all {
		if e.Time.IsZero() || e.Time.Format("2006-01-02") != "2026-11-20" {
			t.Errorf("%s %s: time %v not on 2026-11-20", e.ID, e.Operation, e.Time)
		}
	}
}

func hasRes(e *event.Event, role event.Role, id string) bool {
	return slices.ContainsFunc(e.Resources, func(r event.Resource) bool { return r.Role == role && r.ID == id })
}

package vkcloud_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes every file of the README's VK Cloud storyline with
// auto-detection: no bad record, every event VK's, and the attack's steps
// present.
func TestExamples(t *testing.T) {
	var events []*event.Event
	for _, path := range decodetest.ExampleFiles(t, "vkcloud") {
		res := decodetest.Decode(t, nil, formats, path, decodetest.ReadFile(t, path))
		evs := res.Clean(t)
		if res.Stats.PerFormat["vkcloud"] != len(evs) || len(evs) == 0 {
			t.Errorf("%s: %d events, stats %+v", path, len(evs), res.Stats)
		}
		t.Logf("%s: %d events", path, len(evs))
		events = append(events, evs...)
	}
	if n := len(events); n < 20 || n > 60 {
		t.Errorf("%d events; the storyline keeps each cloud to 20–60", n)
	}
	actions := map[event.Action]int{}
	for _, e := range events {
		if e.Cloud != event.VKCloud || e.Time.Format("2006-01-02") != "2026-11-20" {
			t.Errorf("%s: cloud %q time %v", e.ID, e.Cloud, e.Time)
		}
		actions[e.Action]++
	}
	for _, a := range []event.Action{
		event.PrincipalCreate, event.RoleAssign, event.GuardrailDisable, event.SnapshotCreate,
		event.ImageCreate, event.ImageShare, event.VolumeRestore, event.InstanceCreate,
		event.VolumeAttach, event.IngressOpen, event.DBBackup, event.DBUserCreate,
	} {
		if actions[a] == 0 {
			t.Errorf("no %s in the storyline", a)
		}
	}
}

package vkcloud_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestExamples decodes every file of the README's VK Cloud storyline with
// auto-detection: no bad record, every event VK's, and the attack's steps
// present.
func TestExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "examples", "vkcloud")
	var events []*event.Event
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		res := decodetest.Decode(t, nil, formats, path, b)
		for _, e := range res.Errors {
			t.Errorf("bad record: %v", e)
		}
		if res.Err != nil {
			t.Errorf("%s: input ended early: %v", path, res.Err)
		}
		if res.Stats.PerFormat["vkcloud"] != len(res.Events) || len(res.Events) == 0 {
			t.Errorf("%s: %d events, stats %+v", path, len(res.Events), res.Stats)
		}
		t.Logf("%s: %d events", path, len(res.Events))
		events = append(events, res.Events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no example files")
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

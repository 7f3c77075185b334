package openstack_test

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// TestTags checks that metadata and tags land, as written, on what an
// operation made or retagged, and nowhere else.
func TestTags(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "tags.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	r := detect(t, "tags", b)
	checkClean(t, "tags", r)
	got := byID(t, r.Events)
	cases := []struct {
		id     string
		action event.Action
		on     event.Resource
		tags   map[string]string // nil: no resource has tags
	}{
		// cinder volume_metadata rows; a row without a key is dropped, a
		// stray string reads as a key.
		{msgID(0x90), event.VolumeCreate, res(created, event.Volume, vol(0x90)),
			map[string]string{"Criticality": "High", "owner": "DB-Team", "junk": ""}},
		// Values that are not text read as text or "".
		{msgID(0x92), event.SnapshotCreate, res(created, event.Snapshot, snap(0x92)),
			map[string]string{"criticality": "high", "retain": "30", "keep": "true", "none": "", "nested": ""}},
		{msgID(0x93), "", res(target, event.Volume, vol(0x90)), map[string]string{"criticality": "high"}},
		{msgID(0x94), event.VolumeAttach, res(src, event.Volume, vol(0x90)), nil}, // not a tagging operation
		// nova metadata and string tags.
		{msgID(0x95), event.InstanceCreate, res(created, event.Instance, inst(0x95)),
			map[string]string{"criticality": "high", "pci": "", "Prod": ""}},
		{msgID(0x96), "", res(target, event.Instance, inst(0x95)), map[string]string{"criticality": "low"}},
		// glance properties and tags.
		{msgID(0x97), event.ImageCreate, res(created, event.Image, img(0x97)),
			map[string]string{"criticality": "high", "instance_uuid": inst(0x95), "backup": ""}},
		{msgID(0x98), "", res(target, event.Image, img(0x97)),
			map[string]string{"criticality": "high", "instance_uuid": inst(0x95), "backup": "", "pci": ""}},
		// CADF: the tag in the path; metadata bodies are not logged.
		{cadfID(0x99), "", res(target, event.Instance, inst(0x95)), map[string]string{"criticality=high": ""}},
		{cadfID(0x9a), "", res(target, event.Volume, vol(0x90)), nil},
	}
	if len(got) != len(cases) {
		t.Errorf("%d events, want %d", len(got), len(cases))
	}
	for _, c := range cases {
		e := got[c.id]
		if e == nil {
			t.Errorf("no event %s", c.id)
			continue
		}
		expect(t, e, want{action: c.action, noAction: c.action == "", resources: []event.Resource{c.on}})
		for _, x := range e.Resources {
			if x.Role == c.on.Role && x.Type == c.on.Type && x.ID == c.on.ID {
				if !maps.Equal(x.Tags, c.tags) {
					t.Errorf("%s: tags %v, want %v", c.id, x.Tags, c.tags)
				}
			} else if x.Tags != nil {
				t.Errorf("%s: unexpected tags on %s %s %s: %v", c.id, x.Role, x.Type, x.ID, x.Tags)
			}
		}
	}
}

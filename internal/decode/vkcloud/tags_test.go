package vkcloud_test

import (
	"maps"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
)

// Ids of actionlog-tags.json.
const (
	tagVol  = "a0000000-0000-4000-8000-000000000070"
	tagSnap = "b0000000-0000-4000-8000-000000000070"
	tagInst = "d0000000-0000-4000-8000-000000000070"
	tagImg  = "c0000000-0000-4000-8000-000000000070"
)

var tagCases = []struct {
	id     string
	action event.Action
	role   event.Role
	typ    event.ResourceType
	res    string
	tags   map[string]string // nil: no resource has tags
	others []string          // the call's other resources, for TestFixtures
}{
	// The request wins over the response; odd values read as text or "".
	{"tags-create-volume", event.VolumeCreate, event.RoleCreated, event.Volume, tagVol,
		map[string]string{"Criticality": "High", "retain": "30", "nested": ""}, nil},
	{"tags-create-snapshot", event.SnapshotCreate, event.RoleCreated, event.Snapshot, tagSnap, map[string]string{"criticality": "high"}, []string{r(src, event.Volume, tagVol)}},
	{"tags-create-vm", event.InstanceCreate, event.RoleCreated, event.Instance, tagInst,
		map[string]string{"criticality": "high", "pci": "", "Prod": ""},
		[]string{r(src, event.Image, tagImg), r(target, event.SecurityGroup, "default")}},
	{"tags-create-image", event.ImageCreate, event.RoleCreated, event.Image, tagImg, map[string]string{"criticality": "high"}, []string{r(src, event.Instance, tagInst)}},
	{"tags-volume-metadata", "", event.RoleTarget, event.Volume, tagVol, map[string]string{"criticality": "high", "owner": "db-team"}, nil},
	{"tags-snapshot-meta-key", "", event.RoleTarget, event.Snapshot, tagSnap, map[string]string{"criticality": "low"}, nil},
	{"tags-server-tags", "", event.RoleTarget, event.Instance, tagInst, map[string]string{"pci": "", "criticality:high": ""}, nil},
	{"tags-server-tag", "", event.RoleTarget, event.Instance, tagInst, map[string]string{"criticality=high": ""}, nil},
	{"tags-server-metadata-masked", "", event.RoleTarget, event.Instance, tagInst, nil, nil},
	{"tags-image-tag", "", event.RoleTarget, event.Image, tagImg, map[string]string{"backup": ""}, nil},
	{"tags-glance-create", event.ImageCreate, event.RoleCreated, event.Image, "c0000000-0000-4000-8000-000000000071", map[string]string{"critical": ""}, nil},
}

// The tag fixtures are checked here: TestFixtures only needs their action
// and resource.
func init() {
	for _, c := range tagCases {
		fixtureWants[c.id] = want{action: c.action, resources: append([]string{r(c.role, c.typ, c.res)}, c.others...)}
	}
}

// TestTags checks that metadata and tags land, as written, on what a call
// made or retagged, and nowhere else.
func TestTags(t *testing.T) {
	evs := map[string]*event.Event{}
	for _, e := range fixtures(t)["actionlog-tags"] {
		evs[e.ID] = e
	}
	if len(evs) != len(tagCases) {
		t.Errorf("%d events, want %d", len(evs), len(tagCases))
	}
	for _, c := range tagCases {
		e := evs[c.id]
		if e == nil {
			t.Errorf("no event %s", c.id)
			continue
		}
		if e.Action != c.action {
			t.Errorf("%s: action %q, want %q", c.id, e.Action, c.action)
		}
		if e.Resource(c.role, c.typ) == nil {
			t.Errorf("%s: no %s %s in %+v", c.id, c.role, c.typ, e.Resources)
		}
		for _, r := range e.Resources {
			if r.Role == c.role && r.Type == c.typ && r.ID == c.res {
				if !maps.Equal(r.Tags, c.tags) {
					t.Errorf("%s: tags %v, want %v", c.id, r.Tags, c.tags)
				}
			} else if r.Tags != nil {
				t.Errorf("%s: unexpected tags on %s %s %s: %v", c.id, r.Role, r.Type, r.ID, r.Tags)
			}
		}
	}
}

package openstack_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/openstack"
	"github.com/snapwarden/snapwarden/internal/event"
)

// detect decodes input with auto-detection among this format only, so Sniff
// is exercised too.
func detect(tb testing.TB, name string, input []byte) decodetest.Result {
	tb.Helper()
	return decodetest.Decode(tb, nil, []decode.Format{openstack.Format{}}, name, input)
}

// checkClean fails on any bad record or early end, and on events that are
// not OpenStack's.
func checkClean(tb testing.TB, name string, res decodetest.Result) {
	tb.Helper()
	for _, e := range res.Clean(tb) {
		if e.Cloud != event.OpenStack || e.Format != "openstack" {
			tb.Errorf("%s: event %s has cloud %q format %q", name, e.ID, e.Cloud, e.Format)
		}
	}
}

func TestSamples_NovaNotifications(t *testing.T) {
	dir := filepath.Join(decodetest.SamplesDir(t), "openstack", "nova-notifications", "notification_samples")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	records, events := 0, 0
	byName := map[string]*event.Event{}
	for _, f := range files {
		name := filepath.Base(f)
		res := detect(t, name, resolveRefs(t, f))
		checkClean(t, name, res)
		records += res.Stats.Records
		events += len(res.Events)
		if len(res.Events) == 1 {
			byName[name] = res.Events[0]
		}
	}
	t.Logf("nova-notifications: %d files, %d records, %d events", len(files), records, events)
	if len(files) != 45 || records != 45 || events != 45 {
		t.Errorf("files=%d records=%d events=%d, want 45 each", len(files), records, events)
	}

	const instance = "178b0921-8f85-4257-88b6-2e743b5a975c"
	if e := byName["instance-snapshot-end.json"]; e == nil {
		t.Error("instance-snapshot-end.json: no event")
	} else {
		expect(t, e, want{action: event.ImageCreate, outcome: event.Success, actor: "fake", account: "6f70656e737461636b20342065766572",
			operation: "instance.snapshot.end", service: "compute", region: "compute",
			resources: []event.Resource{
				{Role: event.RoleSource, Type: event.Instance, ID: instance},
				{Role: event.RoleCreated, Type: event.Image, ID: "d2aae36f-785c-4518-8016-bc9534d9fc7f"},
			}})
	}
	if e := byName["instance-volume_attach-end.json"]; e == nil {
		t.Error("instance-volume_attach-end.json: no event")
	} else {
		expect(t, e, want{action: event.VolumeAttach, outcome: event.Success, actor: "fake", resources: []event.Resource{
			{Role: event.RoleSource, Type: event.Volume, ID: "a07f71dc-8151-4e7d-a0cc-cd24a3f11113"},
			{Role: event.RoleTarget, Type: event.Instance, ID: instance},
		}})
	}
	if e := byName["instance-create-end.json"]; e == nil {
		t.Error("instance-create-end.json: no event")
	} else {
		expect(t, e, want{action: event.InstanceCreate, outcome: event.Success, resources: []event.Resource{
			{Role: event.RoleCreated, Type: event.Instance, ID: instance},
			{Role: event.RoleSource, Type: event.Image, ID: "155d900f-4e14-4e4c-a73d-069cbf4541e6"},
		}})
	}
	if e := byName["instance-create-error.json"]; e != nil {
		expect(t, e, want{action: event.InstanceCreate, outcome: event.Failure, errText: "FlavorDiskTooSmall"})
	}
	if e := byName["instance-shelve-end.json"]; e != nil {
		expect(t, e, want{action: event.ImageCreate, resources: []event.Resource{{Role: event.RoleSource, Type: event.Instance, ID: instance}}})
	}
	if e := byName["keypair-create-end.json"]; e != nil {
		expect(t, e, want{action: event.CredentialCreate, region: "fake-mini"})
	}
	if e := byName["instance-create-start.json"]; e != nil {
		expect(t, e, want{action: event.InstanceCreate, outcome: event.Unknown})
	}
}

func TestSamples_CADF(t *testing.T) {
	dir := filepath.Join(decodetest.SamplesDir(t), "openstack", "cadf")
	cases := []struct {
		file            string
		records, events int
	}{
		{"octavia/api-audit-sample.ndjson", 2, 1},
		{"hermes/event-details.json", 1, 1},
		{"hermes/event-list.json", 4, 4},
	}
	records, events := 0, 0
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		res := detect(t, c.file, b)
		checkClean(t, c.file, res)
		t.Logf("cadf/%s: %d records, %d events", c.file, res.Stats.Records, len(res.Events))
		if res.Stats.Records != c.records || len(res.Events) != c.events {
			t.Errorf("%s: %d records, %d events; want %d, %d", c.file, res.Stats.Records, len(res.Events), c.records, c.events)
		}
		records += res.Stats.Records
		events += len(res.Events)
		switch c.file {
		case "octavia/api-audit-sample.ndjson":
			if len(res.Events) == 1 {
				e := res.Events[0]
				expect(t, e, want{id: "8cf14af5-246e-5739-a11e-513ca13b7d36", outcome: event.Success, actor: "2af901396a424d5ca9dffa725226e8c7",
					account: "90168d185e504b5580884a235ba31612", operation: "read/list service/load-balancer/loadbalancers", service: "load-balancer"})
				if e.Actor.Name != "admin" || e.Actor.IP != "10.21.21.53" || e.Actor.UserAgent == "" || len(e.Raw) != 2 {
					t.Errorf("octavia pair: actor %+v, %d raw records", e.Actor, len(e.Raw))
				}
			}
		case "hermes/event-details.json":
			if len(res.Events) == 1 {
				expect(t, res.Events[0], want{action: event.RoleAssign, outcome: event.Success, service: "identity",
					actor:     "bfa90acd1cad19d456bd101b5b4febf7444ee08d53dd7679ce35b322525776b2",
					resources: []event.Resource{{Role: event.RoleTarget, Type: event.Principal, ID: "f1a7118aee7698ab43deb080df40e01845127240e11bae64293837145a4a7dac"}}})
			}
		}
	}
	t.Logf("cadf: %d records, %d events", records, events)
	if records != 7 || events != 6 {
		t.Errorf("cadf: %d records, %d events; want 7 (2+5), 6", records, events)
	}
}

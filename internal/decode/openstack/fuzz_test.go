package openstack_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/openstack"
)

func FuzzDecode(f *testing.F) {
	for _, s := range decodetest.Seeds(f, filepath.Join("testdata", "*.ndjson")) {
		f.Add(s)
	}
	f.Add([]byte(`{"oslo.version":"2.0","oslo.message":"{\"event_type\":\"volume.create.end\",\"payload\":{\"volume_id\":\"v\",\"snapshot_id\":\"s\"}}"}`))
	f.Add([]byte(`{"typeURI":"","id":"x","eventTime":"2026-11-20T02:10:00Z","action":"create/role_assignment","initiator":{},"target":{}}`))
	f.Add([]byte(`{"typeURI":"http://schemas.dmtf.org/cloud/audit/1.0/event","action":"update/createImage","requestPath":"/v2.1/servers/0123abcd/action?x#y"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(t, openstack.Format{}, data)
	})
}

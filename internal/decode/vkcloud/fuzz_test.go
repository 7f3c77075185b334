package vkcloud_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
)

func FuzzDecode(f *testing.F) {
	for _, glob := range []string{"testdata/*.json", "testdata/*.ndjson", "testdata/*.log", "../../../examples/vkcloud/actionlog/*/*.json", "../../../examples/vkcloud/cloudaudit/*.log"} {
		for _, b := range decodetest.Seeds(f, glob) {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"source":"nova","action":"create-vm","method":"POST","uri":"/v2.1/servers","request_body":"{\"server\":{\"block_device_mapping_v2\":[{\"uuid\":\"x\""}`))
	f.Add([]byte("<14>1 - - - - - - CEF:0|VK|A|1|b|c|d|=\\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(t, vkcloud.Format{}, data)
		// Auto-detection runs Sniff and SniffText as well.
		res := decodetest.Decode(t, nil, formats, "fuzz", data)
		for _, e := range res.Errors {
			if strings.Contains(e.Error(), "internal error") {
				t.Fatalf("decoder panicked: %v", e)
			}
		}
	})
}

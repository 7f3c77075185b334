package yandex_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
)

func FuzzDecode(f *testing.F) {
	for _, g := range []string{"testdata/*.json", "testdata/*.ndjson", "../../../examples/yandex/*/*/*/*/*/*.json"} {
		for _, b := range decodetest.Seeds(f, g) {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"eventType":"yandex.cloud.audit.compute.CreateInstance","eventStatus":"DONE","details":{"networkInterfaces":[{"index":"x","primaryV4Address":{"oneToOneNat":null}}]}}`))
	f.Add([]byte(`{"event_type":"yandex.cloud.audit.network.UpdateSecurityGroup","details":{"rules":{"direction":"INGRESS","ports":{"from_port":"x"},"cidr_blocks":{"v4_cidr_blocks":"0.0.0.0/0"}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodetest.Fuzz(t, yandex.Format{}, b)
	})
}

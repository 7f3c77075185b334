package gcpaudit_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/gcpaudit"
)

func FuzzDecode(f *testing.F) {
	globs := []string{"testdata/*.json", "testdata/*.ndjson",
		filepath.Join("..", "..", "..", "examples", "gcp", "*", "*", "*", "*", "*", "*.json"),
		filepath.Join("..", "..", "..", "..", "shared", "samples", "gcp", "audit", "panther", "*.ndjson")}
	for _, glob := range globs {
		for _, b := range decodetest.Seeds(f, glob) {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"protoPayload":{"methodName":"v1.compute.firewalls.insert","request":{"alloweds":[{"IPProtocol":"tcp","ports":["1-"]}]}},"operation":{"id":"o","first":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(t, gcpaudit.Format{}, data)
	})
}

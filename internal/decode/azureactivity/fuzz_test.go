package azureactivity_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

// samplesFile is the Panther sample beside the repository, when present.
const samplesFile = "../../../../shared/samples/azure/activity/panther/azure_monitor_activity_tests.ndjson"

func FuzzDecode(f *testing.F) {
	for _, s := range decodetest.Seeds(f, filepath.Join("testdata", "*.json")) {
		f.Add(s)
	}
	if b, err := os.ReadFile(samplesFile); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			var test struct {
				Log json.RawMessage `json:"log"`
			}
			if json.Unmarshal(line, &test) == nil && len(test.Log) > 0 {
				f.Add([]byte(test.Log)) // a Panther test's record
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(t, azureactivity.Format{}, data)
	})
}

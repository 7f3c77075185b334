package cloudtrail_test

import (
	"path/filepath"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
)

func FuzzDecode(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	// Real shapes too, when the shared samples are beside the repository.
	samples := filepath.Join("..", "..", "..", "..", "shared", "samples", "aws", "cloudtrail")
	for _, glob := range []string{"stratus/detonation-logs/aws.exfiltration.*.json", "traildiscover/logExamples/EC2-*.json.cloudtrail"} {
		for _, b := range decodetest.Seeds(f, filepath.Join(samples, glob)) {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Events":[{"EventName":"X","CloudTrailEvent":"{\"eventSource\":\"a\",\"eventName\":\"b\"}"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(t, cloudtrail.Format{}, data)
	})
}

package importer_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

// FuzzImport feeds any bytes to Detect and Import under a few option sets:
// neither may panic, Detect names a known format or none, and a successful
// import gives placed records and whole scopes.
func FuzzImport(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Snapshots":[{"SnapshotId":"snap-1","VolumeSize":"1e30"}]}`))
	f.Add([]byte("\xFF\xFE[\x00]\x00"))
	var known []string
	for _, ft := range importer.Formats() {
		known = append(known, ft.Name)
	}
	optionSets := []importer.Options{
		{},
		{Account: "111122223333", Region: "eu-west-1"},
		{Account: "p", Region: "r", Cloud: event.VKCloud},
		{Account: "p", Region: "r", Format: importer.OpenStackSnapshots},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if d := importer.Detect(data); d != "" && !slices.Contains(known, d) {
			t.Fatalf("Detect = %q, not a known format", d)
		}
		for _, opts := range optionSets {
			res, err := importer.Import("fuzz.json", data, opts)
			if err != nil {
				continue
			}
			for _, r := range res.Records {
				if r.ID == "" || r.Cloud == "" || r.Account == "" || r.Region == "" || r.Kind == "" {
					t.Fatalf("record not placed: %+v", r)
				}
			}
			for _, s := range append(res.Complete, failedScopes(res.Failures)...) {
				if s.Cloud == "" || s.Account == "" || s.Region == "" || s.Kind == "" {
					t.Fatalf("scope not whole: %+v", s)
				}
			}
		}
	})
}

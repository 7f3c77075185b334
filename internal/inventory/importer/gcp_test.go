package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

func TestImport_GCP(t *testing.T) {
	res := importOK(t, importer.Options{}, "gcp-snapshots.json")
	rec := func(region string, r inventory.Record) inventory.Record {
		r.Cloud, r.Account, r.Region, r.Kind, r.Encrypted = event.GCP, "acme-prod", region, inventory.Snapshot, true
		return r
	}
	sameRecords(t, res.Records, []inventory.Record{
		rec("us", inventory.Record{
			ID:      "projects/acme-prod/global/snapshots/billing-db-20240501",
			Name:    "billing-db-20240501",
			Source:  "projects/acme-prod/zones/us-central1-a/disks/billing-db",
			Created: at(t, "2024-05-01T08:02:03.456Z"),
			KeyID:   "projects/acme-kms/locations/us/keyRings/snapshots/cryptoKeys/billing/cryptoKeyVersions/3",
			SizeGB:  200, State: "READY", Tags: map[string]string{"env": "prod", "app": "billing"},
		}),
		rec("europe-west1", inventory.Record{
			ID:      "projects/acme-prod/global/snapshots/scratch-copy",
			Name:    "scratch-copy",
			Source:  "projects/acme-prod/zones/europe-west1-b/disks/scratch",
			Created: at(t, "2024-05-02T17:00:00Z"), SizeGB: 10, State: "CREATING",
		}),
	})
	sameScopes(t, res.Complete, []inventory.Scope{
		{Cloud: event.GCP, Account: "acme-prod", Region: "europe-west1", Kind: inventory.Snapshot},
		{Cloud: event.GCP, Account: "acme-prod", Region: "us", Kind: inventory.Snapshot},
	})
}

// A snapshot without storageLocations needs --region; its other missing
// fields stay empty.
func TestImport_GCPMissingFields(t *testing.T) {
	f := file(t, "gcp-snapshots-minimal.json")
	_, err := importer.Import(f.Name, f.Data, importer.Options{})
	wantError(t, err, "gcp-snapshots-minimal.json: element 0: projects/acme-dev/global/snapshots/no-location: the export does not name the region: give --region")

	res := importOK(t, importer.Options{Region: "us"}, "gcp-snapshots-minimal.json")
	sameRecords(t, res.Records, []inventory.Record{{
		Cloud: event.GCP, Account: "acme-dev", Region: "us", Kind: inventory.Snapshot,
		ID: "projects/acme-dev/global/snapshots/no-location", Name: "no-location", State: "READY", Encrypted: true,
	}})
}

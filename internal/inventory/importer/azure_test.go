package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

const azSub = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

func TestImport_Azure(t *testing.T) {
	res := importOK(t, importer.Options{}, "azure-snapshots.json", "azure-snapshots-arm.json")
	rec := func(region string, r inventory.Record) inventory.Record {
		r.Cloud, r.Account, r.Region, r.Kind, r.Encrypted = event.Azure, azSub, region, inventory.Snapshot, true
		return r
	}
	sub := "/subscriptions/" + azSub
	sameRecords(t, res.Records, []inventory.Record{
		rec("westeurope", inventory.Record{
			ID:      sub + "/resourcegroups/prod-rg/providers/microsoft.compute/snapshots/prod-db-data-snap",
			Name:    "prod-db-data-snap",
			Source:  sub + "/resourcegroups/prod-rg/providers/microsoft.compute/disks/prod-db-data",
			Created: at(t, "2024-05-01T04:12:55.1234567Z"), SizeGB: 128, State: "ActiveSAS",
			Tags: map[string]string{"owner": "dba", "criticality": "high"},
			// A SAS granted under AllowAll: anyone with the URL reads it.
			Exposure: inventory.Exposure{Network: "sas", Public: true},
		}),
		rec("northeurope", inventory.Record{
			ID:      sub + "/resourcegroups/web-rg/providers/microsoft.compute/snapshots/web-os-snap",
			Name:    "web-os-snap",
			Source:  sub + "/resourcegroups/web-rg/providers/microsoft.compute/disks/web-os",
			Created: at(t, "2024-04-30T22:01:00.5Z"),
			KeyID:   sub + "/resourcegroups/keys-rg/providers/microsoft.compute/diskencryptionsets/web-des",
			SizeGB:  30, State: "Unattached",
			Exposure: inventory.Exposure{Network: "AllowPrivate"},
		}),
		// ARM shape (properties nested), id in upper case, imported from a blob.
		rec("westeurope", inventory.Record{
			ID:      sub + "/resourcegroups/imports/providers/microsoft.compute/snapshots/legacy-vhd",
			Name:    "legacy-vhd",
			Source:  "https://legacyvhds.blob.core.windows.net/vhds/legacy.vhd",
			Created: at(t, "2023-12-01T10:00:00Z"), SizeGB: 64, State: "ActiveSASFrozen",
			Tags:     map[string]string{"imported": ""},
			Exposure: inventory.Exposure{Network: "sas", Public: true},
		}),
	})
	sameScopes(t, res.Complete, []inventory.Scope{
		{Cloud: event.Azure, Account: azSub, Region: "northeurope", Kind: inventory.Snapshot},
		{Cloud: event.Azure, Account: azSub, Region: "westeurope", Kind: inventory.Snapshot},
	})
}

// az snapshot list covers every location of the subscription: --region
// names one more location the list leaves empty; --account is compared
// case-insensitively with the ids' subscription.
func TestImport_AzureOptions(t *testing.T) {
	res := importOK(t, importer.Options{Account: "0F1E2D3C-4B5A-6978-8A9B-0C1D2E3F4A5B", Region: "uksouth"}, "azure-snapshots.json")
	sameScopes(t, res.Complete, []inventory.Scope{
		{Cloud: event.Azure, Account: azSub, Region: "northeurope", Kind: inventory.Snapshot},
		{Cloud: event.Azure, Account: azSub, Region: "uksouth", Kind: inventory.Snapshot},
		{Cloud: event.Azure, Account: azSub, Region: "westeurope", Kind: inventory.Snapshot},
	})

	f := file(t, "azure-snapshots.json")
	_, err := importer.Import(f.Name, f.Data, importer.Options{Account: "11111111-2222-3333-4444-555555555555"})
	wantError(t, err, `azure-snapshots.json: element 0: /subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourcegroups/prod-rg/providers/microsoft.compute/snapshots/prod-db-data-snap: the export says subscription id "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", --account says "11111111-2222-3333-4444-555555555555"`)
}

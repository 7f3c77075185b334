package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

const osProject = "7d1f0c3e5b9a4c2d8e6f0a1b2c3d4e5f"

func TestImport_OpenStack(t *testing.T) {
	for _, cloud := range []event.Cloud{"", event.OpenStack, event.VKCloud} {
		t.Run("cloud="+string(cloud), func(t *testing.T) {
			res := importOK(t, importer.Options{Account: osProject, Region: "RegionOne", Cloud: cloud}, "openstack-snapshots.json")
			want := cloud
			if want == "" {
				want = event.OpenStack
			}
			rec := func(r inventory.Record) inventory.Record {
				r.Cloud, r.Account, r.Region, r.Kind = want, osProject, "RegionOne", inventory.Snapshot
				return r
			}
			sameRecords(t, res.Records, []inventory.Record{
				rec(inventory.Record{
					// UUIDs lower-cased, as the decoders give them.
					ID:      "1b6f2e0a-7c3d-4e8f-9a1b-2c3d4e5f6a7b",
					Name:    "db01-data-snap",
					Source:  "8d2f4c6e-1a3b-4c5d-9e7f-0a1b2c3d4e5f",
					Created: at(t, "2024-05-01T06:30:12Z"), SizeGB: 50, State: "available",
					Tags: map[string]string{"owner": "dba", "criticality": "high"},
				}),
				rec(inventory.Record{
					ID:      "c0ffee00-1234-4abc-8def-0123456789ab",
					Source:  "f00dbabe-0000-4111-8222-333344445555",
					Created: at(t, "2024-05-02T23:59:59.123456Z"), SizeGB: 10, State: "creating",
				}),
			})
			sameScopes(t, res.Complete, []inventory.Scope{{Cloud: want, Account: osProject, Region: "RegionOne", Kind: inventory.Snapshot}})
		})
	}
}

// Older clients print Properties as text and, with --all-projects, a
// Project ID column; without --long there is no time or volume.
func TestImport_OpenStackVariants(t *testing.T) {
	res := importOK(t, importer.Options{Region: "RegionOne"}, "openstack-snapshots-old.json")
	sameRecords(t, res.Records, []inventory.Record{{
		Cloud: event.OpenStack, Account: osProject, Region: "RegionOne", Kind: inventory.Snapshot,
		ID: "aa11bb22-cc33-4d44-8e55-ff6677889900", Name: "legacy", Source: "0e1d2c3b-4a59-4687-9a1b-2c3d4e5f6071",
		Created: at(t, "2019-07-08T09:10:11Z"), SizeGB: 20, State: "available",
		Tags: map[string]string{"backup": "weekly", "note": "a, b"},
	}})

	res = importOK(t, importer.Options{Account: osProject, Region: "RegionOne"}, "openstack-snapshots-short.json")
	sameRecords(t, res.Records, []inventory.Record{{
		Cloud: event.OpenStack, Account: osProject, Region: "RegionOne", Kind: inventory.Snapshot,
		ID: "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716", Name: "no-long", SizeGB: 1, State: "available",
	}})

	f := file(t, "openstack-snapshots.json")
	_, err := importer.Import(f.Name, f.Data, importer.Options{Region: "RegionOne"})
	wantError(t, err, "openstack-snapshots.json: element 0: 1b6f2e0a-7c3d-4e8f-9a1b-2c3d4e5f6a7b: the export does not name the project id: give --account")
	_, err = importer.Import(f.Name, f.Data, importer.Options{Account: osProject})
	wantError(t, err, "openstack-snapshots.json: element 0: 1b6f2e0a-7c3d-4e8f-9a1b-2c3d4e5f6a7b: the export does not name the region: give --region")
}

// Older clients' Properties text: key='value' pairs, commas inside quotes.
func TestImport_OpenStackPropertyText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want map[string]string
	}{
		{`a='1', b='x, y'`, map[string]string{"a": "1", "b": "x, y"}},
		{`a=1, b=2`, map[string]string{"a": "1", "b": "2"}},
		{`k='v'`, map[string]string{"k": "v"}},
		{`k='unterminated`, map[string]string{"k": "unterminated"}},
		{``, nil},
		{`no pairs here`, nil},
	} {
		data := `[{"ID":"5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716","Status":"available","Size":1,"Properties":` + js(tc.text) + `}]`
		res, err := importer.Import("props.json", []byte(data), importer.Options{Account: osProject, Region: "RegionOne"})
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if got := res.Records[0].Tags; js(got) != js(tc.want) {
			t.Errorf("%q: tags %s, want %s", tc.text, js(got), js(tc.want))
		}
	}
}

package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

const ycFolder = "b1g0a1b2c3d4e5f6g7h8"

func TestImport_Yandex(t *testing.T) {
	for _, tc := range []struct{ region, want string }{
		{"", "ru-central1"}, // snapshots have no zone: the collector's region
		{"kz1", "kz1"},
	} {
		t.Run("region="+tc.region, func(t *testing.T) {
			res := importOK(t, importer.Options{Region: tc.region}, "yandex-snapshots.json")
			rec := func(r inventory.Record) inventory.Record {
				r.Cloud, r.Account, r.Region, r.Kind, r.Encrypted = event.Yandex, ycFolder, tc.want, inventory.Snapshot, true
				return r
			}
			sameRecords(t, res.Records, []inventory.Record{
				rec(inventory.Record{
					ID: "fd8a1b2c3d4e5f6g7h8i", Name: "pg-master-disk-snap", Source: "fhm0a1b2c3d4e5f6g7h8",
					Created: at(t, "2024-05-01T07:00:01Z"), SizeGB: 20, State: "READY",
					Tags: map[string]string{"env": "prod"},
				}),
				rec(inventory.Record{
					// One byte over 10 GiB rounds up.
					ID: "fd8z9y8x7w6v5u4t3s2r", Name: "kms-snap", Source: "epd1a2b3c4d5e6f7g8h9",
					Created: at(t, "2024-05-02T12:30:00.5Z"), SizeGB: 11, State: "CREATING",
					KeyID: "abj1a2b3c4d5e6f7g8h9",
				}),
			})
			sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.Yandex, Account: ycFolder, Region: tc.want, Kind: inventory.Snapshot}})
		})
	}
}

// The REST API's camelCase names read as the CLI's snake_case ones.
func TestImport_YandexCamelCase(t *testing.T) {
	data := []byte(`[{"id":"fd8c","folderId":"b1gf","createdAt":"2024-01-01T00:00:00Z","diskSize":"1073741824","sourceDiskId":"fhmd","status":"READY","kmsKey":{"keyId":"abjk"}}]`)
	res, err := importer.Import("rest.json", data, importer.Options{Format: importer.YandexSnapshots})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, res.Records, []inventory.Record{{
		Cloud: event.Yandex, Account: "b1gf", Region: "ru-central1", Kind: inventory.Snapshot,
		ID: "fd8c", Source: "fhmd", Created: at(t, "2024-01-01T00:00:00Z"), SizeGB: 1, State: "READY",
		Encrypted: true, KeyID: "abjk",
	}})
}

package importer_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

// BenchmarkImport reads generated exports of n copies: a large account's
// describe-snapshots and az snapshot list.
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, tc := range []struct {
			format string
			data   []byte
		}{
			{"aws-ec2-snapshots", ec2Export(n)},
			{"azure-snapshots", azureExport(n)},
		} {
			b.Run(fmt.Sprintf("format=%s/n=%d", tc.format, n), func(b *testing.B) {
				opts := importer.Options{Region: "eu-west-1"}
				b.SetBytes(int64(len(tc.data)))
				b.ReportAllocs()
				for b.Loop() {
					res, err := importer.Import("bench.json", tc.data, opts)
					if err != nil || len(res.Records) != n {
						b.Fatalf("%v, %d records", err, len(res.Records))
					}
				}
			})
		}
	}
}

func ec2Export(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"Snapshots": [`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `
        {"Description": "nightly %d", "Encrypted": true, "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
         "OwnerId": "111122223333", "Progress": "100%%", "SnapshotId": "snap-%017x", "StartTime": "2024-05-01T02:00:13.512000+00:00",
         "State": "completed", "VolumeId": "vol-%017x", "VolumeSize": 100, "StorageTier": "standard",
         "Tags": [{"Key": "Name", "Value": "db-%d"}, {"Key": "env", "Value": "prod"}]}`, i, i, i, i)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes()
}

func azureExport(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("[")
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `
  {"creationData": {"createOption": "Copy", "sourceResourceId": "/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/RG/providers/Microsoft.Compute/disks/d%d"},
   "diskSizeGb": 128, "diskState": "Unattached", "encryption": {"diskEncryptionSetId": null, "type": "EncryptionAtRestWithPlatformKey"},
   "id": "/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/RG/providers/Microsoft.Compute/snapshots/s%d",
   "incremental": true, "location": "westeurope", "name": "s%d", "networkAccessPolicy": "AllowAll", "provisioningState": "Succeeded",
   "publicNetworkAccess": "Enabled", "resourceGroup": "RG", "sku": {"name": "Standard_ZRS", "tier": "Standard"},
   "tags": {"env": "prod"}, "timeCreated": "2024-05-01T04:12:55.1234567+00:00", "type": "Microsoft.Compute/snapshots"}`, i, i, i)
	}
	buf.WriteString("\n]\n")
	return buf.Bytes()
}

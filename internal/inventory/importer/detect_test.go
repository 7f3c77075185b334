package importer_test

import (
	"testing"
	"unicode/utf16"

	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"aws-ec2-snapshots.json", importer.AWSSnapshots},
		{"aws-ec2-snapshots-empty.json", importer.AWSSnapshots},
		{"aws-ec2-snapshot-attribute.json", importer.AWSSnapshotAttribute},
		{"aws-ec2-images.json", importer.AWSImages},
		{"aws-ec2-image-attribute.json", importer.AWSImageAttribute},
		{"aws-rds-db-snapshots.json", importer.AWSDBSnapshots},
		{"aws-rds-db-cluster-snapshots.json", importer.AWSDBClusterSnapshots},
		{"aws-rds-db-snapshot-attributes.json", importer.AWSDBSnapshotAttrs},
		{"azure-snapshots.json", importer.AzureSnapshots},
		{"azure-snapshots-arm.json", importer.AzureSnapshots},
		{"gcp-snapshots.json", importer.GCPSnapshots},
		{"gcp-snapshots-minimal.json", importer.GCPSnapshots},
		{"openstack-snapshots.json", importer.OpenStackSnapshots},
		{"openstack-snapshots-old.json", importer.OpenStackSnapshots},
		{"openstack-snapshots-short.json", importer.OpenStackSnapshots},
		{"yandex-snapshots.json", importer.YandexSnapshots},
		{"empty-array.json", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if got := importer.Detect(file(t, tc.file).Data); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetect_Inline(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", ""},
		{"not JSON", "snap-0123 completed", ""},
		{"scalar", `"Snapshots"`, ""},
		{"unknown object", `{"Volumes": []}`, ""},
		{"openstack volume list", `[{"ID":"a","Name":"v","Status":"in-use","Size":1,"Attached to":"x"}]`, ""},
		{"openstack backup list", `[{"ID":"a","Name":"b","Description":"","Status":"available","Size":1,"Incremental":false}]`, ""},
		{"yandex disk list", `[{"id":"fhm","folder_id":"b1g","size":"1","zone_id":"ru-central1-a"}]`, ""},
		{"attribute stream", `{"SnapshotId":"snap-1","CreateVolumePermissions":[]} {"SnapshotId":"snap-2","CreateVolumePermissions":[]}`, importer.AWSSnapshotAttribute},
		{"attributes by jq -s", `[{"DBSnapshotAttributesResult":{"DBSnapshotIdentifier":"a","DBSnapshotAttributes":[]}}]`, importer.AWSDBSnapshotAttrs},
		{"azure by type", `[{"id":"x","type":"Microsoft.Compute/snapshots"}]`, importer.AzureSnapshots},
		{"gcp by selfLink", `[{"selfLink":"https://www.googleapis.com/compute/v1/projects/p/global/snapshots/s"}]`, importer.GCPSnapshots},
		{"yandex camelCase", `[{"id":"fd8","folderId":"b1g","diskSize":"1"}]`, importer.YandexSnapshots},
		{"UTF-8 BOM", "\xEF\xBB\xBF{\"Snapshots\": []}", importer.AWSSnapshots},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := importer.Detect([]byte(tc.data)); got != tc.want {
				t.Errorf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

// PowerShell's ">" writes az's output as UTF-16 with a byte-order mark.
func TestDetect_UTF16(t *testing.T) {
	src := file(t, "azure-snapshots.json").Data
	for _, bigEndian := range []bool{false, true} {
		data := utf16Bytes(string(src), bigEndian)
		if got := importer.Detect(data); got != importer.AzureSnapshots {
			t.Errorf("bigEndian=%v: Detect = %q", bigEndian, got)
		}
		res, err := importer.Import("ps.json", data, importer.Options{})
		if err != nil {
			t.Fatalf("bigEndian=%v: %v", bigEndian, err)
		}
		if len(res.Records) != 2 || res.Records[0].Name != "prod-db-data-snap" {
			t.Errorf("bigEndian=%v: records %s", bigEndian, js(res.Records))
		}
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range importer.Formats() {
		if f.Name == "" || f.Command == "" || seen[f.Name] {
			t.Errorf("format %+v: empty or repeated", f)
		}
		seen[f.Name] = true
	}
	for _, name := range []string{importer.AWSSnapshots, importer.AzureSnapshots, importer.GCPSnapshots, importer.OpenStackSnapshots, importer.YandexSnapshots, importer.AWSDBSnapshots} {
		if !seen[name] {
			t.Errorf("Formats lacks %s", name)
		}
	}
}

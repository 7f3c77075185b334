package importer_test

import (
	"errors"
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

// An empty export empties the scope --account and --region name, and
// needs them.
func TestImport_Empty(t *testing.T) {
	res := importOK(t, importer.Options{Account: awsAccount, Region: "eu-west-1"}, "aws-ec2-snapshots-empty.json")
	if len(res.Records) != 0 {
		t.Errorf("records: %s", js(res.Records))
	}
	sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.AWS, Account: awsAccount, Region: "eu-west-1", Kind: inventory.Snapshot}})

	f := file(t, "aws-ec2-snapshots-empty.json")
	_, err := importer.Import(f.Name, f.Data, importer.Options{Region: "eu-west-1"})
	wantError(t, err, "aws-ec2-snapshots-empty.json: the export lists no copy of the account's: give --account (AWS account id) to say which scope it empties")
	_, err = importer.Import(f.Name, f.Data, importer.Options{})
	wantError(t, err, "give --account (AWS account id) and --region")

	// Every CLI prints an empty list as []: the format must be named.
	f = file(t, "empty-array.json")
	_, err = importer.Import(f.Name, f.Data, importer.Options{Account: azSub, Region: "westeurope"})
	wantError(t, err, "empty-array.json: an empty list, which every CLI prints alike: give --format")
	res = importOK(t, importer.Options{Account: azSub, Region: "westeurope", Format: importer.AzureSnapshots}, "empty-array.json")
	sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.Azure, Account: azSub, Region: "westeurope", Kind: inventory.Snapshot}})
}

// A sharing-attribute output needs the list of its copies.
func TestImport_AttributesAlone(t *testing.T) {
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{"aws-ec2-snapshot-attribute.json"}, "aws-ec2-snapshot-attribute.json: element 0: sharing of snap-0a1b2c3d4e5f60718, but no list of its snapshots among the files: import it together with its list (aws ec2 describe-snapshots --owner-ids self)"},
		{[]string{"aws-ec2-image-attribute.json"}, "aws-ec2-image-attribute.json: element 0: sharing of ami-0abcdef1234567890, but no list of its images among the files"},
		{[]string{"aws-rds-db-snapshot-attributes.json"}, "aws-rds-db-snapshot-attributes.json: element 0: sharing of snapshot:prod-db-before-migration, but no list of its db_snapshots"},
		// The list is there, but not the copy: another account or region.
		{[]string{"aws-ec2-snapshots-paged.json", "aws-ec2-snapshot-attribute.json"}, "aws-ec2-snapshot-attribute.json: element 0: sharing of snap-0a1b2c3d4e5f60718, which none of the lists given holds"},
		{[]string{"aws-rds-db-cluster-snapshots.json", "aws-rds-db-snapshot-attributes.json"}, "which none of the lists given holds"},
	} {
		opts := importer.Options{Account: awsAccount, Region: "eu-west-1"}
		if tc.files[0] == "aws-rds-db-cluster-snapshots.json" {
			opts.Region = "" // the ARNs name us-east-1
		}
		files := make([]importer.File, len(tc.files))
		for i, n := range tc.files {
			files[i] = file(t, n)
		}
		_, err := importer.ImportFiles(files, opts)
		wantError(t, err, tc.want)
	}
}

// Bad input names the file and, where it can, the element.
func TestImport_Errors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  string
		opts  importer.Options
		index int
		want  string
	}{
		{"empty file", "", importer.Options{}, -1, "empty file: not an export"},
		{"not JSON", "SnapshotId snap-1", importer.Options{}, -1, "not JSON: export with the CLI's JSON output"},
		{"unknown", `{"Volumes": []}`, importer.Options{}, -1, "not an export this version reads"},
		{"no region", `{"Snapshots":[{"SnapshotId":"snap-1","OwnerId":"1"}]}`, importer.Options{}, 0, "snap-1: the export does not name the region: give --region"},
		{"no id", `{"Snapshots":[{"SnapshotId":"snap-1","OwnerId":"1"},{"OwnerId":"1"}]}`, importer.Options{Region: "r"}, 1, "no id"},
		{"bad size", `{"Snapshots":[{"SnapshotId":"snap-1","OwnerId":"1","VolumeSize":"big"}]}`, importer.Options{Region: "r"}, 0, `not an integer: "big"`},
		{"bad type", `{"Snapshots":[{"SnapshotId":["snap-1"]}]}`, importer.Options{Region: "r"}, 0, "field SnapshotId: unexpected JSON array"},
		{"bad time", `[{"id":"fd8","folder_id":"b1g","disk_size":"1","created_at":"yesterday"}]`, importer.Options{}, 0, `created_at: not a timestamp: "yesterday"`},
		{"list not a list", `{"Snapshots": {}}`, importer.Options{}, -1, `"Snapshots" is not a list`},
		{"element not an object", `[{"id":"fd8","folder_id":"b1g","disk_size":"1"}, 7]`, importer.Options{}, 1, "unexpected JSON number"},
		{"two values", `{"Snapshots": []} {"Snapshots": []}`, importer.Options{Account: "1", Region: "r"}, -1, "more than one JSON value: give one export per file"},
		{"truncated", `{"Snapshots": [{"SnapshotId": "snap-1"`, importer.Options{Format: importer.AWSSnapshots}, -1, "truncated JSON"},
		{"cloud mismatch", `{"Snapshots": []}`, importer.Options{Cloud: event.GCP}, -1, "an export of aws (aws ec2 describe-snapshots --owner-ids self), but the cloud given is gcp"},
		{"vkcloud for azure", `[{"id":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/snapshots/x"}]`, importer.Options{Cloud: event.VKCloud}, -1, "but the cloud given is vkcloud"},
		{"attribute without id", `{"SnapshotId":"","CreateVolumePermissions":[]}`, importer.Options{}, 0, "names no snapshot or image"},
		{"rds attribute without identifier", `{"DBSnapshotAttributesResult":{"DBSnapshotAttributes":[]}}`, importer.Options{}, 0, "no snapshot identifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.Import("export.json", []byte(tc.data), tc.opts)
			wantError(t, err, tc.want)
			var ie *importer.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T) is not an *importer.Error", err, err)
			}
			if ie.File != "export.json" || ie.Index != tc.index {
				t.Errorf("error names file %q element %d, want export.json element %d", ie.File, ie.Index, tc.index)
			}
		})
	}
}

func TestImport_UnknownFormatName(t *testing.T) {
	_, err := importer.Import("export.json", []byte(`[]`), importer.Options{Format: "csv"})
	wantError(t, err, `unknown format "csv" (want one of aws-ec2-snapshots,`)
}

// Options.Format does not override what Detect tells: one value serves a
// whole import of several files.
func TestImport_FormatFallback(t *testing.T) {
	res := importOK(t, importer.Options{Account: "acme-prod", Region: "asia-east1", Format: importer.OpenStackSnapshots}, "empty-array.json", "gcp-snapshots.json")
	if len(res.Records) != 2 || res.Records[0].Cloud != event.GCP {
		t.Errorf("records: %s", js(res.Records))
	}
	sameScopes(t, res.Complete, []inventory.Scope{
		{Cloud: event.GCP, Account: "acme-prod", Region: "asia-east1", Kind: inventory.Snapshot},
		{Cloud: event.GCP, Account: "acme-prod", Region: "europe-west1", Kind: inventory.Snapshot},
		{Cloud: event.GCP, Account: "acme-prod", Region: "us", Kind: inventory.Snapshot},
		{Cloud: event.OpenStack, Account: "acme-prod", Region: "asia-east1", Kind: inventory.Snapshot},
	})
}

// The same copy in two exports is kept once.
func TestImportFiles_Duplicate(t *testing.T) {
	res := importOK(t, importer.Options{}, "gcp-snapshots.json", "gcp-snapshots.json")
	if len(res.Records) != 2 {
		t.Errorf("got %d records, want 2", len(res.Records))
	}
}

// Sizes some exports print as strings or floats read as whole numbers;
// what is no number is an error, never a panic.
func TestImport_Sizes(t *testing.T) {
	for _, tc := range []struct {
		size string
		want int64
		err  string
	}{
		{`100`, 100, ""},
		{`"100"`, 100, ""},
		{`20.0`, 20, ""},
		{`null`, 0, ""},
		{`""`, 0, ""},
		{`"NaN"`, 0, "not an integer"},
		{`1e300`, 0, "not an integer"},
		{`-1.5`, 0, "not an integer"},
	} {
		data := `{"Snapshots":[{"SnapshotId":"snap-1","OwnerId":"1","VolumeSize":` + tc.size + `}]}`
		res, err := importer.Import("sizes.json", []byte(data), importer.Options{Region: "r"})
		if tc.err != "" {
			wantError(t, err, tc.err)
			continue
		}
		if err != nil {
			t.Errorf("size %s: %v", tc.size, err)
			continue
		}
		if got := res.Records[0].SizeGB; got != tc.want {
			t.Errorf("size %s: SizeGB %d, want %d", tc.size, got, tc.want)
		}
	}
}

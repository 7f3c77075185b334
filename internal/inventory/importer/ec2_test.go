package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

const (
	awsAccount = "111122223333"
	ebsKey     = "arn:aws:kms:eu-west-1:111122223333:key/1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
)

func TestImport_EC2Snapshots(t *testing.T) {
	res := importOK(t, importer.Options{Region: "eu-west-1"}, "aws-ec2-snapshots.json", "aws-ec2-snapshot-attribute.json")
	rec := func(r inventory.Record) inventory.Record {
		r.Cloud, r.Account, r.Region, r.Kind = event.AWS, awsAccount, "eu-west-1", inventory.Snapshot
		return r
	}
	sameRecords(t, res.Records, []inventory.Record{
		rec(inventory.Record{
			ID: "snap-0a1b2c3d4e5f60718", Name: "prod-db-nightly", Source: "vol-049df61146c4d7901",
			Created:   at(t, "2024-05-01T02:00:13.512Z"),
			Encrypted: true, KeyID: ebsKey, SizeGB: 100, State: "completed",
			Tags:     map[string]string{"Name": "prod-db-nightly", "criticality": "high"},
			Exposure: inventory.Exposure{Accounts: []string{"444455556666"}},
		}),
		rec(inventory.Record{
			// A copy: EC2 gives it vol-ffffffff; its description names the source.
			ID: "snap-09f8e7d6c5b4a3921", Source: "snap-0a1b2c3d4e5f60718",
			Created: at(t, "2024-05-02T17:45:00Z"), SizeGB: 100, State: "completed",
			Exposure: inventory.Exposure{Accounts: []string{"777788889999"}, Public: true},
		}),
		rec(inventory.Record{
			ID: "snap-0123456789abcdef0", Source: "vol-0c1d2e3f405162738",
			Created: at(t, "2024-05-03T09:30:00Z"), SizeGB: 8, State: "pending",
		}),
	})
	sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.AWS, Account: awsAccount, Region: "eu-west-1", Kind: inventory.Snapshot}})
	if len(res.Failures) != 0 {
		t.Errorf("failures: %v", res.Failures)
	}
}

func TestImport_EC2Images(t *testing.T) {
	res := importOK(t, importer.Options{Region: "eu-west-1"}, "aws-ec2-image-attribute.json", "aws-ec2-images.json")
	rec := func(r inventory.Record) inventory.Record {
		r.Cloud, r.Account, r.Region, r.Kind = event.AWS, awsAccount, "eu-west-1", inventory.Image
		return r
	}
	sameRecords(t, res.Records, []inventory.Record{
		rec(inventory.Record{
			ID: "ami-0abcdef1234567890", Name: "web-golden-2024-04-20", Source: "i-0f1e2d3c4b5a69788",
			Created: at(t, "2024-04-20T11:02:33Z"),
			// Both EBS volumes are encrypted; the ephemeral mapping counts for nothing.
			Encrypted: true, KeyID: "arn:aws:kms:eu-west-1:111122223333:key/9f8e7d6c-5b4a-4321-8765-43210fedcba9",
			SizeGB: 80, State: "available", Tags: map[string]string{"team": "web"},
			Exposure: inventory.Exposure{Accounts: []string{"444455556666", "arn:aws:organizations::111122223333:ou/o-abcd1234/ou-ab12-cdef3456"}},
		}),
		rec(inventory.Record{
			ID: "ami-0fedcba9876543210", Name: "debug-copy", Source: "ami-0abcdef1234567890",
			Created: at(t, "2024-04-28T08:00:00Z"), SizeGB: 8, State: "available",
			Exposure: inventory.Exposure{Public: true},
		}),
	})
	sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.AWS, Account: awsAccount, Region: "eu-west-1", Kind: inventory.Image}})
}

// An EC2 list without --owner-ids self holds other owners' public copies:
// --account says which are the caller's; the others are left out.
func TestImport_EC2OtherOwners(t *testing.T) {
	res := importOK(t, importer.Options{Account: awsAccount, Region: "us-east-1"}, "aws-ec2-snapshots-owners.json")
	if len(res.Records) != 1 || res.Records[0].ID != "snap-0bbbbbbbbbbbbbbb1" || res.Records[0].Account != awsAccount {
		t.Fatalf("records: %s, want only snap-0bbbbbbbbbbbbbbb1", js(res.Records))
	}
	sameScopes(t, res.Complete, []inventory.Scope{{Cloud: event.AWS, Account: awsAccount, Region: "us-east-1", Kind: inventory.Snapshot}})

	_, err := importer.Import("aws-ec2-snapshots-owners.json", file(t, "aws-ec2-snapshots-owners.json").Data, importer.Options{Region: "us-east-1"})
	wantError(t, err, "aws-ec2-snapshots-owners.json: copies of 2 owners (111122223333, 999988887777): give --account")
}

// One page of a longer list keeps its records, but its scope is reported
// as a failure rather than complete: replacing the scope would remove the
// other pages' copies.
func TestImport_EC2Page(t *testing.T) {
	res := importOK(t, importer.Options{Region: "eu-west-1"}, "aws-ec2-snapshots-paged.json")
	if len(res.Records) != 1 || res.Records[0].ID != "snap-0aaaaaaaaaaaaaaa1" {
		t.Errorf("records: %s", js(res.Records))
	}
	if len(res.Complete) != 0 {
		t.Errorf("complete: %v, want none", res.Complete)
	}
	want := inventory.Scope{Cloud: event.AWS, Account: awsAccount, Region: "eu-west-1", Kind: inventory.Snapshot}
	if len(res.Failures) != 1 || res.Failures[0].Scope != want {
		t.Fatalf("failures: %v, want one for %v", res.Failures, want)
	}
	wantError(t, res.Failures[0].Err, "aws-ec2-snapshots-paged.json: the export is one page of a longer list (NextToken is set)")
}

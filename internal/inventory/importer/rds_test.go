package importer_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/importer"
)

const rdsKey = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-655443322110"

// RDS lists name account and region in their ARNs: no option is needed.
func TestImport_RDS(t *testing.T) {
	res := importOK(t, importer.Options{}, "aws-rds-db-snapshots.json", "aws-rds-db-cluster-snapshots.json", "aws-rds-db-snapshot-attributes.json")
	rec := func(account, region string, r inventory.Record) inventory.Record {
		r.Cloud, r.Account, r.Region, r.Kind = event.AWS, account, region, inventory.DBSnapshot
		return r
	}
	sameRecords(t, res.Records, []inventory.Record{
		rec(awsAccount, "eu-west-1", inventory.Record{
			ID:      "arn:aws:rds:eu-west-1:111122223333:snapshot:prod-db-before-migration",
			Name:    "prod-db-before-migration",
			Source:  "arn:aws:rds:eu-west-1:111122223333:db:prod-db",
			Created: at(t, "2024-05-01T21:14:03.662Z"), Encrypted: true, KeyID: rdsKey,
			SizeGB: 200, State: "available", Tags: map[string]string{"ticket": "CHG-1042"},
			Exposure: inventory.Exposure{Accounts: []string{"777788889999"}, Public: true},
		}),
		rec(awsAccount, "eu-west-1", inventory.Record{
			ID:      "arn:aws:rds:eu-west-1:111122223333:snapshot:rds:prod-db-2024-05-02-03-10",
			Name:    "rds:prod-db-2024-05-02-03-10",
			Source:  "arn:aws:rds:eu-west-1:111122223333:db:prod-db",
			Created: at(t, "2024-05-02T03:10:44.104Z"), Encrypted: true, KeyID: rdsKey,
			SizeGB: 200, State: "available",
		}),
		// The snapshot another account shares with the caller is left out.
		rec(awsAccount, "us-east-1", inventory.Record{
			ID:      "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:orders-aurora-final",
			Name:    "orders-aurora-final",
			Source:  "arn:aws:rds:us-east-1:111122223333:cluster:orders-aurora",
			Created: at(t, "2024-03-10T08:00:00Z"), Encrypted: true,
			KeyID:  "arn:aws:kms:us-east-1:111122223333:key/aaaabbbb-cccc-4ddd-8eee-ffff00001111",
			SizeGB: 1, State: "available",
		}),
	})
	sameScopes(t, res.Complete, []inventory.Scope{
		{Cloud: event.AWS, Account: awsAccount, Region: "eu-west-1", Kind: inventory.DBSnapshot},
		{Cloud: event.AWS, Account: awsAccount, Region: "us-east-1", Kind: inventory.DBSnapshot},
	})
}

// A --region other than the ARN's is a mistake, not a filler.
func TestImport_RDSRegionMismatch(t *testing.T) {
	f := file(t, "aws-rds-db-snapshots.json")
	_, err := importer.Import(f.Name, f.Data, importer.Options{Region: "us-east-1"})
	wantError(t, err, `aws-rds-db-snapshots.json: element 0: arn:aws:rds:eu-west-1:111122223333:snapshot:prod-db-before-migration: the export says region "eu-west-1", --region says "us-east-1"`)
}

package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// rdsPageSize is the largest page RDS's Describe calls return.
const rdsPageSize = 100

// restoreAttribute is the DB snapshot attribute listing the accounts that
// may copy or restore a manual snapshot ("all": anyone).
const restoreAttribute = "restore"

// dbSnapshot is a DB or DB cluster snapshot as listed, before its restore
// attribute is read.
type dbSnapshot struct {
	rec     inventory.Record
	cluster bool
	// shareable: a manual snapshot, the only kind RDS lets its owner share.
	shareable bool
}

// readDBSnapshots lists the account's DB snapshots and DB cluster
// snapshots, then reads the restore attribute of the manual ones. A
// snapshot whose attribute could not be read is left out, as with EBS.
func readDBSnapshots(ctx context.Context, r *reader) ([]inventory.Record, error) {
	api := r.clients().rds
	var snaps []dbSnapshot
	var errs []error
	instances := rds.NewDescribeDBSnapshotsPaginator(api, &rds.DescribeDBSnapshotsInput{MaxRecords: sdk.Int32(rdsPageSize)})
	for instances.HasMorePages() {
		page, err := instances.NextPage(ctx)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for _, s := range page.DBSnapshots {
			if cmp.Or(sdk.ToString(s.DBSnapshotArn), sdk.ToString(s.DBSnapshotIdentifier)) != "" {
				snaps = append(snaps, r.dbSnapshot(s))
			}
		}
	}
	clusters := rds.NewDescribeDBClusterSnapshotsPaginator(api, &rds.DescribeDBClusterSnapshotsInput{MaxRecords: sdk.Int32(rdsPageSize)})
	for clusters.HasMorePages() {
		page, err := clusters.NextPage(ctx)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for _, s := range page.DBClusterSnapshots {
			if cmp.Or(sdk.ToString(s.DBClusterSnapshotArn), sdk.ToString(s.DBClusterSnapshotIdentifier)) != "" {
				snaps = append(snaps, r.dbClusterSnapshot(s))
			}
		}
	}

	read := make([]bool, len(snaps))
	errs = append(errs, r.forEach(ctx, len(snaps), func(ctx context.Context, i int) error {
		s := &snaps[i]
		if s.shareable {
			values, err := restoreValues(ctx, api, s)
			if err != nil {
				return fmt.Errorf("DB snapshot %s: %w", s.rec.Name, err)
			}
			for _, v := range values {
				grant(&s.rec.Exposure, v)
			}
		}
		read[i] = true
		return nil
	}))
	recs := make([]inventory.Record, 0, len(snaps))
	for i, s := range snaps {
		if read[i] {
			recs = append(recs, s.rec)
		}
	}
	return recs, errors.Join(errs...)
}

// restoreValues returns the values of a snapshot's restore attribute.
func restoreValues(ctx context.Context, api *rds.Client, s *dbSnapshot) ([]string, error) {
	var values []string
	if s.cluster {
		out, err := api.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: sdk.String(s.rec.Name)})
		if err != nil {
			return nil, err
		}
		if res := out.DBClusterSnapshotAttributesResult; res != nil {
			for _, a := range res.DBClusterSnapshotAttributes {
				if strings.EqualFold(sdk.ToString(a.AttributeName), restoreAttribute) {
					values = append(values, a.AttributeValues...)
				}
			}
		}
		return values, nil
	}
	out, err := api.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: sdk.String(s.rec.Name)})
	if err != nil {
		return nil, err
	}
	if res := out.DBSnapshotAttributesResult; res != nil {
		for _, a := range res.DBSnapshotAttributes {
			if strings.EqualFold(sdk.ToString(a.AttributeName), restoreAttribute) {
				values = append(values, a.AttributeValues...)
			}
		}
	}
	return values, nil
}

// dbSnapshot makes a DB snapshot's record: named by its event.RDSID ARN,
// made from its DB instance, or for a copy from the snapshot it copies.
func (r *reader) dbSnapshot(s types.DBSnapshot) dbSnapshot {
	name := sdk.ToString(s.DBSnapshotIdentifier)
	rec := r.rdsRecord(event.RDSSnapshot, cmp.Or(sdk.ToString(s.DBSnapshotArn), name))
	rec.Name = name
	if src := sdk.ToString(s.SourceDBSnapshotIdentifier); src != "" {
		rec.Source = event.RDSID(rec.Account, rec.Region, event.RDSSnapshot, src)
	} else {
		rec.Source = event.RDSID(rec.Account, rec.Region, event.RDSInstance, sdk.ToString(s.DBInstanceIdentifier))
	}
	rec.Created = sdk.ToTime(s.SnapshotCreateTime)
	rec.Encrypted = sdk.ToBool(s.Encrypted)
	rec.KeyID = sdk.ToString(s.KmsKeyId)
	rec.SizeGB = int64(sdk.ToInt32(s.AllocatedStorage))
	rec.State = sdk.ToString(s.Status)
	rec.Tags = rdsTags(s.TagList)
	return dbSnapshot{rec: rec, shareable: strings.EqualFold(sdk.ToString(s.SnapshotType), "manual")}
}

// dbClusterSnapshot makes a DB cluster snapshot's record, from its cluster
// or the cluster snapshot it copies.
func (r *reader) dbClusterSnapshot(s types.DBClusterSnapshot) dbSnapshot {
	name := sdk.ToString(s.DBClusterSnapshotIdentifier)
	rec := r.rdsRecord(event.RDSClusterSnapshot, cmp.Or(sdk.ToString(s.DBClusterSnapshotArn), name))
	rec.Name = name
	if src := sdk.ToString(s.SourceDBClusterSnapshotArn); src != "" {
		rec.Source = event.RDSID(rec.Account, rec.Region, event.RDSClusterSnapshot, src)
	} else {
		rec.Source = event.RDSID(rec.Account, rec.Region, event.RDSCluster, sdk.ToString(s.DBClusterIdentifier))
	}
	rec.Created = sdk.ToTime(s.SnapshotCreateTime)
	rec.Encrypted = sdk.ToBool(s.StorageEncrypted)
	rec.KeyID = sdk.ToString(s.KmsKeyId)
	rec.SizeGB = int64(sdk.ToInt32(s.AllocatedStorage))
	rec.State = sdk.ToString(s.Status)
	rec.Tags = rdsTags(s.TagList)
	return dbSnapshot{rec: rec, cluster: true, shareable: strings.EqualFold(sdk.ToString(s.SnapshotType), "manual")}
}

// rdsRecord starts a record named by an RDS ARN or identifier; the ARN
// names the owner when the caller's account is unknown.
func (r *reader) rdsRecord(kind, id string) inventory.Record {
	owner := event.ARNAccount(id)
	rec := r.record(inventory.DBSnapshot, "", owner)
	rec.ID = event.RDSID(rec.Account, r.region, kind, id)
	return rec
}

func rdsTags(tags []types.Tag) map[string]string {
	return tagMap(tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
}

package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// backupPageSize is the page asked of AWS Backup's List calls.
const backupPageSize = 1000

// readBackups lists the region's backup vaults and the recovery points in
// each, with the tags of those AWS Backup manages itself (ARNs of the
// backup service); an EBS or RDS recovery point is a snapshot whose tags
// are the snapshot's own. A vault that fails does not stop the others; its
// error is the scope's.
func readBackups(ctx context.Context, r *reader) ([]inventory.Record, error) {
	api := r.clients().backup
	var vaults []types.BackupVaultListMember
	var errs []error
	pages := backup.NewListBackupVaultsPaginator(api, &backup.ListBackupVaultsInput{MaxResults: sdk.Int32(backupPageSize)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			errs = append(errs, err)
			break
		}
		vaults = append(vaults, page.BackupVaultList...)
	}
	var recs []inventory.Record
	for _, v := range vaults {
		if ctx.Err() != nil {
			break
		}
		got, err := r.recoveryPoints(ctx, api, v)
		recs = append(recs, got...)
		if err != nil {
			errs = append(errs, fmt.Errorf("vault %s: %w", sdk.ToString(v.BackupVaultName), err))
		}
	}
	return recs, errors.Join(errs...)
}

// recoveryPoints reads one vault.
func (r *reader) recoveryPoints(ctx context.Context, api *backup.Client, v types.BackupVaultListMember) ([]inventory.Record, error) {
	owner := event.ARNAccount(sdk.ToString(v.BackupVaultArn))
	var recs []inventory.Record
	var listErr error
	pages := backup.NewListRecoveryPointsByBackupVaultPaginator(api, &backup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: v.BackupVaultName,
		MaxResults:      sdk.Int32(backupPageSize),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, p := range page.RecoveryPoints {
			if sdk.ToString(p.RecoveryPointArn) != "" {
				recs = append(recs, r.recoveryPoint(p, owner))
			}
		}
	}
	read := make([]bool, len(recs))
	err := r.forEach(ctx, len(recs), func(ctx context.Context, i int) error {
		arn := recs[i].ID // an ARN still only when AWS Backup manages the copy itself
		if arnService(arn) != "backup" {
			read[i] = true
			return nil
		}
		tags, err := backupTags(ctx, api, arn)
		if err != nil {
			return fmt.Errorf("recovery point %s tags: %w", arn, err)
		}
		recs[i].Tags = tags
		read[i] = true
		return nil
	})
	return keep(recs, read), errors.Join(listErr, err)
}

// recoveryPoint makes a recovery point's record. Its id is the canonical id
// of its ARN (an EBS snapshot's snap-…, an RDS snapshot's RDSID, else the
// backup ARN); its source the resource backed up; its creator the IAM role
// AWS Backup assumed to make it, which is the principal CloudTrail shows
// making the underlying copy.
func (r *reader) recoveryPoint(p types.RecoveryPointByBackupVault, owner string) inventory.Record {
	arn := sdk.ToString(p.RecoveryPointArn)
	rec := r.record(inventory.Backup, resourceID(arn), cmp.Or(owner, event.ARNAccount(arn)))
	rec.Source = resourceID(sdk.ToString(p.ResourceArn))
	rec.Created = sdk.ToTime(p.CreationDate)
	rec.Creator = sdk.ToString(p.IamRoleArn)
	rec.Encrypted = p.IsEncrypted
	rec.KeyID = sdk.ToString(p.EncryptionKeyArn)
	rec.SizeGB = gib(sdk.ToInt64(p.BackupSizeInBytes))
	rec.State = string(p.Status)
	return rec
}

// gib returns bytes in GiB, rounded up: a partial GiB still holds data.
func gib(bytes int64) int64 {
	if bytes <= 0 {
		return 0
	}
	return (bytes-1)>>30 + 1
}

// backupTags reads a recovery point's tags, every page.
func backupTags(ctx context.Context, api *backup.Client, arn string) (map[string]string, error) {
	var tags map[string]string
	pages := backup.NewListTagsPaginator(api, &backup.ListTagsInput{ResourceArn: sdk.String(arn)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for k, v := range page.Tags {
			if tags == nil {
				tags = make(map[string]string, len(page.Tags))
			}
			tags[k] = v
		}
	}
	return tags, nil
}

package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// ec2PageSize is the largest page DescribeSnapshots and DescribeImages
// return.
const ec2PageSize = 1000

// readSnapshots lists the account's EBS snapshots, then reads who may
// create volumes from each (createVolumePermission). A snapshot whose
// permission could not be read is left out: an empty exposure would read
// as "not shared". When listing fails part way, the snapshots listed so
// far are still read.
func readSnapshots(ctx context.Context, r *reader) ([]inventory.Record, error) {
	api := r.clients().ec2
	var recs []inventory.Record
	pages := ec2.NewDescribeSnapshotsPaginator(api, &ec2.DescribeSnapshotsInput{
		OwnerIds:   []string{"self"},
		MaxResults: sdk.Int32(ec2PageSize),
	})
	var listErr error
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, s := range page.Snapshots {
			if sdk.ToString(s.SnapshotId) != "" {
				recs = append(recs, r.snapshot(s))
			}
		}
	}
	read := make([]bool, len(recs))
	err := r.forEach(ctx, len(recs), func(ctx context.Context, i int) error {
		out, err := api.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
			SnapshotId: sdk.String(recs[i].ID),
			Attribute:  types.SnapshotAttributeNameCreateVolumePermission,
		})
		if err != nil {
			return fmt.Errorf("snapshot %s: %w", recs[i].ID, err)
		}
		for _, p := range out.CreateVolumePermissions {
			grant(&recs[i].Exposure, string(p.Group))
			grant(&recs[i].Exposure, sdk.ToString(p.UserId))
		}
		read[i] = true
		return nil
	})
	return keep(recs, read), errors.Join(listErr, err)
}

func (r *reader) snapshot(s types.Snapshot) inventory.Record {
	rec := r.record(inventory.Snapshot, sdk.ToString(s.SnapshotId), sdk.ToString(s.OwnerId))
	rec.Tags = ec2Tags(s.Tags)
	rec.Name = rec.Tags[nameTag]
	rec.Source = snapshotSource(sdk.ToString(s.VolumeId), sdk.ToString(s.Description))
	rec.Created = sdk.ToTime(s.StartTime)
	rec.Encrypted = sdk.ToBool(s.Encrypted)
	rec.KeyID = sdk.ToString(s.KmsKeyId)
	rec.SizeGB = int64(sdk.ToInt32(s.VolumeSize))
	rec.State = string(s.State)
	return rec
}

// copyVolume is the volume id EC2 gives every snapshot copy.
const copyVolume = "vol-ffffffff"

// snapshotSource returns what a snapshot was made from: its volume, or for
// a copy (which has the placeholder volume) the snapshot named by the
// description EC2 writes when the copy is given none,
// "[Copied snap-… from REGION]".
func snapshotSource(volume, description string) string {
	if volume != copyVolume {
		return volume
	}
	rest, ok := strings.CutPrefix(description, "[Copied ")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, " ")
	if !strings.HasPrefix(id, "snap-") {
		return ""
	}
	return id
}

func ec2Tags(tags []types.Tag) map[string]string {
	return tagMap(tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
}

// keep returns the records whose attributes were read, in order.
func keep(recs []inventory.Record, read []bool) []inventory.Record {
	out := recs[:0]
	for i, rec := range recs {
		if read[i] {
			out = append(out, rec)
		}
	}
	return out
}

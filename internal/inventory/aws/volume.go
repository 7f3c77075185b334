package aws

import (
	"cmp"
	"context"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// volumePageSize is the largest page DescribeVolumes returns.
const volumePageSize = 500

// readVolumes lists the volumes made from a copy: restored from a snapshot
// or copied from another volume. Blank volumes are not copies and are left
// out of the inventory (and of its Volume scope).
func readVolumes(ctx context.Context, r *reader) ([]inventory.Record, error) {
	var recs []inventory.Record
	pages := ec2.NewDescribeVolumesPaginator(r.clients().ec2, &ec2.DescribeVolumesInput{MaxResults: sdk.Int32(volumePageSize)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return recs, err
		}
		for _, v := range page.Volumes {
			src := cmp.Or(sdk.ToString(v.SnapshotId), sdk.ToString(v.SourceVolumeId))
			if src == "" || sdk.ToString(v.VolumeId) == "" {
				continue
			}
			recs = append(recs, r.volume(v, src))
		}
	}
	return recs, nil
}

func (r *reader) volume(v types.Volume, source string) inventory.Record {
	rec := r.record(inventory.Volume, sdk.ToString(v.VolumeId), sdk.ToString(v.OwnerId))
	rec.Tags = ec2Tags(v.Tags)
	rec.Name = rec.Tags[nameTag]
	rec.Source = source
	rec.Created = sdk.ToTime(v.CreateTime)
	rec.Encrypted = sdk.ToBool(v.Encrypted)
	rec.KeyID = sdk.ToString(v.KmsKeyId)
	rec.SizeGB = int64(sdk.ToInt32(v.Size))
	rec.State = string(v.State)
	return rec
}

package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// readImages lists the account's AMIs (disabled and deprecated ones too),
// then reads who may launch each (launchPermission). As with snapshots, an
// AMI whose permission could not be read is left out.
func readImages(ctx context.Context, r *reader) ([]inventory.Record, error) {
	api := r.clients().ec2
	var recs []inventory.Record
	pages := ec2.NewDescribeImagesPaginator(api, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		IncludeDeprecated: sdk.Bool(true),
		IncludeDisabled:   sdk.Bool(true),
		MaxResults:        sdk.Int32(ec2PageSize),
	})
	var listErr error
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, img := range page.Images {
			if sdk.ToString(img.ImageId) != "" {
				recs = append(recs, r.image(img))
			}
		}
	}
	read := make([]bool, len(recs))
	err := r.forEach(ctx, len(recs), func(ctx context.Context, i int) error {
		out, err := api.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
			ImageId:   sdk.String(recs[i].ID),
			Attribute: types.ImageAttributeNameLaunchPermission,
		})
		if err != nil {
			return fmt.Errorf("image %s: %w", recs[i].ID, err)
		}
		for _, p := range out.LaunchPermissions {
			grant(&recs[i].Exposure, string(p.Group))
			grant(&recs[i].Exposure, sdk.ToString(p.UserId))
			grant(&recs[i].Exposure, sdk.ToString(p.OrganizationArn))
			grant(&recs[i].Exposure, sdk.ToString(p.OrganizationalUnitArn))
		}
		read[i] = true
		return nil
	})
	return keep(recs, read), errors.Join(listErr, err)
}

// image makes an AMI's record. Its source is the instance it was made from
// (CreateImage) or the AMI it copies; its size, encryption and key are
// those of its EBS volumes: encrypted when every one is.
func (r *reader) image(img types.Image) inventory.Record {
	rec := r.record(inventory.Image, sdk.ToString(img.ImageId), sdk.ToString(img.OwnerId))
	rec.Name = sdk.ToString(img.Name)
	rec.Source = cmp.Or(sdk.ToString(img.SourceInstanceId), sdk.ToString(img.SourceImageId))
	if t, err := time.Parse(time.RFC3339, sdk.ToString(img.CreationDate)); err == nil {
		rec.Created = t
	}
	rec.State = string(img.State)
	rec.Tags = ec2Tags(img.Tags)
	rec.Exposure.Public = sdk.ToBool(img.Public)
	ebs := 0
	rec.Encrypted = true
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs == nil {
			continue
		}
		ebs++
		rec.SizeGB += int64(sdk.ToInt32(m.Ebs.VolumeSize))
		rec.Encrypted = rec.Encrypted && sdk.ToBool(m.Ebs.Encrypted)
		rec.KeyID = cmp.Or(rec.KeyID, sdk.ToString(m.Ebs.KmsKeyId))
	}
	rec.Encrypted = rec.Encrypted && ebs > 0
	return rec
}

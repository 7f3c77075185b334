package aws

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// The guardrails' ids (and names): the region's settings that keep EBS
// snapshots and AMIs from being made public.
const (
	SnapshotBlockPublicAccess = "snapshot-block-public-access"
	ImageBlockPublicAccess    = "image-block-public-access"
)

// unblocked is the state of either setting when it blocks nothing.
const unblocked = "unblocked"

// readGuardrails reads the region's EBS snapshot and AMI block public
// access. A setting is Enabled unless "unblocked"; State keeps the API's
// word ("block-all-sharing" also hides snapshots already public,
// "block-new-sharing" only stops new sharing). An answer without a state
// is an error, not "off".
func readGuardrails(ctx context.Context, r *reader) ([]inventory.Record, error) {
	api := r.clients().ec2
	var recs []inventory.Record
	var errs []error
	add := func(name, state string, err error) {
		switch {
		case err != nil:
			errs = append(errs, err)
		case state == "":
			errs = append(errs, fmt.Errorf("%s: no state in the answer", name))
		default:
			rec := r.record(inventory.Guardrail, name, "")
			rec.Name = name
			rec.State = state
			rec.Enabled = state != unblocked
			recs = append(recs, rec)
		}
	}
	snap, err := api.GetSnapshotBlockPublicAccessState(ctx, &ec2.GetSnapshotBlockPublicAccessStateInput{})
	if err == nil {
		add(SnapshotBlockPublicAccess, string(snap.State), nil)
	} else {
		add(SnapshotBlockPublicAccess, "", err)
	}
	img, err := api.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	if err == nil {
		add(ImageBlockPublicAccess, sdk.ToString(img.ImageBlockPublicAccessState), nil)
	} else {
		add(ImageBlockPublicAccess, "", err)
	}
	return recs, errors.Join(errs...)
}

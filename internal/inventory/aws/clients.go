package aws

import (
	"context"
	"fmt"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clients are a region's service clients.
type clients struct {
	ec2    *ec2.Client
	rds    *rds.Client
	backup *backup.Client
}

// clients returns the region's clients, made on first use.
func (r *reader) clients() *clients {
	r.once.Do(func() {
		r.api = &clients{
			ec2:    ec2.NewFromConfig(r.cfg, func(o *ec2.Options) { o.Region = r.region }),
			rds:    rds.NewFromConfig(r.cfg, func(o *rds.Options) { o.Region = r.region }),
			backup: backup.NewFromConfig(r.cfg, func(o *backup.Options) { o.Region = r.region }),
		}
	})
	return r.api
}

// callerAccount asks STS, in region, which account the credentials belong
// to. GetCallerIdentity needs no permission, so an error here means the
// credentials or the endpoint are wrong.
func callerAccount(ctx context.Context, cfg sdk.Config, region string) (string, error) {
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Region = region }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("get caller identity: %w", err)
	}
	return sdk.ToString(out.Account), nil
}

package aws

import (
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// resourceID returns the canonical id of a resource named by ARN, as the
// CloudTrail decoder gives it: EC2 ARNs become plain ids (snap-…, vol-…,
// i-…, ami-…), RDS ARNs event.RDSID ARNs, S3 ARNs the bucket; other ARNs
// (AWS Backup's own recovery points, EFS, DynamoDB…) stay whole.
func resourceID(arn string) string {
	arn = strings.TrimSpace(arn)
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return arn
	}
	switch service, res := parts[2], parts[5]; service {
	case "ec2":
		kind, id, ok := strings.Cut(res, "/")
		if ok && ec2Kinds[kind] {
			return id
		}
	case "rds":
		return event.RDSID("", "", "", arn)
	case "s3":
		bucket, _, _ := strings.Cut(res, "/")
		return bucket
	}
	return arn
}

// arnService returns the service field of an ARN, or "".
func arnService(arn string) string {
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return ""
	}
	return parts[2]
}

// ec2Kinds are the EC2 ARN resource kinds named by plain id.
var ec2Kinds = map[string]bool{"volume": true, "snapshot": true, "instance": true, "image": true}

// nameTag is the tag AWS consoles show as a resource's name.
const nameTag = "Name"

// tagMap turns the SDKs' key/value pairs into a map; nil when there are
// none.
func tagMap[T any](tags []T, kv func(T) (key, value *string)) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if k, v := kv(t); sdk.ToString(k) != "" {
			m[*k] = sdk.ToString(v)
		}
	}
	return m
}

// grant adds who may use a copy: "all" (the EC2 group, the RDS restore
// value) is the public, anything else an account id or an organization or
// OU ARN.
func grant(e *inventory.Exposure, who string) {
	switch who = strings.TrimSpace(who); {
	case who == "":
	case strings.EqualFold(who, "all"):
		e.Public = true
	default:
		e.Accounts = append(e.Accounts, who)
	}
}

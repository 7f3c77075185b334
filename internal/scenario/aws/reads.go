package aws

import (
	"errors"
	"strconv"
)

// readOp is a read-only call of background traffic: its API and its
// request as CloudTrail logs it (responses of reads are not logged).
type readOp struct {
	api
	rp     string // requestParameters, when fixed
	bucket bool   // an S3 bucket call: request, host and resources name a bucket
}

func ec2Read(name, command, rp string) readOp {
	return readOp{api: api{source: "ec2.amazonaws.com", name: name, version: "1.10", command: "ec2." + command, iam: "ec2", readOnly: true}, rp: rp}
}

func iamRead(name, command string) readOp {
	return readOp{api: api{source: "iam.amazonaws.com", name: name, version: "1.09", command: "iam." + command, iam: "iam", readOnly: true, global: true, nullOnDeny: true}, rp: "null"}
}

func rdsRead(name, command, rp string) readOp {
	return readOp{api: api{source: "rds.amazonaws.com", name: name, version: "1.11", command: "rds." + command, iam: "rds", readOnly: true, nullOnDeny: true}, rp: rp}
}

func s3Read(name, command, rp string, bucket bool) readOp {
	return readOp{api: api{source: "s3.amazonaws.com", name: name, version: "1.10", command: "s3api." + command, iam: "s3", readOnly: true, s3: true}, rp: rp, bucket: bucket}
}

func otherRead(source, version, name, command, iam string) readOp {
	return readOp{api: api{source: source, name: name, version: version, command: command, iam: iam, readOnly: true, nullOnDeny: true}, rp: "null"}
}

// readOps are what people and tools look at all day: EC2, IAM, RDS, S3,
// STS, CloudWatch, Logs, KMS, Lambda, ELB. None has a handler in the
// decoder, so each decodes with an empty action.
var readOps = []readOp{
	ec2Read("DescribeInstances", "describe-instances", `{"instancesSet":{},"filterSet":{}}`),
	ec2Read("DescribeVolumes", "describe-volumes", `{"volumeSet":{},"filterSet":{}}`),
	ec2Read("DescribeSnapshots", "describe-snapshots", `{"maxResults":1000,"snapshotSet":{},"ownersSet":{"items":[{"owner":"self"}]},"sharedUsersSet":{},"filterSet":{}}`),
	ec2Read("DescribeSecurityGroups", "describe-security-groups", `{"securityGroupSet":{},"securityGroupIdSet":{},"filterSet":{}}`),
	ec2Read("DescribeImages", "describe-images", `{"executableBySet":{},"imagesSet":{},"ownersSet":{"items":[{"owner":"self"}]},"filterSet":{}}`),
	ec2Read("DescribeVpcs", "describe-vpcs", `{"vpcSet":{},"filterSet":{}}`),
	ec2Read("DescribeSubnets", "describe-subnets", `{"subnetSet":{},"filterSet":{}}`),
	ec2Read("DescribeInstanceStatus", "describe-instance-status", `{"instancesSet":{},"filterSet":{},"includeAllInstances":true}`),
	ec2Read("DescribeNetworkInterfaces", "describe-network-interfaces", `{"networkInterfaceIdSet":{},"filterSet":{}}`),
	ec2Read("DescribeRouteTables", "describe-route-tables", `{"routeTableIdSet":{},"filterSet":{}}`),
	ec2Read("DescribeVolumeStatus", "describe-volume-status", `{"volumeSet":{},"filterSet":{}}`),
	ec2Read("DescribeTags", "describe-tags", `{"filterSet":{}}`),
	ec2Read("DescribeAvailabilityZones", "describe-availability-zones", `{"availabilityZoneSet":{},"availabilityZoneIdSet":{},"filterSet":{}}`),
	ec2Read("DescribeRegions", "describe-regions", `{"regionSet":{}}`),
	ec2Read("DescribeKeyPairs", "describe-key-pairs", `{"keySet":{},"keyPairIdSet":{},"filterSet":{},"includePublicKey":false}`),
	ec2Read("GetEbsEncryptionByDefault", "get-ebs-encryption-by-default", `{"GetEbsEncryptionByDefaultRequest":""}`),
	otherRead("sts.amazonaws.com", "1.08", "GetCallerIdentity", "sts.get-caller-identity", "sts"),
	iamRead("ListUsers", "list-users"),
	iamRead("ListRoles", "list-roles"),
	iamRead("ListAccessKeys", "list-access-keys"),
	iamRead("GetAccountSummary", "get-account-summary"),
	iamRead("ListAccountAliases", "list-account-aliases"),
	rdsRead("DescribeDBInstances", "describe-db-instances", "null"),
	rdsRead("DescribeDBSnapshots", "describe-db-snapshots", `{"includeShared":false,"includePublic":false}`),
	rdsRead("DescribeDBClusters", "describe-db-clusters", `{"includeShared":false}`),
	s3Read("ListBuckets", "list-buckets", "", false),
	s3Read("GetBucketAcl", "get-bucket-acl", "acl", true),
	s3Read("GetBucketLocation", "get-bucket-location", "location", true),
	s3Read("GetBucketVersioning", "get-bucket-versioning", "versioning", true),
	otherRead("monitoring.amazonaws.com", "1.11", "DescribeAlarms", "cloudwatch.describe-alarms", "cloudwatch"),
	otherRead("logs.amazonaws.com", "1.09", "DescribeLogGroups", "logs.describe-log-groups", "logs"),
	otherRead("kms.amazonaws.com", "1.10", "ListAliases", "kms.list-aliases", "kms"),
	otherRead("lambda.amazonaws.com", "1.11", "ListFunctions20150331", "lambda.list-functions", "lambda"),
	otherRead("elasticloadbalancing.amazonaws.com", "1.11", "DescribeLoadBalancers", "elbv2.describe-load-balancers", "elasticloadbalancing"),
}

// readIndex finds a read by its operation name.
var readIndex = func() map[string]*readOp {
	m := make(map[string]*readOp, len(readOps))
	for i := range readOps {
		m[readOps[i].name] = &readOps[i]
	}
	return m
}()

// bucketSuffixes name an account's buckets: <account name>-<suffix>.
var bucketSuffixes = []string{"app-logs", "build-artifacts", "terraform-state", "static-assets", "data-exports"}

var errUnknownRead = errors.New("unknown read operation")

// appendBucketName appends name as the start of an S3 bucket name: lower
// case, characters outside [a-z0-9.-] made hyphens.
func appendBucketName(b []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '-':
		default:
			c = '-'
		}
		b = append(b, c)
	}
	return b
}

// renderRead renders a read. S3 calls name one of the account's buckets in
// the request, the host and the resources, and carry S3's
// additionalEventData.
func (r *rec) renderRead() error {
	d := readIndex[r.op.Name]
	if d == nil {
		return errUnknownRead
	}
	r.begin(&d.api, "*")
	if !d.s3 {
		if r.request() {
			r.b = append(r.b, d.rp...)
		}
		if r.response() {
			r.b = append(r.b, "null"...)
		}
		r.end()
		return nil
	}
	r.request()
	b := r.b
	host := r.host[:0]
	if d.bucket {
		// A bucket name holds lower-case letters, digits, dots and
		// hyphens only: it needs no escaping.
		bucket := appendBucketName(r.tmp[:0], r.op.Account.Name)
		bucket = append(append(bucket, '-'), bucketSuffixes[r.s.next()%uint64(len(bucketSuffixes))]...)
		r.tmp = bucket
		host = append(append(append(host, bucket...), ".s3."...), r.region...)
		host = append(host, ".amazonaws.com"...)
		b = append(b, `{"bucketName":"`...)
		b = append(b, bucket...)
		b = append(b, `","Host":"`...)
		b = append(b, host...)
		b = append(b, `","`...)
		b = append(b, d.rp...)
		b = append(b, `":""}`...)
		r.res = append(r.res, `[{"accountId":"`...)
		r.res = append(r.res, r.account...)
		r.res = append(r.res, `","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::`...)
		r.res = append(r.res, bucket...)
		r.res = append(r.res, `"}]`...)
	} else {
		host = append(append(append(host, "s3."...), r.region...), ".amazonaws.com"...)
		b = append(b, `{"Host":"`...)
		b = append(b, host...)
		b = append(b, `"}`...)
	}
	r.b, r.host = b, host
	if r.response() {
		r.b = append(r.b, "null"...)
	}
	b = append(r.b, `,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"`...)
	b = appendChars(b, &r.s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 75)
	b = append(b, `=","bytesTransferredOut":`...)
	b = strconv.AppendUint(b, 200+r.s.next()%1800, 10)
	r.b = append(b, '}')
	r.end()
	return nil
}

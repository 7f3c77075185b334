package aws_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
	awsinv "github.com/snapwarden/snapwarden/internal/inventory/aws"
)

const (
	testAccessKey = "AKIDFAKEINVENTORY01"
	testSecretKey = "fake/secret+key/never-logged-0123456789"
	account       = "111122223333"
)

// Request keys of the two regions (see fakeAWS).
const (
	stsIdentity = "* GetCallerIdentity "

	snapsPage1  = "us-east-1 DescribeSnapshots Owner.1=self"
	snapsPage2  = "us-east-1 DescribeSnapshots NextToken=eyJ2IjoiMiIsImMiOiJzbmFwLTIifQ&Owner.1=self"
	snapAttr1   = "us-east-1 DescribeSnapshotAttribute Attribute=createVolumePermission&SnapshotId=snap-0a1b2c3d4e5f60001"
	snapAttr2   = "us-east-1 DescribeSnapshotAttribute Attribute=createVolumePermission&SnapshotId=snap-0a1b2c3d4e5f60002"
	snapAttr3   = "us-east-1 DescribeSnapshotAttribute Attribute=createVolumePermission&SnapshotId=snap-0a1b2c3d4e5f60003"
	snapAttrBk  = "us-east-1 DescribeSnapshotAttribute Attribute=createVolumePermission&SnapshotId=snap-0d1e2f3a4b5c60001"
	imagesPage1 = "us-east-1 DescribeImages IncludeDeprecated=true&IncludeDisabled=true&Owner.1=self"
	imagesPage2 = "us-east-1 DescribeImages IncludeDeprecated=true&IncludeDisabled=true&NextToken=eyJ2IjoiMiIsImMiOiJhbWktMiJ9&Owner.1=self"
	imageAttr1  = "us-east-1 DescribeImageAttribute Attribute=launchPermission&ImageId=ami-0c1d2e3f4a5b60001"
	imageAttr2  = "us-east-1 DescribeImageAttribute Attribute=launchPermission&ImageId=ami-0c1d2e3f4a5b60002"
	dbPage1     = "us-east-1 DescribeDBSnapshots "
	dbPage2     = "us-east-1 DescribeDBSnapshots Marker=bWFya2VyLXBhZ2UtMg%3D%3D"
	dbAttrProd  = "us-east-1 DescribeDBSnapshotAttributes DBSnapshotIdentifier=prod-db-before-migration"
	dbAttrCopy  = "us-east-1 DescribeDBSnapshotAttributes DBSnapshotIdentifier=orders-copy"
	clusters    = "us-east-1 DescribeDBClusterSnapshots "
	clusterAttr = "us-east-1 DescribeDBClusterSnapshotAttributes DBClusterSnapshotIdentifier=billing-export"
	vaultsPage1 = "us-east-1 ListBackupVaults "
	vaultsPage2 = "us-east-1 ListBackupVaults nextToken=AAMA-EFRSHzGz4vault-page-2"
	rpDefault1  = "us-east-1 ListRecoveryPointsByBackupVault/Default "
	rpDefault2  = "us-east-1 ListRecoveryPointsByBackupVault/Default nextToken=AAMA-rp-default-page-2"
	rpProd      = "us-east-1 ListRecoveryPointsByBackupVault/prod-vault "
	tagsEFS     = "us-east-1 ListTags/arn:aws:backup:us-east-1:111122223333:recovery-point:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f "
	volumes     = "us-east-1 DescribeVolumes "
	snapBPA     = "us-east-1 GetSnapshotBlockPublicAccessState "
	imageBPA    = "us-east-1 GetImageBlockPublicAccessState "

	euSnaps    = "eu-west-1 DescribeSnapshots Owner.1=self"
	euImages   = "eu-west-1 DescribeImages IncludeDeprecated=true&IncludeDisabled=true&Owner.1=self"
	euDB       = "eu-west-1 DescribeDBSnapshots "
	euClusters = "eu-west-1 DescribeDBClusterSnapshots "
	euVaults   = "eu-west-1 ListBackupVaults "
	euVolumes  = "eu-west-1 DescribeVolumes "
	euSnapBPA  = "eu-west-1 GetSnapshotBlockPublicAccessState "
	euImageBPA = "eu-west-1 GetImageBlockPublicAccessState "
)

// routes are the two regions' answers: us-east-1 has copies of every kind,
// over two pages where the API pages, with a throttled call in each
// service; eu-west-1 denies DescribeSnapshots and holds nothing else but
// its guardrails.
func routes() map[string]reply {
	return map[string]reply{
		stsIdentity: {file: "sts/GetCallerIdentity.xml"},

		snapsPage1:  {file: "ec2/snapshots-1.xml", throttle: 1},
		snapsPage2:  {file: "ec2/snapshots-2.xml"},
		snapAttr1:   {file: "ec2/snapshot-attr-0001.xml"},
		snapAttr2:   {file: "ec2/snapshot-attr-0002.xml"},
		snapAttr3:   {file: "ec2/snapshot-attr-0003.xml"},
		snapAttrBk:  {file: "ec2/snapshot-attr-backup.xml"},
		imagesPage1: {file: "ec2/images-1.xml"},
		imagesPage2: {file: "ec2/images-2.xml"},
		imageAttr1:  {file: "ec2/image-attr-0001.xml"},
		imageAttr2:  {file: "ec2/image-attr-0002.xml", throttle: 2},
		dbPage1:     {file: "rds/db-snapshots-1.xml"},
		dbPage2:     {file: "rds/db-snapshots-2.xml", throttle: 1},
		dbAttrProd:  {file: "rds/db-snapshot-attrs-shared.xml"},
		dbAttrCopy:  {file: "rds/db-snapshot-attrs-private.xml"},
		clusters:    {file: "rds/cluster-snapshots.xml"},
		clusterAttr: {file: "rds/cluster-snapshot-attrs.xml"},
		vaultsPage1: {file: "backup/vaults-1.json"},
		vaultsPage2: {file: "backup/vaults-2.json"},
		rpDefault1:  {file: "backup/recovery-points-default-1.json"},
		rpDefault2:  {file: "backup/recovery-points-default-2.json"},
		rpProd:      {file: "backup/recovery-points-prod.json"},
		tagsEFS:     {file: "backup/tags-efs.json", throttle: 1},
		volumes:     {file: "ec2/volumes.xml"},
		snapBPA:     {file: "ec2/snapshot-bpa-block-all-sharing.xml"},
		imageBPA:    {file: "ec2/image-bpa-unblocked.xml"},

		euSnaps:    fail("ec2/error-unauthorized.xml", http.StatusForbidden),
		euImages:   {file: "ec2/empty-images.xml"},
		euDB:       {file: "rds/empty-db-snapshots.xml"},
		euClusters: {file: "rds/empty-cluster-snapshots.xml"},
		euVaults:   {file: "backup/empty-vaults.json"},
		euVolumes:  {file: "ec2/empty-volumes.xml"},
		euSnapBPA:  {file: "ec2/snapshot-bpa-block-new-sharing.xml"},
		euImageBPA: {file: "ec2/image-bpa-block-new-sharing.xml"},
	}
}

// collector returns a collector with fake static credentials (never the
// environment) and a backoff of microseconds.
func collector(log *slog.Logger) *awsinv.Collector {
	return &awsinv.Collector{
		Config: &sdk.Config{
			Region:      "us-east-1",
			Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecretKey, ""),
		},
		BaseDelay: time.Microsecond,
		MaxDelay:  time.Millisecond,
		Logger:    log,
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	kmsEBS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	kmsRDS = "arn:aws:kms:us-east-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab"
)

// wantUSEast1 are the records of us-east-1, in the order read.
var wantUSEast1 = []inventory.Record{
	{Kind: inventory.Snapshot, ID: "snap-0a1b2c3d4e5f60001", Name: "prod-db-data", Source: "vol-0e1d2c3b4a5f60001",
		Created: at("2024-05-01T03:00:12Z"), Encrypted: true, KeyID: kmsEBS, SizeGB: 100, State: "completed",
		Tags: map[string]string{"Name": "prod-db-data", "criticality": "high"}, Exposure: inventory.Exposure{Public: true, Accounts: []string{"444455556666"}}},
	{Kind: inventory.Snapshot, ID: "snap-0a1b2c3d4e5f60002", Source: "snap-0b9c8d7e6f5a40009", // a copy: its source from the description
		Created: at("2024-05-02T10:20:30Z"), SizeGB: 8, State: "completed"},
	{Kind: inventory.Snapshot, ID: "snap-0a1b2c3d4e5f60003", Source: "vol-0e1d2c3b4a5f60003",
		Created: at("2024-05-03T08:00:00Z"), Encrypted: true, KeyID: kmsEBS, SizeGB: 30, State: "pending"},
	// AWS Backup's EBS recovery point, listed by EC2 too: its creator is the
	// role the recovery point names.
	{Kind: inventory.Snapshot, ID: "snap-0d1e2f3a4b5c60001", Source: "vol-0e1d2c3b4a5f60001",
		Created: at("2024-05-01T22:00:00Z"), Creator: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
		Encrypted: true, KeyID: kmsEBS, SizeGB: 100, State: "completed",
		Tags: map[string]string{"aws:backup:source-resource": "vol-0e1d2c3b4a5f60001"}},

	{Kind: inventory.Image, ID: "ami-0c1d2e3f4a5b60001", Name: "web-golden-2024-05", Source: "i-0123456789abcdef0",
		Created: at("2024-05-03T08:00:00Z"), Encrypted: true, SizeGB: 80, State: "available",
		Tags: map[string]string{"team": "web"}, Exposure: inventory.Exposure{Public: true}},
	{Kind: inventory.Image, ID: "ami-0c1d2e3f4a5b60002", Name: "web-golden-2024-05-copy", Source: "ami-0f9e8d7c6b5a40009",
		Created: at("2024-05-04T09:15:00Z"), SizeGB: 30, State: "disabled",
		Exposure: inventory.Exposure{Accounts: []string{"555566667777", "arn:aws:organizations::111122223333:organization/o-abc123def4"}}},

	{Kind: inventory.DBSnapshot, ID: "arn:aws:rds:us-east-1:111122223333:snapshot:prod-db-before-migration", Name: "prod-db-before-migration",
		Source:  "arn:aws:rds:us-east-1:111122223333:db:prod-db",
		Created: at("2024-05-01T04:00:00.123Z"), Encrypted: true, KeyID: kmsRDS, SizeGB: 200, State: "available",
		Tags: map[string]string{"owner": "dba"}, Exposure: inventory.Exposure{Public: true, Accounts: []string{"444455556666"}}},
	{Kind: inventory.DBSnapshot, ID: "arn:aws:rds:us-east-1:111122223333:snapshot:rds:prod-db-2024-05-02-03-10", Name: "rds:prod-db-2024-05-02-03-10",
		Source:  "arn:aws:rds:us-east-1:111122223333:db:prod-db",
		Created: at("2024-05-02T03:10:00Z"), Encrypted: true, KeyID: kmsRDS, SizeGB: 200, State: "available"},
	{Kind: inventory.DBSnapshot, ID: "arn:aws:rds:us-east-1:111122223333:snapshot:orders-copy", Name: "orders-copy",
		Source:  "arn:aws:rds:us-west-2:111122223333:snapshot:orders-nightly", // a copy: the snapshot it copies, in its own region
		Created: at("2024-05-02T09:00:00Z"), SizeGB: 20, State: "available"},
	{Kind: inventory.DBSnapshot, ID: "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:billing-export", Name: "billing-export",
		Source:  "arn:aws:rds:us-east-1:111122223333:cluster:billing",
		Created: at("2024-05-03T12:30:00Z"), Encrypted: true, KeyID: "arn:aws:kms:us-east-1:111122223333:key/9abcabcd-12ab-34cd-56ef-1234567890ab",
		SizeGB: 1, State: "available", Tags: map[string]string{"Name": "billing export"},
		Exposure: inventory.Exposure{Accounts: []string{"777788889999"}}},

	{Kind: inventory.Backup, ID: "snap-0d1e2f3a4b5c60001", Source: "vol-0e1d2c3b4a5f60001",
		Created: at("2024-05-01T22:00:00Z"), Creator: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
		Encrypted: true, KeyID: kmsEBS, SizeGB: 100, State: "COMPLETED"},
	{Kind: inventory.Backup, ID: "arn:aws:rds:us-east-1:111122223333:snapshot:awsbackup:job-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
		Source:  "arn:aws:rds:us-east-1:111122223333:db:prod-db",
		Created: at("2024-05-02T22:00:00Z"), Creator: "arn:aws:iam::111122223333:role/backup-automation",
		Encrypted: true, KeyID: kmsRDS, State: "COMPLETED"},
	{Kind: inventory.Backup, ID: "arn:aws:backup:us-east-1:111122223333:recovery-point:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
		Source:  "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0",
		Created: at("2024-05-03T22:00:00Z"), Creator: "arn:aws:iam::111122223333:role/backup-automation",
		SizeGB: 2, State: "PARTIAL", Tags: map[string]string{"team": "storage", "criticality": "high"}},

	{Kind: inventory.Volume, ID: "vol-0f1e2d3c4b5a60001", Name: "restore-test", Source: "snap-0a1b2c3d4e5f60001",
		Created: at("2024-05-05T11:00:00Z"), Encrypted: true, KeyID: kmsEBS, SizeGB: 100, State: "in-use",
		Tags: map[string]string{"Name": "restore-test"}},

	{Kind: inventory.Guardrail, ID: awsinv.SnapshotBlockPublicAccess, Name: awsinv.SnapshotBlockPublicAccess, State: "block-all-sharing", Enabled: true},
	{Kind: inventory.Guardrail, ID: awsinv.ImageBlockPublicAccess, Name: awsinv.ImageBlockPublicAccess, State: "unblocked"},
}

var wantEUWest1 = []inventory.Record{
	{Kind: inventory.Guardrail, ID: awsinv.SnapshotBlockPublicAccess, Name: awsinv.SnapshotBlockPublicAccess, State: "block-new-sharing", Enabled: true},
	{Kind: inventory.Guardrail, ID: awsinv.ImageBlockPublicAccess, Name: awsinv.ImageBlockPublicAccess, State: "block-new-sharing", Enabled: true},
}

// inRegion gives records their cloud, account and region.
func inRegion(region string, recs []inventory.Record) []inventory.Record {
	out := slices.Clone(recs)
	for i := range out {
		out[i].Cloud, out[i].Account, out[i].Region = event.AWS, account, region
	}
	return out
}

func scope(region string, kind inventory.Kind) inventory.Scope {
	return inventory.Scope{Cloud: event.AWS, Account: account, Region: region, Kind: kind}
}

// scopes returns every kind's scope in region but those left out.
func scopes(region string, except ...inventory.Kind) []inventory.Scope {
	var out []inventory.Scope
	for _, k := range []inventory.Kind{inventory.Snapshot, inventory.Image, inventory.DBSnapshot, inventory.Backup, inventory.Volume, inventory.Guardrail} {
		if !slices.Contains(except, k) {
			out = append(out, scope(region, k))
		}
	}
	return out
}

func TestCollector_Collect(t *testing.T) {
	fake, endpoint := newFakeAWS(t, routes())
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	res, err := collector(log).Collect(t.Context(), inventory.CollectOptions{
		Endpoint:   endpoint,
		Regions:    []string{"us-east-1", "eu-west-1"},
		MaxRetries: 3,
	})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}

	want := append(inRegion("eu-west-1", wantEUWest1), inRegion("us-east-1", wantUSEast1)...)
	checkRecords(t, res.Records, want)
	if wantComplete := append(scopes("eu-west-1", inventory.Snapshot), scopes("us-east-1")...); !reflect.DeepEqual(res.Complete, wantComplete) {
		t.Errorf("Complete = %v\nwant %v", res.Complete, wantComplete)
	}
	if len(res.Failures) != 1 || res.Failures[0].Scope != scope("eu-west-1", inventory.Snapshot) ||
		!strings.Contains(res.Failures[0].Err.Error(), "UnauthorizedOperation") {
		t.Errorf("Failures = %v, want eu-west-1 snapshots UnauthorizedOperation", res.Failures)
	}

	// Each throttled call was retried until it succeeded; nothing else was
	// asked twice, and the automated DB snapshot's attribute not at all.
	for key, n := range map[string]int{snapsPage1: 2, imageAttr2: 3, dbPage2: 2, tagsEFS: 2, snapsPage2: 1, euSnaps: 1} {
		if got := fake.calls(key); got != n {
			t.Errorf("%s asked %d times, want %d", key, got, n)
		}
	}
	if got, want := fake.keys(), slices.Sorted(maps.Keys(routes())); !reflect.DeepEqual(got, want) {
		t.Errorf("asked %q\nwant %q", got, want)
	}

	if strings.Contains(logs.String(), testSecretKey) {
		t.Error("the secret key was logged")
	}
	if !strings.Contains(logs.String(), "region=eu-west-1") || !strings.Contains(logs.String(), "UnauthorizedOperation") {
		t.Errorf("the partial failure was not logged with its region:\n%s", logs.String())
	}
}

// checkRecords compares records by scope and id, field by field.
func checkRecords(t *testing.T, got, want []inventory.Record) {
	t.Helper()
	byKey := func(rs []inventory.Record) map[string]inventory.Record {
		m := map[string]inventory.Record{}
		for _, r := range rs {
			k := fmt.Sprint(r.Scope(), " ", r.ID)
			if _, dup := m[k]; dup {
				t.Errorf("record %s twice", k)
			}
			m[k] = r
		}
		return m
	}
	g, w := byKey(got), byKey(want)
	for _, k := range slices.Sorted(maps.Keys(w)) {
		gr, ok := g[k]
		if !ok {
			t.Errorf("missing record %s", k)
			continue
		}
		if !gr.Created.Equal(w[k].Created) {
			t.Errorf("%s: Created = %v, want %v", k, gr.Created, w[k].Created)
		}
		gr.Created = w[k].Created
		if !reflect.DeepEqual(gr, w[k]) {
			t.Errorf("%s:\n got %+v\nwant %+v", k, gr, w[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if _, ok := w[k]; !ok {
			t.Errorf("unexpected record %s: %+v", k, g[k])
		}
	}
}

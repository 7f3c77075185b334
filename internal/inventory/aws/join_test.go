package aws_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/inventory"
)

// TestCollector_Collect_joinsEvents: each copy the collector reads has the
// id, and the source, that the CloudTrail decoder gives the event that made
// it, so the inventory joins the event history (creators, lineage).
func TestCollector_Collect_joinsEvents(t *testing.T) {
	_, endpoint := newFakeAWS(t, usEast1())
	res, err := collector(nil).Collect(t.Context(), inventory.CollectOptions{Endpoint: endpoint})
	if err != nil || len(res.Failures) > 0 {
		t.Fatalf("Collect: %v %v", err, res.Failures)
	}
	type obj = map[string]any
	const role = "arn:aws:iam::111122223333:role/backup-automation"
	tests := []struct {
		service, op string
		req, resp   obj
		kind        inventory.Kind
	}{
		{"ec2", "CreateSnapshot", obj{"volumeId": "vol-0e1d2c3b4a5f60001"},
			obj{"snapshotId": "snap-0a1b2c3d4e5f60001", "volumeId": "vol-0e1d2c3b4a5f60001", "status": "pending"}, inventory.Snapshot},
		{"ec2", "CopySnapshot", obj{"sourceSnapshotId": "snap-0b9c8d7e6f5a40009", "sourceRegion": "us-west-2"},
			obj{"snapshotId": "snap-0a1b2c3d4e5f60002"}, inventory.Snapshot},
		{"ec2", "CreateImage", obj{"instanceId": "i-0123456789abcdef0", "name": "web-golden-2024-05"},
			obj{"imageId": "ami-0c1d2e3f4a5b60001"}, inventory.Image},
		{"ec2", "CopyImage", obj{"sourceImageId": "ami-0f9e8d7c6b5a40009", "sourceRegion": "us-west-2", "name": "web-golden-2024-05-copy"},
			obj{"imageId": "ami-0c1d2e3f4a5b60002"}, inventory.Image},
		{"ec2", "CreateVolume", obj{"snapshotId": "snap-0a1b2c3d4e5f60001", "availabilityZone": "us-east-1a"},
			obj{"volumeId": "vol-0f1e2d3c4b5a60001", "snapshotId": "snap-0a1b2c3d4e5f60001", "status": "creating"}, inventory.Volume},
		{"rds", "CreateDBSnapshot", obj{"dBInstanceIdentifier": "prod-db", "dBSnapshotIdentifier": "prod-db-before-migration"},
			obj{"dBSnapshotIdentifier": "prod-db-before-migration", "dBSnapshotArn": "arn:aws:rds:us-east-1:111122223333:snapshot:prod-db-before-migration"}, inventory.DBSnapshot},
		{"rds", "CopyDBSnapshot", obj{"sourceDBSnapshotIdentifier": "arn:aws:rds:us-west-2:111122223333:snapshot:orders-nightly", "targetDBSnapshotIdentifier": "orders-copy"},
			obj{"dBSnapshotArn": "arn:aws:rds:us-east-1:111122223333:snapshot:orders-copy"}, inventory.DBSnapshot},
		{"rds", "CreateDBClusterSnapshot", obj{"dBClusterIdentifier": "billing", "dBClusterSnapshotIdentifier": "billing-export"},
			obj{"dBClusterSnapshotArn": "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:billing-export"}, inventory.DBSnapshot},
		{"backup", "StartBackupJob", obj{"backupVaultName": "Default", "resourceArn": "arn:aws:ec2:us-east-1:111122223333:volume/vol-0e1d2c3b4a5f60001", "iamRoleArn": role},
			obj{"backupJobId": "b1", "recoveryPointArn": "arn:aws:ec2:us-east-1::snapshot/snap-0d1e2f3a4b5c60001"}, inventory.Backup},
		{"backup", "StartBackupJob", obj{"backupVaultName": "Default", "resourceArn": "arn:aws:rds:us-east-1:111122223333:db:prod-db", "iamRoleArn": role},
			obj{"backupJobId": "b2", "recoveryPointArn": "arn:aws:rds:us-east-1:111122223333:snapshot:awsbackup:job-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"}, inventory.Backup},
		{"backup", "StartBackupJob", obj{"backupVaultName": "prod-vault", "resourceArn": "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0", "iamRoleArn": role},
			obj{"backupJobId": "b3", "recoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"}, inventory.Backup},
	}
	for _, tt := range tests {
		name := tt.op
		if arn, ok := tt.req["resourceArn"].(string); ok {
			name += "/" + strings.SplitN(arn, ":", 4)[2] // the service backed up
		}
		t.Run(name, func(t *testing.T) {
			ev := decodeOne(t, tt.service, tt.op, tt.req, tt.resp)
			var created, source string
			for _, r := range ev.Resources {
				switch {
				case r.Role == event.RoleCreated && created == "":
					created = r.ID
				case r.Role == event.RoleSource && source == "":
					source = r.ID
				}
			}
			var rec *inventory.Record
			for i := range res.Records {
				if res.Records[i].Kind == tt.kind && res.Records[i].ID == created {
					rec = &res.Records[i]
				}
			}
			if rec == nil {
				t.Fatalf("the event made %q; no %s record has that id", created, tt.kind)
			}
			if rec.Source != source {
				t.Errorf("record %s: source %q, the event's %q", rec.ID, rec.Source, source)
			}
			if rec.Account != ev.Account || rec.Region != ev.Region {
				t.Errorf("record %s in %s/%s, the event in %s/%s", rec.ID, rec.Account, rec.Region, ev.Account, ev.Region)
			}
		})
	}
}

// decodeOne decodes a CloudTrail record of the operation, made in
// us-east-1 of the test account, with the CloudTrail decoder.
func decodeOne(t *testing.T, service, op string, req, resp map[string]any) *event.Event {
	t.Helper()
	rec := map[string]any{
		"eventVersion": "1.09",
		"userIdentity": map[string]any{
			"type": "IAMUser", "principalId": "AIDAEXAMPLEOPERATOR01", "arn": "arn:aws:iam::111122223333:user/operator",
			"accountId": account, "userName": "operator",
		},
		"eventTime":          "2024-05-01T03:00:00Z",
		"eventSource":        service + ".amazonaws.com",
		"eventName":          op,
		"awsRegion":          "us-east-1",
		"sourceIPAddress":    "192.0.2.10",
		"userAgent":          "aws-cli/2.15.30",
		"requestParameters":  req,
		"responseElements":   resp,
		"requestID":          "req-" + op,
		"eventID":            "join-" + op,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": account,
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	evs := decodetest.MustDecode(t, cloudtrail.Format{}, op, data)
	if len(evs) != 1 {
		t.Fatalf("%s decoded into %d events", op, len(evs))
	}
	return evs[0]
}

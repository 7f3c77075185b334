package cloudtrail_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

func TestFormat_Sniff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"record", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot"}`, true},
		{"eventbridge", `{"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{"eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot"}}`, true},
		{"lookup element", `{"EventId":"1","EventName":"CreateSnapshot","CloudTrailEvent":"{}"}`, true},
		{"eventbridge of another kind", `{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"instance-id":"i-1","state":"running"}}`, false},
		{"azure REST eventName object", `{"eventName":{"value":"BeginRequest"},"operationName":{"value":"Microsoft.Compute/snapshots/write"}}`, false},
		{"gcp audit", `{"protoPayload":{"methodName":"v1.compute.snapshots.insert","serviceName":"compute.googleapis.com"}}`, false},
		{"panther lower-cased keys", `{"eventsource":"ec2.amazonaws.com","eventname":"CreateSnapshot"}`, false},
		{"name without source", `{"eventName":"CreateSnapshot"}`, false},
		{"duplicate key, the first a string", `{"eventSource":"a","eventSource":1,"eventName":"b"}`, true},
		{"duplicate key, the first not a string", `{"eventSource":1,"eventSource":"a","eventName":"b"}`, false},
		{"escaped key", `{"event\u0053ource":"a","eventName":"b"}`, true},
		{"array", `[{"eventSource":"a","eventName":"b"}]`, false},
		{"string", `"eventSource"`, false},
	}
	for _, tc := range tests {
		decodetest.Sniff(t, cloudtrail.Format{}, tc.name, tc.in, tc.want)
	}
}

// TestFormat_Raw checks that an unwrapped record's raw text is the
// CloudTrail record itself, not its envelope.
func TestFormat_Raw(t *testing.T) {
	for _, name := range []string{"shape-eventbridge", "shape-lookup", "shape-s3"} {
		t.Run(name, func(t *testing.T) {
			evs := decodetest.MustDecode(t, cloudtrail.Format{}, name, fixtures(t)[name])
			for _, e := range evs {
				if len(e.Raw) != 1 {
					t.Fatalf("%s: %d raw records", e.ID, len(e.Raw))
				}
				if e.ID == "lookup-truncated" {
					continue // its record is unreadable: the element is all there is
				}
				v, err := jsondoc.ParseBytes(e.Raw[0])
				if err != nil {
					t.Fatalf("%s: raw is not JSON: %v", e.ID, err)
				}
				if got := string(v.GetStringBytes("eventID")); got != e.ID {
					t.Errorf("%s: raw record is not the CloudTrail record: %.80s", e.ID, e.Raw[0])
				}
			}
		})
	}
}

// TestFormat_Malformed: a record that is not an operation is an error; odd
// or hostile field types are not.
func TestFormat_Malformed(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		events int
		errors int
	}{
		{"no event name", `{"CloudTrailEvent":"not json"}`, 0, 1},
		{"null everything", `{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","userIdentity":null,"requestParameters":null,"responseElements":null}`, 1, 0},
		{"wrong types", `{"eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","userIdentity":"x","requestParameters":{"ipPermissions":{"items":"x"},"fromPort":{},"cidrIp":[1]},"responseElements":{"securityGroupRuleSet":{"items":[1,"a",null]}}}`, 1, 0},
		{"rds arrays as strings", `{"eventSource":"rds.amazonaws.com","eventName":"ModifyDBSnapshotAttribute","requestParameters":{"valuesToAdd":"all","dBSnapshotIdentifier":"arn:bad"}}`, 1, 0},
		{"vault policy not JSON", `{"eventSource":"backup.amazonaws.com","eventName":"PutBackupVaultAccessPolicy","requestParameters":{"policy":"{\"Statement\":"}}`, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := decodetest.Decode(t, cloudtrail.Format{}, nil, tc.name, []byte(tc.in))
			if len(res.Events) != tc.events || len(res.Errors) != tc.errors {
				t.Errorf("%d events, %d errors (%v); want %d, %d", len(res.Events), len(res.Errors), res.Errors, tc.events, tc.errors)
			}
		})
	}
}

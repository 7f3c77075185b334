package cloudtrail_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// TestFormat_NormalizeKeepsText: Normalize reads the record without copying
// its text, so the event must get storage of its own before it returns.
// The parser that held the record parses another one over it; the event
// must not change.
func TestFormat_NormalizeKeepsText(t *testing.T) {
	tests := []struct {
		name      string
		rec       string
		want      event.Event
		resources []string // ids, in order
	}{
		{
			name: "assumed role, failed call",
			rec: `{"eventID":"ev-1","eventTime":"2026-11-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeMyThings",
				"awsRegion":"xx-test-9","recipientAccountId":"111122223333","sourceIPAddress":"192.0.2.7","userAgent":"agent\/1.0",
				"errorCode":"Client.UnauthorizedOperation",
				"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::444455556666:assumed-role/ops/s1","accountId":"444455556666",
					"sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::444455556666:role/ops"}}}}`,
			want: event.Event{ID: "ev-1", Account: "111122223333", Region: "xx-test-9", Service: "ec2.amazonaws.com",
				Operation: "DescribeMyThings", Outcome: event.Failure, Error: "UnauthorizedOperation",
				Actor: event.Actor{ID: "arn:aws:iam::444455556666:role/ops", Name: "s1", Type: "AssumedRole", IP: "192.0.2.7",
					UserAgent: "agent/1.0", SessionIssuer: "arn:aws:iam::444455556666:role/ops", Account: "444455556666"}},
		},
		{
			name: "failed console sign-in of an IAM user",
			rec: `{"eventID":"ev-2","eventTime":"2026-11-01T10:00:01Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin",
				"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.9","userAgent":"Mozilla",
				"responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication",
				"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}}`,
			want: event.Event{ID: "ev-2", Account: "111122223333", Region: "us-east-1", Service: "signin.amazonaws.com",
				Operation: "ConsoleLogin", Outcome: event.Failure, Error: "Failed authentication",
				Actor: event.Actor{ID: "arn:aws:iam::111122223333:user/alice", Name: "alice", Type: "IAMUser", IP: "198.51.100.9", UserAgent: "Mozilla"}},
		},
		{
			name: "AWS service, numbers as text",
			rec: `{"eventID":12345,"eventTime":"2026-11-01T10:00:02Z","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot",
				"awsRegion":"eu-west-1","recipientAccountId":111122223333,"sourceIPAddress":"backup.amazonaws.com",
				"userIdentity":{"type":"AWSService","invokedBy":"backup.amazonaws.com"},
				"requestParameters":{"volumeId":"vol-0abc"},"responseElements":{"snapshotId":"snap-0def","volumeId":"vol-0abc"}}`,
			want: event.Event{ID: "12345", Account: "111122223333", Region: "eu-west-1", Service: "ec2.amazonaws.com",
				Operation: "CreateSnapshot", Action: event.SnapshotCreate, Outcome: event.Success,
				Actor: event.Actor{ID: "backup.amazonaws.com", Name: "backup.amazonaws.com", Type: "AWSService", IP: "backup.amazonaws.com"}},
			resources: []string{"vol-0abc", "snap-0def"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p jsondoc.Parser
			v, err := p.Parse(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			e, err := cloudtrail.Format{}.Normalize([]*jsondoc.Value{v})
			if err != nil {
				t.Fatal(err)
			}
			// Overwrite the parser's buffer with a record of the same size.
			if _, err := p.Parse(strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' {
					return 'z' - (r - 'a')
				}
				return r
			}, tc.rec)); err != nil {
				t.Fatal(err)
			}
			got := *e
			got.Time, got.Resources, got.Shares, got.Ingress, got.Cloud = event.Event{}.Time, nil, nil, nil, ""
			if got.Actor != tc.want.Actor {
				t.Errorf("actor = %+v\nwant %+v", got.Actor, tc.want.Actor)
			}
			got.Actor, tc.want.Actor = event.Actor{}, event.Actor{}
			if got.ID != tc.want.ID || got.Account != tc.want.Account || got.Region != tc.want.Region ||
				got.Service != tc.want.Service || got.Operation != tc.want.Operation || got.Action != tc.want.Action ||
				got.Outcome != tc.want.Outcome || got.Error != tc.want.Error {
				t.Errorf("event = %+v\nwant %+v", got, tc.want)
			}
			var ids []string
			for _, r := range e.Resources {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tc.resources) {
				t.Errorf("resources %q, want %q", ids, tc.resources)
			}
		})
	}
}

package gcpaudit_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/gcpaudit"
)

func TestFormat_Sniff(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"LogEntry", `{"protoPayload":{"methodName":"m"}}`, true},
		{"Panther lower-case", `{"protopayload":{"methodName":"m"}}`, true},
		{"other case", `{"ProtoPayload":{}}`, true},
		{"Pub/Sub push", `{"message":{"data":"e30="},"subscription":"projects/p/subscriptions/s"}`, true},
		{"Pub/Sub message without subscription", `{"message":{"data":"e30="}}`, false},
		{"protoPayload not an object", `{"protoPayload":"x"}`, false},
		{"bare methodName", `{"methodName":"v1.compute.firewalls.insert"}`, false},
		{"CloudTrail", `{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot","awsRegion":"us-east-1"}`, false},
		{"Azure Activity", `{"operationName":"Microsoft.Compute/snapshots/write","resourceId":"/subscriptions/x","category":"Administrative"}`, false},
		{"Yandex", `{"event_type":"yandex.cloud.audit.compute.CreateSnapshot","event_source":"compute","authentication":{}}`, false},
		{"CADF", `{"typeURI":"http://schemas.dmtf.org/cloud/audit/1.0/event","action":"create","observer":{}}`, false},
		{"array", `[{"protoPayload":{}}]`, false},
		{"entries.list page", `{"entries":[{"protoPayload":{"methodName":"m"}}],"nextPageToken":"x"}`, true},
		{"other entries", `{"entries":[{"id":1}]}`, false},
	}
	for _, tt := range tests {
		decodetest.Sniff(t, gcpaudit.Format{}, tt.name, tt.json, tt.want)
	}
}

// TestFormat_BadPush: a push envelope whose data is no LogEntry is one bad
// record with a reason.
func TestFormat_BadPush(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct{ name, data, want string }{
		{"not base64", "%%%", "pub/sub message data: not base64"},
		{"empty", "", "pub/sub message data: empty"},
		{"not JSON", b64("hello"), "pub/sub message data is not JSON"},
		{"a number", b64("42"), "not a LogEntry"},
		{"a text log", b64(`{"textPayload":"x","logName":"projects/p/logs/syslog"}`), "no protoPayload"},
		{"no method", b64(`{"protoPayload":{"serviceName":"compute.googleapis.com"}}`), "without protoPayload.methodName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"message":{"data":"` + tt.data + `","messageId":"1"},"subscription":"projects/p/subscriptions/s"}`
			res := decodetest.Decode(t, nil, gcp, "push", []byte(in))
			if len(res.Events) != 0 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), tt.want) {
				t.Errorf("got %d events, errors %v; want one error %q", len(res.Events), res.Errors, tt.want)
			}
		})
	}
}

// TestFormat_PushArray: data holding an array of LogEntries yields each.
func TestFormat_PushArray(t *testing.T) {
	entries := `[{"insertId":"a","protoPayload":{"methodName":"v1.compute.snapshots.delete","resourceName":"projects/p/global/snapshots/s"}},` +
		`{"insertId":"b","protoPayload":{"methodName":"v1.compute.images.delete","resourceName":"projects/p/global/images/i"}}]`
	in := `{"message":{"data":"` + base64.StdEncoding.EncodeToString([]byte(entries)) + `"},"subscription":"s"}`
	events := decodetest.MustDecode(t, gcpaudit.Format{}, "push", []byte(in))
	if len(events) != 2 || events[0].ID != "a" || events[1].ID != "b" || string(events[1].Raw[0]) == in {
		t.Fatalf("got %+v", events)
	}
}

func TestMethodKeys(t *testing.T) {
	// Spellings of one method map to one meaning.
	for _, m := range []string{"v1.compute.disks.createSnapshot", "beta.compute.disks.createSnapshot",
		"alpha.compute.disks.createSnapshot", "compute.disks.createSnapshot", "v1.Compute.Disks.CreateSnapshot"} {
		in := `{"insertId":"x","protoPayload":{"methodName":"` + m + `","resourceName":"projects/p/zones/z/disks/d","request":{"name":"s"}}}`
		events := decodetest.MustDecode(t, gcpaudit.Format{}, m, []byte(in))
		if len(events) != 1 || events[0].Action != "snapshot.create" {
			t.Errorf("%s: got %+v", m, events)
		}
	}
}

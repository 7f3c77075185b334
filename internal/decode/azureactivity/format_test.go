package azureactivity_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

func TestFormat_Sniff(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"records shape", `{"time":"2026-03-01T00:00:00Z","operationName":"MICROSOFT.COMPUTE/DISKS/WRITE","resourceId":"/subscriptions/s"}`, true},
		{"REST shape", `{"operationName":{"value":"Microsoft.Compute/disks/write"},"eventTimestamp":"2026-03-01T00:00:00Z"}`, true},
		{"storage log", `{"time":"2026-03-01T00:00:00Z","category":"StorageRead","operationName":"GetBlob"}`, true},
		{"Event Hub batch in an array", `{"records":[{"time":"t","operationName":"x"}]}`, true},
		{"operationName alone", `{"operationName":"x"}`, false},
		{"operationName of the wrong type", `{"operationName":3,"time":"t"}`, false},
		{"CloudTrail", `{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot","eventTime":"t","operationName":"x"}`, false},
		{"GCP", `{"protoPayload":{"methodName":"v1.compute.snapshots.insert"},"logName":"projects/p/logs/x","operationName":"x","timestamp":"t"}`, false},
		{"an empty container", `{"records":[]}`, false},
		{"not an object", `["operationName"]`, false},
	}
	var f azureactivity.Format
	for _, tt := range tests {
		decodetest.Sniff(t, f, tt.name, tt.json, tt.want)
	}
	if f.Name() != "azureactivity" {
		t.Errorf("Name = %q", f.Name())
	}
}

func TestFormat_Outcomes(t *testing.T) {
	tests := []struct {
		name string
		json string
		want event.Outcome
	}{
		{"Success", `{"resultType":"Success"}`, event.Success},
		{"Succeeded", `{"resultType":"Succeeded"}`, event.Success},
		{"Failed", `{"resultType":"Failed"}`, event.Failure},
		{"Failure", `{"resultType":"Failure"}`, event.Failure},
		{"Start", `{"resultType":"Start"}`, event.Unknown},
		{"Started", `{"status":{"value":"Started"}}`, event.Unknown},
		{"Accept", `{"resultType":"Accept"}`, event.Unknown},
		{"Accepted", `{"status":{"value":"Accepted"}}`, event.Unknown},
		{"Active", `{"resultType":"Active"}`, event.Unknown},
		{"REST status wins", `{"resultType":"Success","status":{"value":"Failed","localizedValue":"Failed"}}`, event.Failure},
		{"Canceled", `{"status":"Canceled"}`, event.Failure},
		{"storage 201", `{"statusCode":201}`, event.Success},
		{"storage 403", `{"statusCode":403,"statusText":"AuthenticationFailed"}`, event.Failure},
		{"storage response type", `{"properties":{"metricResponseType":"AuthorizationFailure"}}`, event.Failure},
		{"nothing", `{"level":"Informational"}`, event.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := `{"time":"2026-03-01T00:00:00Z","operationName":"Microsoft.Compute/disks/read",` + tt.json[1:]
			events := decodetest.MustDecode(t, azureactivity.Format{}, "outcome", []byte(rec))
			if len(events) != 1 {
				t.Fatalf("%d events", len(events))
			}
			if events[0].Outcome != tt.want {
				t.Errorf("outcome = %s, want %s", events[0].Outcome, tt.want)
			}
		})
	}
}

func TestFormat_NotAnOperation(t *testing.T) {
	for _, in := range []string{
		`{"time":"2026-03-01T00:00:00Z","operationName":{"localizedValue":""},"resourceId":"/subscriptions/s"}`,
		`{"time":"2026-03-01T00:00:00Z","operationName":"","resourceId":"/subscriptions/s"}`,
	} {
		res := decodetest.Decode(t, azureactivity.Format{}, nil, "bad", []byte(in))
		if len(res.Events) != 0 || len(res.Errors) != 1 {
			t.Errorf("%s: %d events, %d errors; want 0, 1", in, len(res.Events), len(res.Errors))
		}
	}
}

// TestFormat_NestedContainers covers an array of Event Hub batches, whose
// containers the splitter hands over whole.
func TestFormat_NestedContainers(t *testing.T) {
	in := `[{"records":[
	  {"time":"2026-03-01T00:00:00Z","operationName":"Microsoft.Compute/snapshots/delete","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/snapshots/a","resultType":"Success"},
	  {"time":"2026-03-01T00:00:01Z","operationName":"Microsoft.Compute/disks/delete","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/b","resultType":"Success"}]},
	 {"records":[{"time":"2026-03-01T00:00:02Z","resourceId":"/subscriptions/s1"}]}]`
	res := decodetest.Decode(t, nil, []decode.Format{azureactivity.Format{}}, "batches", []byte(in))
	if len(res.Events) != 2 {
		t.Errorf("%d events, want 2", len(res.Events))
	}
	if len(res.Errors) != 1 {
		t.Errorf("%d errors, want 1 for the record without an operation", len(res.Errors))
	}
}

func TestFormat_UnknownKeys(t *testing.T) {
	in := `{"time":"2024-12-17T13:30:00Z","resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Insights/alertRules/a","operationName":"Microsoft.Insights/alertRules/write","resultType":"Success","tenantId\"":"t","x":{"y":[1,{"z":null}]}}`
	events := decodetest.MustDecode(t, azureactivity.Format{}, "keys", []byte(in))
	if len(events) != 1 || events[0].Account != "s1" || events[0].Outcome != event.Success {
		t.Errorf("events = %+v", events)
	}
}

package yandex_test

import (
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/yandex"
	"github.com/snapwarden/snapwarden/internal/event"
)

// decodeFile decodes a fixture, named by its path, and fails on any bad
// record.
func decodeFile(t *testing.T, path string) []*event.Event {
	t.Helper()
	return decodetest.MustDecode(t, yandex.Format{}, path, decodetest.ReadFile(t, path))
}

func TestFormat_Golden(t *testing.T) {
	fixtures := decodetest.Fixtures(t, "testdata/*.json", "testdata/*.ndjson")
	decodetest.GoldenFiles(t, fixtures, func(t *testing.T, f decodetest.Fixture) []*event.Event {
		evs := decodetest.MustDecode(t, yandex.Format{}, f.Path, f.Input)
		if len(evs) == 0 {
			t.Fatal("no events")
		}
		for _, e := range evs {
			if e.Cloud != event.Yandex || e.Format != "yandex" || e.ID == "" || e.Operation == "" || e.Time.IsZero() {
				t.Errorf("incomplete event: %+v", e)
			}
		}
		return evs
	})
}

func TestFormat_Sniff(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"snake", `{"event_type":"yandex.cloud.audit.compute.CreateDisk"}`, true},
		{"camel", `{"eventType":"yandex.cloud.audit.compute.CreateDisk"}`, true},
		{"cloud logging entry", `{"uid":"x","json_payload":{"event_type":"yandex.cloud.audit.iam.CreateKey"}}`, true},
		{"cloud logging camel", `{"jsonPayload":{"eventType":"yandex.cloud.audit.iam.CreateKey"}}`, true},
		{"cloudtrail", `{"eventVersion":"1.08","eventType":"AwsApiCall","eventName":"CreateSnapshot","eventSource":"ec2.amazonaws.com"}`, false},
		{"cloud.ru lookalike", `{"event_type":"compute.CreateDisk","event_source":"compute"}`, false},
		{"prefix inside", `{"event_type":"x.yandex.cloud.audit.compute.CreateDisk"}`, false},
		{"not a string", `{"event_type":{"yandex.cloud.audit.":1}}`, false},
		{"array", `[{"event_type":"yandex.cloud.audit.compute.CreateDisk"}]`, false},
		{"string", `"yandex.cloud.audit.compute.CreateDisk"`, false},
	}
	for _, tt := range tests {
		decodetest.Sniff(t, yandex.Format{}, tt.name, tt.json, tt.want)
	}
}

// A forced format still refuses a record that is not an event, and one
// whose event_type names no event.
func TestFormat_Decode_notAnEvent(t *testing.T) {
	for _, in := range []string{
		`{"eventType":"AwsApiCall","eventName":"CreateSnapshot"}`,
		`{"event_type":"yandex.cloud.audit.","event_id":"x"}`,
	} {
		res := decodetest.Decode(t, yandex.Format{}, nil, "bad", []byte(in))
		if len(res.Events) != 0 || len(res.Errors) != 1 {
			t.Errorf("%s: got %d events, %d errors; want one error", in, len(res.Events), len(res.Errors))
		}
	}
}

// Auto-detection picks yandex for its records and leaves others alone.
func TestFormat_autoDetect(t *testing.T) {
	b := decodetest.ReadFile(t, "testdata/shape_bucket_file.json")
	res := decodetest.Decode(t, nil, []decode.Format{yandex.Format{}}, "bucket", b)
	if len(res.Errors) != 0 || res.Stats.PerFormat["yandex"] != 8 {
		t.Fatalf("errors %v, per format %v; want 8 yandex records", res.Errors, res.Stats.PerFormat)
	}
	ct := `{"Records":[{"eventVersion":"1.08","eventType":"AwsApiCall","eventName":"CreateSnapshot"}]}`
	res = decodetest.Decode(t, nil, []decode.Format{yandex.Format{}}, "cloudtrail", []byte(ct))
	if len(res.Events) != 0 || len(res.Errors) != 1 {
		t.Fatalf("claimed a CloudTrail record: %d events, %v", len(res.Events), res.Errors)
	}
}

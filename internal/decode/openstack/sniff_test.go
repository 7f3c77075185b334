package openstack_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/openstack"
)

func TestFormat_SniffRejectsOtherClouds(t *testing.T) {
	foreign := map[string]string{
		"vk action log": `{"action":"create-snapshot","event_id":"fc98d3d7-0000-0000-0000-c2c5fd8fe619","method":"POST",
			"request_body":"{\"snapshot\":{\"volume_id\":\"x\"}}","request_id":"req-1","response_body":"","source":"cinder",
			"success":"yes","timestamp":"2026-11-20T02:10:00Z","uri":"/v3/p/snapshots","user_agent":"curl","user_email":"a@example.ru","user_id":"u1"}`,
		"vk cloud audit": `{"event_id":"e1","timestamp":"2026-11-20T02:10:00Z","action":"create-snapshot","severity":"INFO",
			"source":{"id":"cinder","address":"10.0.0.1"},"subject":{"user_id":"u1","address":"203.0.113.5"},
			"resource":{"id":"r1","type":"snapshot"},"status":{"code":200}}`,
		"cloudtrail": `{"eventVersion":"1.08","eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com",
			"eventName":"CreateSnapshot","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser"},"requestParameters":{"volumeId":"vol-1"}}`,
		"azure activity": `{"time":"2026-11-20T02:10:00Z","resourceId":"/subscriptions/s/x","operationName":"Microsoft.Compute/snapshots/write",
			"category":"Administrative","resultType":"Success","identity":{"claims":{}}}`,
		"gcp audit": `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"v1.compute.snapshots.insert"},
			"insertId":"x","timestamp":"2026-11-20T02:10:00Z","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity"}`,
		"yandex audit": `{"event_id":"e1","event_source":"compute","event_type":"yandex.cloud.audit.compute.CreateSnapshot",
			"event_time":"2026-11-20T02:10:00Z","authentication":{"subject_id":"aje1"},"details":{"snapshot_id":"fd8"}}`,
		"not an object":         `["event_type","payload"]`,
		"payload not an object": `{"event_type":"x.y","payload":"text"}`,
	}
	for name, text := range foreign {
		decodetest.Sniff(t, openstack.Format{}, name, text, false)
	}
}

// TestFormat_SniffRejectsSharedSamples runs Sniff over every record of the
// other clouds' samples.
func TestFormat_SniffRejectsSharedSamples(t *testing.T) {
	records := 0
	for r := range decodetest.SampleRecords(t, "aws/cloudtrail", "azure/activity", "gcp/audit") {
		if r.Value == nil {
			continue
		}
		records++
		if (openstack.Format{}).Sniff(r.Value) {
			t.Errorf("%s:%d: claimed", r.Path, r.Line)
		}
	}
	t.Logf("%d foreign records rejected", records)
}

func TestFormat_BadRecords(t *testing.T) {
	cases := map[string]string{
		"oslo.message not JSON":         `{"oslo.version":"2.0","oslo.message":"{truncated"}`,
		"oslo.message not an object":    `{"oslo.version":"2.0","oslo.message":42}`,
		"oslo.message not notification": `{"oslo.version":"2.0","oslo.message":"{\"hello\":1}"}`,
		"CADF without action":           `{"typeURI":"http://schemas.dmtf.org/cloud/audit/1.0/event","id":"x","eventTime":"2026-11-20T02:10:00Z"}`,
		"audit notification no payload": `{"event_type":"audit.http.response","payload":{}}`,
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			res := decodetest.Decode(t, openstack.Format{}, nil, "bad", []byte(text+"\n"))
			if len(res.Events) != 0 || len(res.Errors) != 1 {
				t.Fatalf("%d events, %d errors; want 0, 1", len(res.Events), len(res.Errors))
			}
			if strings.Contains(res.Errors[0].Error(), "internal error") {
				t.Errorf("panic: %v", res.Errors[0])
			}
		})
	}
}

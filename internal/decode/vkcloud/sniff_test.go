package vkcloud_test

import (
	"maps"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/vkcloud"
)

// TestSamplesNotClaimed checks that no record of the other clouds' real
// samples (CloudTrail, Azure, GCP, OpenStack notifications and CADF) is
// claimed: there is no public VK sample to decode.
func TestSamplesNotClaimed(t *testing.T) {
	f := vkcloud.Format{}
	perFolder := map[string]int{}
	for r := range decodetest.SampleRecords(t) {
		if r.Value == nil {
			if f.SniffText(r.Text) {
				t.Errorf("%s:%d: text line claimed", r.Path, r.Line)
			}
			continue
		}
		perFolder[path.Dir(r.Path)]++
		if f.Sniff(r.Value) {
			t.Errorf("%s:%d: record claimed", r.Path, r.Line)
		}
		// Panther tests wrap the record in "log".
		if l := r.Value.Get("log"); l != nil && f.Sniff(l) {
			t.Errorf("%s:%d: Panther log claimed", r.Path, r.Line)
		}
	}
	total := 0
	for _, folder := range slices.Sorted(maps.Keys(perFolder)) {
		t.Logf("%s: %d records, none claimed", folder, perFolder[folder])
		total += perFolder[folder]
	}
	if total == 0 {
		t.Fatal("no sample records read")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		json string
		want bool
	}{
		{"action log", `{"source":"cinder","action":"create-snapshot","method":"POST","uri":"/v3/x/snapshots"}`, true},
		{"action log, partial", `{"event_id":"1","user_id":"u","request_body":""}`, true},
		{"action-log page", `{"logs":[{"source":"nova","action":"vm-action","method":"POST","uri":"/v2.1/servers"}],"marker":""}`, true},
		{"empty page", `{"logs":[],"marker":""}`, true},
		{"cloud audit", `{"action":"create","subject":{},"resource":{}}`, true},
		{"cloud audit, source", `{"action":"user-signin","source":{"id":"iam"}}`, true},
		{"cloudtrail", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot","userIdentity":{}}`, false},
		{"gcp", `{"protoPayload":{"methodName":"x"},"resource":{"type":"gce_disk"}}`, false},
		{"azure", `{"operationName":"x","resourceId":"/subscriptions/s"}`, false},
		{"yandex", `{"event_id":"e","event_source":"compute","event_type":"x","authentication":{"subject_id":"a"},"resource":{}}`, false},
		{"oslo notification", `{"event_type":"snapshot.create.end","payload":{"snapshot_id":"s"},"publisher_id":"p"}`, false},
		{"cadf", `{"typeURI":"http://schemas.dmtf.org/cloud/audit/1.0/event","action":"create","initiator":{},"target":{}}`, false},
		{"source string without method", `{"source":"x","action":"y"}`, false},
		{"array", `[1,2]`, false},
		{"string", `"x"`, false},
	}
	for _, tt := range tests {
		decodetest.Sniff(t, vkcloud.Format{}, tt.name, tt.json, tt.want)
	}
}

func TestSniffText(t *testing.T) {
	tests := []struct {
		name, line string
		want       bool
	}{
		{"syslog json", `<110>1 2026-11-20T12:00:00Z h app - - - {"action":"create-snapshot","subject":{},"resource":{}}`, true},
		{"syslog json with sd", `<14>1 2026-11-20T12:00:00Z h app 1 m [x a="]"] {"action":"a","source":{"id":"nova"}}`, true},
		{"syslog other json", `<14>1 2026-11-20T12:00:00Z h app - - - {"eventName":"CreateSnapshot"}`, false},
		{"syslog text", `<14>1 2026-11-20T12:00:00Z h app - - - hello`, false},
		{"cef vk", `CEF:0|VK Cloud|Cloud Audit|1|create-snapshot|x|5|act=create-snapshot`, true},
		{"cef mail.ru in syslog", `<14>1 2026-11-20T12:00:00Z h app - - - CEF:0|Mail.Ru|MCS|1|a|b|1|`, true},
		{"cef in rfc3164", `<14>Nov 20 12:00:00 host CEF:0|VK|Audit|1|a|b|1|`, true},
		{"cef other vendor", `CEF:0|Fortinet|FortiGate|7|1|x|5|src=1.2.3.4`, false},
		{"cef short header", `CEF:0|VK|Audit`, false},
		{"plain text", `2026-11-20 INFO something`, false},
		{"pri only", `<14>`, false},
	}
	f := vkcloud.Format{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.SniffText([]byte(tt.line)); got != tt.want {
				t.Errorf("SniffText = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestForcedCEF: CEF from a vendor that sniffing does not recognise is still
// decoded when the format is forced.
func TestForcedCEF(t *testing.T) {
	line := "CEF:0|Acme|Relay|1|create-snapshot|x|5|externalId=e1 suid=u1 rt=1795140000000 cs1Label=request cs1={\"snapshot\":{\"volume_id\":\"A0000000-0000-4000-8000-000000000001\"}}\n"
	events := decodetest.MustDecode(t, vkcloud.Format{}, "forced.log", []byte(line))
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	e := events[0]
	if e.ID != "e1" || e.Actor.ID != "u1" || e.Action != "snapshot.create" {
		t.Errorf("event %+v", e)
	}
	if r := e.Resource("source", "volume"); r == nil || r.ID != "a0000000-0000-4000-8000-000000000001" {
		t.Errorf("resources %+v", e.Resources)
	}
	if len(e.Raw) != 1 || !strings.Contains(string(e.Raw[0]), `"cef":{`) {
		t.Errorf("raw %s", e.Raw)
	}
}

// TestNotAnOperation: a record with nothing naming an operation is a bad
// record, reported with its place; the others of the file still decode.
func TestNotAnOperation(t *testing.T) {
	in := `{"event_id":"x","user_id":"u","request_body":""}
{"event_id":"y","user_id":"u","request_body":"","action":"create-snapshot"}
{"action":"","subject":{},"resource":{}}
`
	res := decodetest.Decode(t, vkcloud.Format{}, nil, "bad.ndjson", []byte(in))
	if len(res.Events) != 1 || res.Events[0].ID != "y" {
		t.Errorf("events %+v", res.Events)
	}
	if len(res.Errors) != 2 || res.Errors[0].Line != 1 || res.Errors[1].Line != 3 {
		t.Errorf("errors %v", res.Errors)
	}
}

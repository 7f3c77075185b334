package ingest_test

import (
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/ingest"
)

const (
	gcpEntry   = `{"protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","methodName":"v1.compute.snapshots.insert"},"insertId":"a1","timestamp":"2026-01-02T03:04:05Z","logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity"}`
	gcpEntry2  = `{"protoPayload":{"methodName":"v1.compute.disks.setIamPolicy"},"insertId":"a2","timestamp":"2026-01-02T03:04:06Z"}`
	azRecord   = `{"time":"2026-01-02T03:04:05Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMPUTE/SNAPSHOTS/X","operationName":"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE","category":"Administrative","resultType":"Success"}`
	vkSyslog   = `<110>1 2026-11-20T12:00:00.000Z cloudaudit.vk.example cloud-audit - - - {"event_id":"e1","action":"create-snapshot","source":{"id":"cinder"},"subject":{"user_id":"u1"}}`
	vkCEF      = `CEF:0|VK Cloud|Cloud Audit|1.0|create-snapshot|Snapshot created|5|rt=1795140000000 externalId=e2`
	apiCall    = "AWS API Call via CloudTrail"
	stateEvent = "EC2 Instance State-change Notification"
)

func TestUnwrap(t *testing.T) {
	ebCT := eventBridge(apiCall, ctRecord)
	ebOther := eventBridge(stateEvent, `{"instance-id":"i-0abc","state":"running"}`)
	ctLine := compact(t, ctRecord) + "\n"
	tests := []struct {
		name      string
		body      string
		format    string
		want      string // Body; "=" means the input itself
		wantFmt   string
		env       ingest.Envelope
		unwrapped int
		skipped   int
	}{
		{name: "plain record", body: ctRecord, format: "auto", want: "=", wantFmt: "auto"},
		{name: "plain NDJSON pinned", body: ctRecord + "\n" + ctRecord + "\n", format: "cloudtrail", want: "=", wantFmt: "cloudtrail"},
		{name: "plain array", body: "[" + ctRecord + "," + ctRecord + "]", format: "auto", want: "=", wantFmt: "auto"},
		{name: "S3 delivery file", body: `{"Records":[` + ctRecord + `]}`, format: "auto", want: "=", wantFmt: "auto"},
		{name: "pretty and concatenated", body: "{\n  \"a\": 1\n}\n{\"b\":[2]}", format: "auto", want: "=", wantFmt: "auto"},
		{name: "brackets and quotes in strings", body: `{"a":"}\"]","b":"\\"}{"c":"{["}` + "\n" + `["\\\"]"]`, format: "auto",
			want: "=", wantFmt: "auto"},
		{name: "BOM", body: "\ufeff" + ctRecord, format: "auto", want: ctRecord, wantFmt: "auto"},
		{name: "syslog and CEF lines", body: vkSyslog + "\r\n" + vkCEF + "\n", format: "auto", want: "=", wantFmt: "auto"},
		{name: "syslog pinned", body: vkSyslog, format: "vkcloud", want: "=", wantFmt: "vkcloud"},

		{name: "EventBridge event", body: ebCT, format: "auto", want: ctLine, wantFmt: "cloudtrail",
			env: ingest.EventBridge, unwrapped: 1},
		{name: "EventBridge pinned", body: ebCT, format: "cloudtrail", want: ctLine, wantFmt: "cloudtrail",
			env: ingest.EventBridge, unwrapped: 1},
		{name: "EventBridge service event", body: eventBridge("AWS Service Event via CloudTrail", ctRecord), format: "auto",
			want: ctLine, wantFmt: "cloudtrail", env: ingest.EventBridge, unwrapped: 1},
		{name: "EventBridge array", body: "[" + ebCT + "," + ebOther + "," + ebCT + "]", format: "auto",
			want: ctLine + ctLine, wantFmt: "cloudtrail", env: ingest.EventBridge, unwrapped: 2, skipped: 1},
		{name: "EventBridge NDJSON", body: ebCT + "\n" + ebOther + "\n" + ebCT + "\n", format: "auto",
			want: ctLine + ctLine, wantFmt: "cloudtrail", env: ingest.EventBridge, unwrapped: 2, skipped: 1},
		{name: "EventBridge pretty", body: "[\n  " + strings.ReplaceAll(ebCT, ",", ",\n    ") + "\n]", format: "auto",
			want: ctLine, wantFmt: "cloudtrail", env: ingest.EventBridge, unwrapped: 1},
		{name: "EventBridge nothing to keep", body: ebOther + "\n" + ebOther, format: "auto",
			want: "", wantFmt: "cloudtrail", env: ingest.EventBridge, skipped: 2},
		{name: "EventBridge detail not an object", body: eventBridge(apiCall, `"x"`), format: "auto",
			want: "", wantFmt: "cloudtrail", env: ingest.EventBridge, skipped: 1},

		{name: "Pub/Sub one entry", body: pubSub([]byte(gcpEntry)), format: "auto",
			want: gcpEntry + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 1},
		{name: "Pub/Sub NDJSON data", body: pubSub([]byte(gcpEntry + "\n" + gcpEntry2 + "\n")), format: "gcpaudit",
			want: gcpEntry + "\n" + gcpEntry2 + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 2},
		{name: "Pub/Sub array data", body: pubSub([]byte("[" + gcpEntry + ",\n" + gcpEntry2 + "]")), format: "auto",
			want: gcpEntry + "\n" + gcpEntry2 + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 2},
		{name: "Pub/Sub pretty entry", body: pubSub([]byte("{\n  \"insertId\": \"a3\",\n  \"protoPayload\": {}\n}")), format: "auto",
			want: `{"insertId":"a3","protoPayload":{}}` + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 1},
		{name: "Pub/Sub NDJSON of messages", body: pubSub([]byte(gcpEntry)) + "\n" + pubSub([]byte(gcpEntry2)), format: "auto",
			want: gcpEntry + "\n" + gcpEntry2 + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 2},
		{name: "Pub/Sub without data", body: `{"message":{"attributes":{"k":"v"},"messageId":"1"},"subscription":"projects/p/subscriptions/s"}`,
			format: "auto", want: "", wantFmt: "gcpaudit", env: ingest.PubSub, skipped: 1},
		{name: "Pub/Sub unpadded URL-safe data", body: `{"message":{"data":"eyJpbnNlcnRJZCI6Ij8_In0"},"subscription":"s"}`,
			format: "auto", want: `{"insertId":"??"}` + "\n", wantFmt: "gcpaudit", env: ingest.PubSub, unwrapped: 1},

		{name: "Event Hub batch", body: `{"records":[` + azRecord + "," + azRecord + `]}`, format: "auto", want: "=",
			wantFmt: "auto", env: ingest.EventHub, unwrapped: 2},
		{name: "Event Hub batches", body: `{"records":[` + azRecord + "]}\n" + `{"records":[` + azRecord + "," + azRecord + "]}",
			format: "azureactivity", want: "=", wantFmt: "azureactivity", env: ingest.EventHub, unwrapped: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ingest.Unwrap([]byte(tc.body), tc.format)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "=" {
				want = tc.body
			}
			if string(b.Body) != want {
				t.Errorf("body:\n%s\nwant:\n%s", b.Body, want)
			}
			if b.Format != tc.wantFmt || b.Envelope != tc.env || b.Unwrapped != tc.unwrapped || b.Skipped != tc.skipped {
				t.Errorf("format %q envelope %v unwrapped %d skipped %d; want %q %v %d %d",
					b.Format, b.Envelope, b.Unwrapped, b.Skipped, tc.wantFmt, tc.env, tc.unwrapped, tc.skipped)
			}
			if len(b.Body) > len(tc.body) {
				t.Errorf("body grew from %d to %d bytes", len(tc.body), len(b.Body))
			}
		})
	}
}

func TestUnwrap_Errors(t *testing.T) {
	ebCT := eventBridge(apiCall, ctRecord)
	tests := []struct {
		name      string
		body      string
		format    string
		status    int
		line, col int    // 0: no position
		msg       string // the whole message
	}{
		{name: "broken NDJSON line", body: ctRecord + "\n" + `{"eventName": "X",, "b": 1}` + "\n", format: "auto",
			status: 400, line: 2, col: 19,
			msg: `line 2, column 19: invalid JSON: invalid character ',' looking for beginning of object key string; want JSON records (an object, an array, NDJSON)`},
		{name: "unclosed object", body: "[\n  {\"a\": \"é\"\n", format: "auto", status: 400, line: 2, col: 12,
			msg: `line 2, column 12: invalid JSON: unexpected end of JSON input; want JSON records (an object, an array, NDJSON)`},
		{name: "column counts characters", body: `{"ключ": tru}`, format: "auto", status: 400, line: 1, col: 13,
			msg: `line 1, column 13: invalid JSON: invalid character '}' in literal true (expecting 'e'); want JSON records (an object, an array, NDJSON)`},
		{name: "bad escape, which the parser's lenient mode would keep", body: `{"a": "x\qy"}`, format: "auto", status: 400, line: 1, col: 10,
			msg: `line 1, column 10: invalid JSON: invalid character 'q' in string escape code; want JSON records (an object, an array, NDJSON)`},
		{name: "leading zero", body: `{"a": 01}`, format: "auto", status: 400, line: 1, col: 8,
			msg: `line 1, column 8: invalid JSON: invalid character '1' after object key:value pair; want JSON records (an object, an array, NDJSON)`},
		{name: "text after a value", body: ctRecord + " trailing", format: "auto", status: 400, line: 1, col: len(ctRecord) + 2,
			msg: `line 1, column 183: not JSON: "trailing"; want JSON records (an object, an array, NDJSON) or log lines the vkcloud format reads (syslog, CEF)`},
		{name: "bare string", body: `"just a string"`, format: "auto", status: 400, line: 1, col: 1,
			msg: `line 1, column 1: not JSON: "\"just a string\""; want JSON records (an object, an array, NDJSON) or log lines the vkcloud format reads (syslog, CEF)`},
		{name: "syslog to a JSON-only format", body: vkSyslog, format: "cloudtrail", status: 400, line: 1, col: 1,
			msg: `line 1, column 1: not JSON: "<110>1 2026-11-20T12:00:00.000Z cloudaud…"; want JSON records (an object, an array, NDJSON)`},
		{name: "EventBridge then a record", body: ebCT + "\n" + ctRecord, format: "auto", status: 400, line: 2, col: 1,
			msg: `line 2, column 1: this value is a plain record, not an EventBridge event like the first record: send one kind of record per request`},
		{name: "record then EventBridge", body: ctRecord + "\n" + ebCT, format: "auto", status: 400, line: 2, col: 1,
			msg: `line 2, column 1: this value is an EventBridge event, not a plain record like the first record: send one kind of record per request`},
		{name: "mixed array", body: "[" + ebCT + "," + ctRecord + "]", format: "auto", status: 400, line: 1, col: 1,
			msg: `line 1, column 1: element 2 of this array is a plain record, not an EventBridge event like the first record: send one kind of record per request`},
		{name: "EventBridge then text", body: ebCT + "\n" + vkCEF, format: "auto", status: 400, line: 2, col: 1,
			msg: `line 2, column 1: a line of text, not an EventBridge event like the first record: send one kind of record per request`},
		{name: "EventBridge to gcpaudit", body: ebCT, format: "gcpaudit", status: 400,
			msg: `the body's first record is an EventBridge event, which holds cloudtrail records, but the URL names format "gcpaudit": post to /v1/ingest/cloudtrail or /v1/ingest/auto`},
		{name: "Pub/Sub to cloudtrail", body: pubSub([]byte(gcpEntry)), format: "cloudtrail", status: 400,
			msg: `the body's first record is a Pub/Sub push message, which holds gcpaudit records, but the URL names format "cloudtrail": post to /v1/ingest/gcpaudit or /v1/ingest/auto`},
		{name: "Pub/Sub data not base64", body: "\n" + `{"message":{"data":"%%%"},"subscription":"s"}`, format: "auto", status: 400, line: 2, col: 1,
			msg: `line 2, column 1: message.data is not base64 (not standard or URL-safe base64): want a LogEntry, base64-encoded`},
		{name: "Pub/Sub data not JSON", body: pubSub([]byte("hello")), format: "auto", status: 400, line: 1, col: 1,
			msg: `line 1, column 1: message.data, once decoded, is not JSON at its line 1, column 1: want LogEntry JSON`},
		{name: "Pub/Sub data broken", body: pubSub([]byte(gcpEntry + "\n{\"insertId\":}")), format: "auto", status: 400, line: 1, col: 1,
			msg: `line 1, column 1: message.data, once decoded, is invalid JSON at its line 2, column 13: invalid character '}' looking for beginning of value`},
		{name: "only white space", body: "\n\n  ", format: "auto", status: 400,
			msg: `empty body: want audit records (JSON, NDJSON, a JSON array) or a push envelope`},
		{name: "unknown format", body: ctRecord, format: "syslog", status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ingest.Unwrap([]byte(tc.body), tc.format)
			ie := asError(t, err)
			if ie.Status != tc.status || ie.Line != tc.line || ie.Col != tc.col {
				t.Errorf("got %d at %d:%d, want %d at %d:%d (%s)", ie.Status, ie.Line, ie.Col, tc.status, tc.line, tc.col, ie.Message)
			}
			if tc.msg != "" && ie.Message != tc.msg {
				t.Errorf("message:\n%s\nwant:\n%s", ie.Message, tc.msg)
			}
		})
	}
}

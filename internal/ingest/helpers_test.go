package ingest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
)

// eventBridge wraps a detail in an EventBridge event as EventBridge sends
// one to an API destination.
func eventBridge(detailType, detail string) string {
	return fmt.Sprintf(`{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":%q,`+
		`"source":"aws.ec2","account":"111122223333","time":"2026-01-02T03:04:05Z","region":"eu-west-1",`+
		`"resources":[],"detail":%s}`, detailType, detail)
}

// pubSub wraps data in a Pub/Sub push request body.
func pubSub(data []byte) string {
	return fmt.Sprintf(`{"message":{"attributes":{"logging.googleapis.com/timestamp":"2026-01-02T03:04:05Z"},`+
		`"data":%q,"messageId":"2070443601311540","message_id":"2070443601311540",`+
		`"publishTime":"2026-01-02T03:04:06.12Z","publish_time":"2026-01-02T03:04:06.12Z"},`+
		`"subscription":"projects/my-project/subscriptions/snapwarden-push"}`, base64.StdEncoding.EncodeToString(data))
}

// compact is a JSON text on one line, as the unwrapped records come out.
func compact(tb testing.TB, s string) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		tb.Fatalf("%v: %s", err, s)
	}
	return buf.String()
}

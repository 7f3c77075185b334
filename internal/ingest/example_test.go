package ingest_test

import (
	"fmt"

	"github.com/snapwarden/snapwarden/internal/ingest"
)

func ExampleUnwrap() {
	body := `[{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{"eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot"}},
{"version":"0","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{"state":"running"}}]`
	b, err := ingest.Unwrap([]byte(body), "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: format %s, %d unwrapped, %d skipped\n%s", b.Envelope, b.Format, b.Unwrapped, b.Skipped, b.Body)

	_, err = ingest.Unwrap([]byte("{\"eventName\": \"CreateSnapshot\",\n \"eventSource\" \"ec2\"}"), "auto")
	fmt.Println(err.(*ingest.Error).Status, err)
	// Output:
	// eventbridge: format cloudtrail, 1 unwrapped, 1 skipped
	// {"eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot"}
	// 400 line 2, column 16: invalid JSON: invalid character '"' after object key; want JSON records (an object, an array, NDJSON)
}

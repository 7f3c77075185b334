package decode_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/cloudtrail"
	"github.com/snapwarden/snapwarden/internal/event"
)

// TestDecodeBytes_keepsNothing: a decoder that read an input in memory,
// lending scratch events, holds nothing of it afterwards (an idle serve
// unit must not keep its last batch alive), and still reads the next input.
func TestDecodeBytes_keepsNothing(t *testing.T) {
	rec := `{"eventVersion":"1.08","eventTime":"2026-11-20T02:10:00Z","eventSource":"ec2.amazonaws.com",` +
		`"eventName":"DescribeInstances","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"111122223333",` +
		`"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"}}`
	d := decode.NewDecoder(decode.Options{Formats: []decode.Format{cloudtrail.Format{}}, Scratch: true})
	bad := func(re *decode.RecordError) error { t.Error(re); return nil }
	data := []byte(strings.Repeat(rec+"\n", 100))
	held := weak.Make(&data[0])
	events := 0
	emit := func(e *event.Event) error {
		if !e.Scratch || e.Operation != "DescribeInstances" {
			t.Errorf("event %+v: want a scratch DescribeInstances", e)
		}
		events++
		return nil
	}
	if _, err := d.DecodeBytes(context.Background(), data, "batch", emit, bad); err != nil || events != 100 {
		t.Fatalf("%d events, %v", events, err)
	}
	data = nil
	runtime.GC()
	runtime.GC()
	if held.Value() != nil {
		t.Error("the decoder still holds its last input")
	}
	events = 0
	if _, err := d.Decode(context.Background(), strings.NewReader(rec), "next", emit, bad); err != nil || events != 1 {
		t.Fatalf("next input: %d events, %v", events, err)
	}
	runtime.KeepAlive(d)
}

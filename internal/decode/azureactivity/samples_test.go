package azureactivity_test

import (
	"fmt"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/azureactivity"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/event"
)

// pantherLogs returns the raw records of Panther's Azure rule tests: each
// test's log is one Activity Log record.
func pantherLogs(tb testing.TB) [][]byte {
	tb.Helper()
	var logs [][]byte
	for _, pt := range decodetest.PantherTests(tb, "azure/activity/panther/azure_monitor_activity_tests.ndjson") {
		logs = append(logs, pt.Log)
	}
	return logs
}

// TestSamples_Panther decodes every Panther test log as its own input, so
// that tests sharing a correlationId are not paired with each other.
func TestSamples_Panther(t *testing.T) {
	logs := pantherLogs(t)
	const want = 214
	if len(logs) != want {
		t.Fatalf("found %d Panther logs, want %d", len(logs), want)
	}
	events := 0
	for i, l := range logs {
		res := decodetest.Decode(t, azureactivity.Format{}, nil, fmt.Sprintf("panther[%d]", i), l)
		for _, e := range res.Errors {
			t.Errorf("log %d: %v", i, e)
		}
		if res.Err != nil {
			t.Errorf("log %d: %v", i, res.Err)
		}
		if len(res.Events) != 1 {
			t.Errorf("log %d: %d events, want 1", i, len(res.Events))
		}
		for _, e := range res.Events {
			if e.Cloud != event.Azure || e.Operation == "" || e.ID == "" || e.Time.IsZero() {
				t.Errorf("log %d: incomplete event %+v", i, e)
			}
		}
		events += len(res.Events)
	}
	t.Logf("azure/activity/panther: %d records, %d events, 0 errors", len(logs), events)
}

// TestSamples_PantherSniff checks that auto-detection claims every Panther
// log.
func TestSamples_PantherSniff(t *testing.T) {
	var f azureactivity.Format
	for i, l := range pantherLogs(t) {
		res := decodetest.Decode(t, nil, []decode.Format{f}, "sniff", l)
		if len(res.Errors) > 0 || len(res.Events) != 1 {
			t.Errorf("log %d: not claimed: %v", i, res.Errors)
		}
	}
}

package gcpaudit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/decode/decodetest"
	"github.com/snapwarden/snapwarden/internal/decode/gcpaudit"
	"github.com/snapwarden/snapwarden/internal/event"
)

// pantherTests reads the Panther rule-test sample file.
func pantherTests(t *testing.T) []decodetest.PantherTest {
	t.Helper()
	return decodetest.PantherTests(t, "gcp/audit/panther/gcp_audit_tests.ndjson")
}

// hasMethod reports whether a log is a LogEntry as Cloud Logging writes it:
// protoPayload.methodName under its documented spelling.
func hasMethod(log json.RawMessage) bool {
	var e struct {
		ProtoPayload map[string]json.RawMessage `json:"protoPayload"`
	}
	// encoding/json folds keys; check the exact spelling by hand.
	return json.Unmarshal(log, &e) == nil && bytes.Contains(log, []byte(`"protoPayload"`)) &&
		e.ProtoPayload["methodName"] != nil
}

var gcp = []decode.Format{gcpaudit.Format{}}

// TestSamples decodes each Panther test log as its own input, auto-detected.
func TestSamples(t *testing.T) {
	tests := pantherTests(t)
	if len(tests) != 143 {
		t.Fatalf("got %d Panther tests, want 143", len(tests))
	}
	n := 0
	var all []*event.Event
	for i, pt := range tests {
		if !hasMethod(pt.Log) {
			continue
		}
		n++
		name := fmt.Sprintf("panther:%d", i+1)
		res := decodetest.Decode(t, nil, gcp, name, pt.Log)
		if len(res.Errors) > 0 || res.Err != nil || len(res.Events) != 1 {
			t.Errorf("%s (%s / %s): errors %v, end %v, %d events", name, pt.Rule, pt.Name, res.Errors, res.Err, len(res.Events))
			continue
		}
		all = append(all, res.Events[0])
		if e := res.Events[0]; e.Cloud != event.GCP || e.Operation == "" || e.ID == "" {
			t.Errorf("%s: cloud %q operation %q id %q", name, e.Cloud, e.Operation, e.ID)
		}
	}
	if n != 125 {
		t.Errorf("%d sample logs have protoPayload.methodName, want 125", n)
	}
	decodetest.Golden(t, "samples_panther", all)
	t.Logf("gcp/audit/panther: %d LogEntries with protoPayload.methodName decoded", n)
}

// TestSamples_Renamed pins what becomes of the 18 Panther logs that are not
// LogEntries as Cloud Logging writes them.
func TestSamples_Renamed(t *testing.T) {
	tests := pantherTests(t)
	const decoded = "" // the log decodes to one event
	want := map[int]string{
		5:   "audit LogEntry without protoPayload.methodName", // Cloud Run test with the method removed
		10:  "audit LogEntry without protoPayload.methodName",
		30:  decoded,                                          // lower-cased keys: protopayload, insertid, logname
		31:  "audit LogEntry without protoPayload.methodName", // its payload's fields sit inside metadata
		32:  decoded,
		38:  decoded,
		39:  "unknown format", // bare {"methodName": …}
		40:  "unknown format",
		44:  "unknown format",
		45:  "unknown format",
		48:  decoded,
		49:  "unknown format",
		50:  "unknown format",
		69:  "audit LogEntry without protoPayload.methodName", // only authorizationInfo
		70:  "audit LogEntry without protoPayload.methodName",
		102: "audit LogEntry without protoPayload.methodName",
		106: "audit LogEntry without protoPayload.methodName",
		131: "audit LogEntry without protoPayload.methodName",
	}
	seen := 0
	for i, pt := range tests {
		if hasMethod(pt.Log) {
			continue
		}
		seen++
		line := i + 1
		w, ok := want[line]
		if !ok {
			t.Errorf("line %d (%s / %s) has no expectation", line, pt.Rule, pt.Name)
			continue
		}
		res := decodetest.Decode(t, nil, gcp, fmt.Sprint("panther:", line), pt.Log)
		if res.Err != nil {
			t.Errorf("line %d: input ended early: %v", line, res.Err)
		}
		if w == decoded {
			if len(res.Errors) != 0 || len(res.Events) != 1 || res.Events[0].Operation == "" {
				t.Errorf("line %d: want one event, got %d events, errors %v", line, len(res.Events), res.Errors)
			}
			continue
		}
		if len(res.Events) != 0 || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), w) {
			t.Errorf("line %d: want one error %q, got %d events, errors %v", line, w, len(res.Events), res.Errors)
		}
		// Forced to this format, a bare methodName is no LogEntry.
		if w == "unknown format" {
			res := decodetest.Decode(t, gcpaudit.Format{}, nil, "forced", pt.Log)
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "no protoPayload") {
				t.Errorf("line %d forced: want a 'no protoPayload' error, got %v", line, res.Errors)
			}
		}
	}
	if seen != 18 {
		t.Errorf("%d renamed logs, want 18", seen)
	}
}

package ingest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/ingest"
)

func fuzzSeeds(tb testing.TB) [][]byte {
	eb := eventBridge(apiCall, ctRecord)
	seeds := []string{
		ctRecord, ctRecord + "\n" + ctRecord, "[" + eb + "," + eventBridge(stateEvent, "{}") + "]", eb + "\n" + eb,
		pubSub([]byte(gcpEntry + "\n" + gcpEntry2)), pubSub([]byte("[" + gcpEntry + "]")), pubSub([]byte("{")),
		`{"records":[` + azRecord + `]}`, vkSyslog + "\n" + vkCEF, "\ufeff{}", `{"a":"\u00e9\"}`, "[[[[[[", "",
		`{"message":{"data":""},"subscription":"s"}`, `{"detail-type":"x via CloudTrail","source":"s","detail":{"k\u0041":1}}`,
	}
	var out [][]byte
	for _, s := range seeds {
		out = append(out, []byte(s), gz(tb, s))
	}
	// A gzip bomb: 4 MiB of zeros in about 4 KiB.
	return append(out, gz(tb, strings.Repeat("\x00", 4<<20)), gz(tb, "["+strings.Repeat(eb+",", 2000)+eb+"]"))
}

// FuzzRead posts arbitrary bodies: Read never panics, refuses with an
// *Error of a 4xx status and a one-line message, and never reads or
// returns more than the limits allow, gzip or not.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, false, uint8(0))
		f.Add(s, true, uint8(1))
	}
	names := append([]string{"auto"}, formats.Names()...)
	names = append(names, "bogus")
	opts := ingest.Options{MaxBody: 32 << 10, MaxDecoded: 256 << 10}
	f.Fuzz(func(t *testing.T, body []byte, gzipHeader bool, format uint8) {
		r := httptest.NewRequest(http.MethodPost, "/v1/ingest/x", bytes.NewReader(body))
		if gzipHeader {
			r.Header.Set("Content-Encoding", "gzip")
		}
		name := names[int(format)%len(names)]
		b, err := ingest.Read(r, name, opts)
		if err != nil {
			ie, ok := errors.AsType[*ingest.Error](err)
			if !ok {
				t.Fatalf("%T is not an *ingest.Error: %v", err, err)
			}
			if !slices.Contains([]int{400, 404, 413, 415}, ie.Status) || ie.Message == "" || strings.ContainsAny(ie.Message, "\r\n") {
				t.Fatalf("bad refusal: %d %q", ie.Status, ie.Message)
			}
			return
		}
		if b.Wire > opts.MaxBody || int64(len(b.Body)) > opts.MaxDecoded {
			t.Fatalf("read %d bytes and returned %d, over the limits", b.Wire, len(b.Body))
		}
		if !b.Gzip && len(b.Body) > len(body) {
			t.Fatalf("body grew from %d to %d bytes", len(body), len(b.Body))
		}
		checkBatch(t, b)
	})
}

// FuzzUnwrap checks the batch Unwrap makes of any body.
func FuzzUnwrap(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ingest.Unwrap(body, "auto")
		if err != nil {
			if ie, ok := errors.AsType[*ingest.Error](err); !ok || ie.Status != http.StatusBadRequest {
				t.Fatalf("refusal %v is not a 400 *ingest.Error", err)
			}
			return
		}
		if len(b.Body) > len(body) {
			t.Fatalf("body grew from %d to %d bytes", len(body), len(b.Body))
		}
		checkBatch(t, b)
	})
}

// checkBatch checks what every batch promises: a known format, the body
// untouched without an envelope to take off, else one JSON record a line,
// as many as Unwrapped says.
func checkBatch(t *testing.T, b ingest.Batch) {
	t.Helper()
	if b.Format != "auto" && !slices.Contains(formats.Names(), b.Format) {
		t.Fatalf("format %q", b.Format)
	}
	switch b.Envelope {
	case ingest.EventBridge, ingest.PubSub:
		lines := 0
		for line := range bytes.Lines(b.Body) {
			if !json.Valid(line) {
				t.Fatalf("unwrapped line is not JSON: %q", line)
			}
			lines++
		}
		if lines != b.Unwrapped || (len(b.Body) > 0 && b.Body[len(b.Body)-1] != '\n') {
			t.Fatalf("%d lines for %d unwrapped records: %q", lines, b.Unwrapped, b.Body)
		}
	case ingest.None, ingest.EventHub:
		if b.Unwrapped != 0 && b.Envelope == ingest.None || b.Skipped != 0 {
			t.Fatalf("plain body with unwrapped %d, skipped %d", b.Unwrapped, b.Skipped)
		}
	}
}

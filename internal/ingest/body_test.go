package ingest_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/ingest"
)

const ctRecord = `{"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":"CreateSnapshot","eventTime":"2026-01-02T03:04:05Z","awsRegion":"eu-west-1","recipientAccountId":"111122223333"}`

func gz(tb testing.TB, parts ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	for _, p := range parts { // one gzip member per part
		zw := gzip.NewWriter(&buf)
		if _, err := io.WriteString(zw, p); err != nil {
			tb.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

func post(body []byte, encoding string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/v1/ingest/auto", bytes.NewReader(body))
	if encoding != "" {
		r.Header.Set("Content-Encoding", encoding)
	}
	return r
}

// asError returns err as an *ingest.Error, failing the test if it is not one.
func asError(tb testing.TB, err error) *ingest.Error {
	tb.Helper()
	ie, ok := errors.AsType[*ingest.Error](err)
	if !ok {
		tb.Fatalf("error %v (%T) is not an *ingest.Error", err, err)
	}
	return ie
}

func TestRead_Body(t *testing.T) {
	bomb := gz(t, strings.Repeat(" ", 4<<20)) // 4 MiB of spaces in a few KiB
	opts := ingest.Options{MaxBody: 64 << 10, MaxDecoded: 1 << 20}
	tests := []struct {
		name     string
		req      func() *http.Request
		want     string // the body Read returns
		wantGzip bool
		status   int    // the refusal, when not 0
		msg      string // a part of its message
	}{
		{name: "identity", req: func() *http.Request { return post([]byte(ctRecord), "") }, want: ctRecord},
		{name: "identity header", req: func() *http.Request { return post([]byte(ctRecord), "identity") }, want: ctRecord},
		{name: "gzip", req: func() *http.Request { return post(gz(t, ctRecord), "gzip") }, want: ctRecord, wantGzip: true},
		{name: "x-gzip", req: func() *http.Request { return post(gz(t, ctRecord), "x-gzip") }, want: ctRecord, wantGzip: true},
		{name: "gzip without header", req: func() *http.Request { return post(gz(t, ctRecord), "") }, want: ctRecord, wantGzip: true},
		{name: "gzip members", req: func() *http.Request { return post(gz(t, ctRecord, "\n", ctRecord), "gzip") },
			want: ctRecord + "\n" + ctRecord, wantGzip: true},
		{name: "brotli", req: func() *http.Request { return post([]byte(ctRecord), "br") },
			status: 415, msg: `unsupported Content-Encoding "br": want gzip or identity`},
		{name: "gzip twice", req: func() *http.Request { return post(gz(t, ctRecord), "gzip, gzip") },
			status: 415, msg: "gzip twice"},
		{name: "gzip header on plain body", req: func() *http.Request { return post([]byte(ctRecord), "gzip") },
			status: 400, msg: "Content-Encoding is gzip but the body is not gzip"},
		{name: "truncated gzip", req: func() *http.Request { b := gz(t, ctRecord); return post(b[:len(b)-6], "gzip") },
			status: 400, msg: "not valid gzip"},
		{name: "over MaxBody", req: func() *http.Request {
			r := post([]byte(ctRecord+strings.Repeat(" ", 64<<10)), "")
			r.ContentLength = -1 // chunked: the limit is found while reading
			return r
		}, status: 413, msg: "request body is larger than the limit of 64 KiB"},
		{name: "Content-Length over MaxBody", req: func() *http.Request {
			r := post([]byte(ctRecord), "")
			r.ContentLength = 1 << 30
			return r
		}, status: 413, msg: "64 KiB"},
		{name: "gzip bomb", req: func() *http.Request { return post(bomb, "gzip") },
			status: 413, msg: "body after gzip is larger than the limit of 1 MiB"},
		{name: "server cap", req: func() *http.Request {
			r := post([]byte(ctRecord+strings.Repeat(" ", 2000)), "")
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1000)
			return r
		}, status: 413, msg: "limit of 1000 bytes"},
		{name: "empty", req: func() *http.Request { return post(nil, "") }, status: 400, msg: "empty body"},
		{name: "white space", req: func() *http.Request { return post([]byte(" \r\n\t\n"), "") }, status: 400, msg: "empty body"},
		{name: "empty gzip", req: func() *http.Request { return post(gz(t, ""), "gzip") }, status: 400, msg: "empty body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ingest.Read(tc.req(), "auto", opts)
			if tc.status != 0 {
				ie := asError(t, err)
				if ie.Status != tc.status || !strings.Contains(ie.Message, tc.msg) {
					t.Fatalf("got %d %q, want %d with %q", ie.Status, ie.Message, tc.status, tc.msg)
				}
				if strings.Contains(ie.Message, "\n") {
					t.Errorf("message spans lines: %q", ie.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(b.Body) != tc.want || b.Gzip != tc.wantGzip || b.Format != "auto" || b.Envelope != ingest.None {
				t.Errorf("got body %q gzip %v format %q envelope %v; want %q gzip %v auto none",
					b.Body, b.Gzip, b.Format, b.Envelope, tc.want, tc.wantGzip)
			}
			if b.Wire <= 0 || b.Wire > opts.MaxBody {
				t.Errorf("Wire = %d", b.Wire)
			}
		})
	}
}

func TestRead_Format(t *testing.T) {
	tests := []struct {
		url, want string
		status    int
	}{
		{"auto", "auto", 0},
		{"", "auto", 0},
		{"AUTO", "auto", 0},
		{"cloudtrail", "cloudtrail", 0},
		{"CloudTrail", "cloudtrail", 0},
		{"azureactivity", "azureactivity", 0},
		{"cloudtrial", "", 404},
		{"../etc", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			b, err := ingest.Read(post([]byte(ctRecord), ""), tc.url, ingest.Options{})
			if tc.status != 0 {
				ie := asError(t, err)
				want := `unknown format "` + tc.url + `": want auto, ` + strings.Join(formats.Names(), ", ")
				if ie.Status != tc.status || ie.Message != want {
					t.Errorf("got %d %q, want %d %q", ie.Status, ie.Message, tc.status, want)
				}
				return
			}
			if err != nil || b.Format != tc.want {
				t.Errorf("format %q, err %v; want %q", b.Format, err, tc.want)
			}
		})
	}
}

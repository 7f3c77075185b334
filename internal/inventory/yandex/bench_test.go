package yandex_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/yandex"
)

// BenchmarkCollect measures the collector's own cost per folder of n
// snapshots (one page, one access-binding call each) over an in-memory
// transport: decoding, records and exposure, without the network.
func BenchmarkCollect(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("snapshots=%d", n), func(b *testing.B) {
			var page bytes.Buffer
			page.WriteString(`{"snapshots": [`)
			for i := range n {
				if i > 0 {
					page.WriteByte(',')
				}
				fmt.Fprintf(&page, `{"id": "fd8bench%012d", "folderId": %q, "createdAt": "2026-03-02T09:15:27Z",
					"name": "snap-%d", "labels": {"env": "prod"}, "storageSize": "4634705920", "diskSize": "107374182400",
					"status": "READY", "sourceDiskId": "fhmbench%012d"}`, i, prodFolder, i, i)
			}
			page.WriteString(`]}`)
			list := page.Bytes()
			bindings := []byte(`{"accessBindings": [{"roleId": "viewer", "subject": {"id": "ajeo4sv8d5ln5s6hbq1e", "type": "serviceAccount"}}]}`)
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				body := []byte(`{}`)
				switch {
				case strings.HasSuffix(r.URL.Path, ":listAccessBindings"):
					body = bindings
				case r.URL.Path == "/compute/v1/snapshots":
					body = list
				}
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
			})}
			c := &yandex.Collector{Token: staticToken, HTTPClient: hc, Getenv: func(string) string { return "" }}
			opts := inventory.CollectOptions{Endpoint: "http://api.invalid", Accounts: []string{prodFolder}}
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.Collect(b.Context(), opts)
				if err != nil || len(res.Records) != n {
					b.Fatalf("%d records, err %v", len(res.Records), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
		})
	}
}

package gcp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
	"github.com/snapwarden/snapwarden/internal/inventory/gcp"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
)

// BenchmarkCollect reads a project of n snapshots over loopback: pages of
// 500 and one policy read per snapshot, so it measures the client's own
// cost per copy (JSON, requests), not Google's latency.
func BenchmarkCollect(b *testing.B) {
	for _, n := range []int{2000} {
		for _, par := range []int{1, 4} {
			b.Run(fmt.Sprintf("snapshots=%d/parallel=%d", n, par), func(b *testing.B) {
				srv := httptest.NewServer(generated(n))
				defer srv.Close()
				c := &gcp.Collector{
					ClientOptions: []option.ClientOption{option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fakeToken}))},
					Parallel:      par,
				}
				opts := inventory.CollectOptions{Endpoint: srv.URL, Accounts: []string{"bench"}}
				b.ReportAllocs()
				for b.Loop() {
					res, err := c.Collect(b.Context(), opts)
					if err != nil || len(res.Records) != n {
						b.Fatalf("Collect = %v records, %v", len(res.Records), err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/copy")
			})
		}
	}
}

// generated serves a project with n snapshots, pages of 500, each shared
// with one user; no images.
func generated(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/getIamPolicy"):
			fmt.Fprint(w, `{"version":1,"etag":"BwYB","bindings":[{"role":"roles/compute.storageAdmin","members":["user:a@example.com"]}]}`)
		case strings.HasSuffix(r.URL.Path, "/global/snapshots"):
			from, _ := strconv.Atoi(r.URL.Query().Get("pageToken"))
			to := min(from+500, n)
			var sb strings.Builder
			sb.WriteString(`{"kind":"compute#snapshotList","items":[`)
			for i := from; i < to; i++ {
				if i > from {
					sb.WriteByte(',')
				}
				fmt.Fprintf(&sb, `{"kind":"compute#snapshot","id":"%d","creationTimestamp":"2026-03-02T04:15:09.123-08:00","name":"snap-%d","status":"READY","sourceDisk":"https://www.googleapis.com/compute/v1/projects/bench/zones/europe-west1-b/disks/d-%d","diskSizeGb":"100","storageLocations":["europe-west1"],"labels":{"env":"prod"}}`, 1000+i, i, i)
			}
			sb.WriteString(`]`)
			if to < n {
				fmt.Fprintf(&sb, `,"nextPageToken":"%d"`, to)
			}
			sb.WriteString(`}`)
			fmt.Fprint(w, sb.String())
		default:
			fmt.Fprint(w, `{}`)
		}
	})
}

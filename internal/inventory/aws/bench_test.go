package aws_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/inventory"
)

// BenchmarkCollect reads a region of n EBS snapshots (one page, then one
// attribute call each) and nothing else, over loopback: the SDK's and the
// collector's cost per snapshot, without the network's.
func BenchmarkCollect(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("snapshots=%d", n), func(b *testing.B) {
			rs := routes()
			for k := range rs {
				if strings.HasPrefix(k, "us-east-1 ") {
					delete(rs, k)
				}
			}
			var page strings.Builder
			page.WriteString(`<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><snapshotSet>`)
			for i := range n {
				id := fmt.Sprintf("snap-%017x", i)
				fmt.Fprintf(&page, `<item><snapshotId>%s</snapshotId><volumeId>vol-%017x</volumeId><status>completed</status>`+
					`<startTime>2024-05-01T03:00:12.000Z</startTime><ownerId>111122223333</ownerId><volumeSize>8</volumeSize>`+
					`<encrypted>true</encrypted><tagSet><item><key>Name</key><value>n%d</value></item></tagSet></item>`, id, i, i)
				rs["eu-west-1 DescribeSnapshotAttribute Attribute=createVolumePermission&SnapshotId="+id] = reply{body: []byte(
					`<DescribeSnapshotAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` +
						`<snapshotId>` + id + `</snapshotId><createVolumePermission><item><userId>444455556666</userId></item></createVolumePermission>` +
						`</DescribeSnapshotAttributeResponse>`)}
			}
			page.WriteString(`</snapshotSet></DescribeSnapshotsResponse>`)
			rs[euSnaps] = reply{body: []byte(page.String())}
			_, endpoint := newFakeAWS(b, rs)
			c := collector(nil)
			opts := inventory.CollectOptions{Endpoint: endpoint, Regions: []string{"eu-west-1"}}
			b.ReportAllocs()
			for b.Loop() {
				res, err := c.Collect(b.Context(), opts)
				if err != nil || len(res.Failures) > 0 || len(res.Records) != n+2 {
					b.Fatalf("Collect: %v, %v, %d records", err, res.Failures, len(res.Records))
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "snapshots/s")
		})
	}
}

package web

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Health is the ingest pipeline's state as the overview shows it. serve
// fills it from its metrics (see GatherHealth) and its last checkpoint.
type Health struct {
	// Ready is false while the pipeline recovers its state or stops.
	Ready bool
	// AcceptedBatches counts the batches durably queued since the start.
	AcceptedBatches int64
	// QueueBatches and QueueBytes are what waits in the ingest queue.
	QueueBatches, QueueBytes int64
	// Malformed counts the records no decoder could read since the start.
	Malformed int64
	// LastCheckpoint is when the correlation state was last saved; zero
	// when not yet.
	LastCheckpoint time.Time
}

// The metrics GatherHealth reads (internal/serve/metrics.go names them).
const (
	metricAccepted     = "snapwarden_ingest_batches_total"
	metricMalformed    = "snapwarden_malformed_total"
	metricQueueBatches = "snapwarden_queue_batches"
	metricQueueBytes   = "snapwarden_queue_bytes"
)

// GatherHealth reads the counts of Health from serve's metrics registry,
// summing each metric over its labels. Ready and LastCheckpoint are the
// caller's to fill. A registry that fails to gather gives what it could.
func GatherHealth(g prometheus.Gatherer) Health {
	var h Health
	mfs, _ := g.Gather() // a partial answer still holds the families gathered
	for _, mf := range mfs {
		var dst *int64
		switch mf.GetName() {
		case metricAccepted:
			dst = &h.AcceptedBatches
		case metricMalformed:
			dst = &h.Malformed
		case metricQueueBatches:
			dst = &h.QueueBatches
		case metricQueueBytes:
			dst = &h.QueueBytes
		default:
			continue
		}
		var sum float64
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
		*dst = int64(sum)
	}
	return h
}

// roundAge says how long ago something was, to the unit that matters:
// 42s, 7m, 3h, 2d.
func roundAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// byteSize writes a size in bytes for people: 512 B, 3.4 MB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, u := float64(n)/unit, 0
	for f >= unit && u < 4 {
		f /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTP"[u])
}

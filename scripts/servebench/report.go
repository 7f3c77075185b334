package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"
)

// result is a finished run, read from the samples.
type result struct {
	l           *load
	start, sent time.Time
	done        time.Time
	drained     bool
	clientCPU   time.Duration
	// machineCPU is every process's, this one's and serve's included.
	machineCPU   time.Duration
	machineKnown bool
}

// at returns the last sample taken no later than t.
func (r *result) at(t time.Time) sample {
	s := r.l.samples[0]
	for _, x := range r.l.samples {
		if x.at.After(t) {
			break
		}
		s = x
	}
	return s
}

// rate is the per-second growth of metric between two samples.
func rate(a, b sample, metric string) float64 {
	dt := b.at.Sub(a.at).Seconds()
	if dt <= 0 {
		return math.NaN()
	}
	return (b.get(metric) - a.get(metric)) / dt
}

func (r *result) print(w io.Writer, o options) {
	l := r.l
	s0, final := l.samples[0], l.samples[len(l.samples)-1]
	end := r.at(r.sent)
	warm := r.at(r.start.Add(10 * time.Second))
	sendSecs := r.sent.Sub(r.start).Seconds()

	offered := "as fast as accepted"
	if o.rate > 0 {
		offered = fmt.Sprintf("%.0f records/s", o.rate)
	}
	gz := "none gzip"
	if o.gzipEvery > 0 {
		gz = fmt.Sprintf("1 in %d gzip", o.gzipEvery)
	}
	fmt.Fprintf(w, "== %s: %d clients + %d probe clients, %d records a request (%s), offered %s\n",
		o.label, o.clients, o.probes, o.batch, gz, offered)
	acc := l.acceptedRecords.Load()
	fmt.Fprintf(w, "sent       %.1f s; accepted %d records in %d requests = %.0f records/s; 503 busy %d, failed %d, given up %d\n",
		sendSecs, acc, l.acceptedBatches.Load(), float64(acc)/sendSecs, l.busy.Load(), l.failed.Load(), l.dropped.Load())
	fmt.Fprintf(w, "processed  while sending: %.0f records/s, %.0f events/s (after the first 10 s: %.0f records/s)\n",
		rate(s0, end, "snapwarden_records_total"), rate(s0, end, "snapwarden_events_total"),
		rate(warm, end, "snapwarden_records_total"))
	total := final.get("snapwarden_records_total") - s0.get("snapwarden_records_total")
	drain := "all accepted records processed"
	if !r.drained {
		drain = "NOT all accepted records processed"
	}
	fmt.Fprintf(w, "           %s %.1f s after sending stopped; start to last: %.0f records/s (%.0f records)\n",
		drain, r.done.Sub(r.sent).Seconds(), total/r.done.Sub(r.start).Seconds(), total)

	var backlog int64
	var queueMax, heldMax, rssMax float64
	for _, s := range l.samples {
		processed := int64(s.get("snapwarden_records_total") - s0.get("snapwarden_records_total"))
		backlog = max(backlog, s.accepted-processed)
		queueMax = max(queueMax, s.get("snapwarden_queue_bytes"))
		heldMax = max(heldMax, s.get("snapwarden_correlation_held"))
		rssMax = max(rssMax, s.get("process_resident_memory_bytes"))
	}
	fmt.Fprintf(w, "backlog    max %d records accepted but not processed (sampled each second); queue max %.0f MB stored; held max %.0f\n",
		backlog, queueMax/1e6, heldMax)
	fmt.Fprintf(w, "findings   %.0f stored new or changed (snapwarden_findings_total)\n",
		final.get("snapwarden_findings_total")-s0.get("snapwarden_findings_total"))
	cpuPerK := 1e6 * (final.get("process_cpu_seconds_total") - s0.get("process_cpu_seconds_total")) / total
	fmt.Fprintf(w, "serve      CPU %.2f cores while sending, %.2f start to last, %.1f ms per 1,000 records; peak RSS %.0f MB (sampled each second)\n",
		rate(s0, end, "process_cpu_seconds_total"), rate(s0, final, "process_cpu_seconds_total"), cpuPerK, rssMax/1e6)
	fmt.Fprintf(w, "servebench CPU %.2f cores (this load generator, on the same machine)\n",
		r.clientCPU.Seconds()/final.at.Sub(s0.at).Seconds())
	if r.machineKnown {
		wall := final.at.Sub(s0.at).Seconds()
		serveCPU := final.get("process_cpu_seconds_total") - s0.get("process_cpu_seconds_total")
		fmt.Fprintf(w, "machine    %.2f of %d cores busy start to last; other processes %.2f cores (the machine is shared)\n",
			r.machineCPU.Seconds()/wall, runtime.NumCPU(), (r.machineCPU.Seconds()-serveCPU-r.clientCPU.Seconds())/wall)
	}

	fmt.Fprintf(w, "store     ")
	for _, op := range []string{"enqueue", "read_queue", "put_findings", "checkpoint"} {
		n := final.get(storeMetric+"_count/"+op) - s0.get(storeMetric+"_count/"+op)
		sum := final.get(storeMetric+"_sum/"+op) - s0.get(storeMetric+"_sum/"+op)
		if n > 0 {
			fmt.Fprintf(w, " %s %.0f × %.1f ms (%.0f%% of the time);", op, n, 1000*sum/n, 100*sum/final.at.Sub(s0.at).Seconds())
		}
	}
	fmt.Fprintln(w)

	var vis, post []time.Duration
	failed := 0
	for _, p := range l.probes {
		if p.err != nil {
			failed++
			continue
		}
		vis, post = append(vis, p.visible), append(post, p.post)
	}
	fmt.Fprintf(w, "probes     %d probes, %d not seen; 202 → finding in GET /v1/findings: p50 %s p90 %s p99 %s max %s; POST → 202: p50 %s p99 %s\n",
		len(l.probes), failed, quantile(vis, .5), quantile(vis, .9), quantile(vis, .99), quantile(vis, 1),
		quantile(post, .5), quantile(post, .99))
	buckets := map[float64]float64{}
	for le, n := range final.buckets {
		buckets[le] = n - s0.buckets[le]
	}
	fmt.Fprintf(w, "server     %s over %.0f findings: p50 %.3fs p90 %.3fs p99 %.3fs (interpolated in buckets)\n",
		latencyMetric, final.get(latencyMetric+"_count")-s0.get(latencyMetric+"_count"),
		histogramQuantile(.5, buckets), histogramQuantile(.9, buckets), histogramQuantile(.99, buckets))
}

// quantile is the nearest-rank quantile of ds, rounded for the report.
func quantile(ds []time.Duration, q float64) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))].Round(time.Millisecond).String()
}

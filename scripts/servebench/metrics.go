package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sample is one scrape of serve's /metrics: each series' value summed
// over its labels, and the latency histogram's buckets.
type sample struct {
	at      time.Time
	sums    map[string]float64
	buckets map[float64]float64 // le → cumulative count
	// accepted is the records the senders had seen accepted by then.
	accepted int64
}

func (s sample) get(name string) float64 { return s.sums[name] }

// latencyMetric is the server's own histogram of batch acceptance →
// finding stored.
const latencyMetric = "snapwarden_ingest_to_finding_seconds"

// storeMetric is the store's latency histogram, by operation.
const storeMetric = "snapwarden_store_seconds"

// scrape reads /metrics in the text exposition format. It parses only
// what the report needs: plain "name{labels} value" lines.
func (c *client) scrape(ctx context.Context) (sample, error) {
	s := sample{at: time.Now(), sums: map[string]float64{}, buckets: map[float64]float64{}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/metrics", nil)
	if err != nil {
		return s, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		series := line[:sp]
		name, labels, _ := strings.Cut(series, "{")
		s.sums[name] += v
		if name == storeMetric+"_sum" || name == storeMetric+"_count" {
			if op, ok := label(labels, "op"); ok {
				s.sums[name+"/"+op] += v
			}
		}
		if name == latencyMetric+"_bucket" {
			if le, ok := label(labels, "le"); ok {
				b, err := strconv.ParseFloat(le, 64)
				if err == nil {
					s.buckets[b] = v
				}
			}
		}
	}
	return s, sc.Err()
}

// label finds one label's value in `a="x",le="0.5"}`.
func label(labels, name string) (string, bool) {
	_, rest, ok := strings.Cut(labels, name+`="`)
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(rest, `"`)
	return v, ok
}

// histogramQuantile estimates quantile q from cumulative buckets as
// Prometheus' histogram_quantile does: linearly within the bucket that
// holds it. Past the last finite bucket it returns that bucket's bound.
func histogramQuantile(q float64, buckets map[float64]float64) float64 {
	les := make([]float64, 0, len(buckets))
	for le := range buckets {
		les = append(les, le)
	}
	sort.Float64s(les)
	if len(les) == 0 {
		return math.NaN()
	}
	total := buckets[les[len(les)-1]]
	if total == 0 {
		return math.NaN()
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for _, le := range les {
		n := buckets[le]
		if n >= rank {
			if math.IsInf(le, 1) {
				return lower
			}
			return lower + (le-lower)*(rank-below)/(n-below)
		}
		lower, below = le, n
	}
	return lower
}

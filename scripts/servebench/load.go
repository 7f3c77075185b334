package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// load is one run: senders and probes share one stream of batches, taken
// in order.
type load struct {
	o       options
	c       *client
	batches []batch
	prefix  string // a random prefix of the probes' event ids

	acceptedRecords atomic.Int64
	acceptedBatches atomic.Int64
	busy            atomic.Int64 // 503 answers (queue full), each retried
	failed          atomic.Int64 // transport errors and other statuses
	dropped         atomic.Int64 // batches given up when the time was over

	mu      sync.Mutex
	samples []sample
	probes  []probeResult
}

type probeResult struct {
	post    time.Duration // POST sent → 202
	visible time.Duration // 202 → finding seen in the API
	err     error
}

func (l *load) run(ctx context.Context) (*result, error) {
	s0, err := l.c.scrape(ctx)
	if err != nil {
		return nil, fmt.Errorf("serve is not answering: %w", err)
	}
	l.samples = append(l.samples, s0)
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	busy0, _ := machineBusy()

	stopScrape := make(chan struct{})
	scraped := make(chan struct{})
	go func() {
		l.scrapeEvery(ctx, time.Second, stopScrape)
		close(scraped)
	}()

	t0 := time.Now()
	sendCtx, cancel := context.WithDeadline(ctx, t0.Add(l.o.duration))
	defer cancel()
	jobs := make(chan int)
	go l.dispatch(sendCtx, t0, jobs)
	var senders, probes sync.WaitGroup
	for range l.o.clients {
		senders.Go(func() {
			for i := range jobs {
				l.send(sendCtx, i, l.batches[i].plain, l.batches[i].gz, l.batches[i].records)
			}
		})
	}
	for k := range l.o.probes {
		probes.Go(func() { l.probeLoop(sendCtx, k, jobs) })
	}
	senders.Wait()
	// Sending is over when the senders are done; a probe may still wait
	// for its finding (and so for the backlog) after that.
	sent := time.Now()
	probes.Wait()

	// Wait for serve to process every record it accepted.
	want := s0.get("snapwarden_records_total") + float64(l.acceptedRecords.Load())
	deadline := time.Now().Add(l.o.drain)
	drained := false
	for time.Now().Before(deadline) {
		s, err := l.c.scrape(ctx)
		if err == nil && s.get("snapwarden_records_total") >= want {
			drained = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	done := time.Now()
	close(stopScrape)
	<-scraped
	final, err := l.c.scrape(ctx)
	if err != nil {
		return nil, err
	}
	l.samples = append(l.samples, final)
	var ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	busy1, ok := machineBusy()

	return &result{
		l: l, start: t0, sent: sent, done: done, drained: drained,
		clientCPU:  cpuTime(ru1) - cpuTime(ru0),
		machineCPU: busy1 - busy0, machineKnown: ok,
	}, nil
}

// dispatch hands out batch indexes in order, paced to the offered rate if
// one is set, until the corpus, the record budget or the time runs out.
func (l *load) dispatch(ctx context.Context, t0 time.Time, jobs chan<- int) {
	defer close(jobs)
	offered := 0
	for i, b := range l.batches {
		if l.o.maxEvents > 0 && offered >= l.o.maxEvents {
			return
		}
		if l.o.rate > 0 {
			due := t0.Add(time.Duration(float64(offered) / l.o.rate * float64(time.Second)))
			if d := time.Until(due); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case jobs <- i:
		}
		offered += b.records
	}
}

// send POSTs one batch, retrying on 503 as Retry-After says, until it is
// accepted or the time is over. It reports whether the batch was accepted
// and when the 202 came.
func (l *load) send(ctx context.Context, i int, plain, gz []byte, records int) (bool, time.Time) {
	body, gzipped := plain, false
	if gz != nil {
		body, gzipped = gz, true
	}
	for {
		status, wait, err := l.c.post(body, gzipped)
		switch {
		case err == nil && status == http.StatusAccepted:
			l.acceptedRecords.Add(int64(records))
			l.acceptedBatches.Add(1)
			return true, time.Now()
		case err == nil && status == http.StatusServiceUnavailable:
			l.busy.Add(1)
		default:
			l.failed.Add(1)
			if err == nil {
				err = fmt.Errorf("HTTP %d", status)
			}
			if l.failed.Load() <= 5 {
				fmt.Fprintf(os.Stderr, "servebench: batch %d: %v\n", i, err)
			}
			wait = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			l.dropped.Add(1)
			return false, time.Time{}
		case <-time.After(wait):
		}
	}
}

// post sends one body; the request itself is never cut short, so a batch
// is either answered or failed, not left in doubt.
func (c *client) post(body []byte, gzipped bool) (int, time.Duration, error) {
	req, err := http.NewRequest(http.MethodPost, c.base+"/v1/ingest/cloudtrail", bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wait := time.Second
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		wait = time.Duration(s) * time.Second
	}
	return resp.StatusCode, wait, nil
}

// probeLoop takes batches like a sender, adds a probe record to each and
// waits for the probe's finding before taking the next.
func (l *load) probeLoop(ctx context.Context, k int, jobs <-chan int) {
	n := k
	for i := range jobs {
		b := l.batches[i]
		p, rec := newProbe(n, l.prefix, b.last)
		n += l.o.probes
		sentAt := time.Now()
		ok, at := l.send(ctx, i, withProbe(b.plain, rec), nil, b.records+1)
		if !ok {
			continue
		}
		r := probeResult{post: at.Sub(sentAt)}
		// The finding is awaited even after the sending time is over.
		wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		seen, err := l.c.visible(wctx, l.o.rule, p, l.o.poll)
		cancel()
		if err != nil {
			r.err = err
		} else {
			r.visible = seen.Sub(at)
		}
		l.mu.Lock()
		l.probes = append(l.probes, r)
		l.mu.Unlock()
	}
}

// scrapeEvery samples /metrics until stop, printing progress every 10 s.
func (l *load) scrapeEvery(ctx context.Context, every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		s, err := l.c.scrape(ctx)
		if err != nil {
			continue
		}
		s.accepted = l.acceptedRecords.Load()
		l.mu.Lock()
		prev := l.samples[max(0, len(l.samples)-10)]
		l.samples = append(l.samples, s)
		l.mu.Unlock()
		if n%10 == 0 {
			dt := s.at.Sub(prev.at).Seconds()
			fmt.Fprintf(os.Stderr, "servebench: %3.0fs accepted %6.0f rec/s, processed %6.0f rec/s, backlog %7d records, queue %4.0f MB, RSS %4.0f MB\n",
				s.at.Sub(l.samples[0].at).Seconds(),
				float64(s.accepted-prev.accepted)/dt,
				(s.get("snapwarden_records_total")-prev.get("snapwarden_records_total"))/dt,
				s.accepted-int64(s.get("snapwarden_records_total")-l.samples[0].get("snapwarden_records_total")),
				s.get("snapwarden_queue_bytes")/1e6, s.get("process_resident_memory_bytes")/1e6)
		}
	}
}

func cpuTime(ru syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

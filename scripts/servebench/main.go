// Command servebench loads a running `snapwarden serve` over HTTP and
// reports what it sustained: CloudTrail batches (from `snapwarden gen`) are
// POSTed by concurrent clients, as fast as accepted or at a set rate, while
// /metrics is scraped every second and probe records — each a snapshot made
// public, with a fresh event id — are timed from the POST's 202 to their
// finding showing in GET /v1/findings, polled every 10 ms.
//
//	servebench -logs DIR -url http://127.0.0.1:8080 -token TOKEN [-rate 20000] [-duration 60s]
//
// Accepted is not processed: the processed rate (records and events the
// pipeline counted, from /metrics) is the one to quote. scripts/bench-serve.sh
// starts serve and runs this against it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

type options struct {
	logs      string
	base      string
	token     string
	batch     int
	gzipEvery int
	clients   int
	probes    int
	rate      float64
	duration  time.Duration
	maxEvents int
	poll      time.Duration
	drain     time.Duration
	rule      string
	label     string
}

func main() {
	var o options
	flag.StringVar(&o.logs, "logs", "", "a `snapwarden gen --clouds aws --no-gzip` output directory")
	flag.StringVar(&o.base, "url", "http://127.0.0.1:8080", "serve's base URL")
	flag.StringVar(&o.token, "token", os.Getenv("SERVEBENCH_TOKEN"), "API token (default $SERVEBENCH_TOKEN)")
	flag.IntVar(&o.batch, "batch", 1000, "records per request")
	flag.IntVar(&o.gzipEvery, "gzip-every", 2, "gzip every n-th request (0: none, 1: all)")
	flag.IntVar(&o.clients, "clients", 4, "concurrent ingest clients")
	flag.IntVar(&o.probes, "probes", 3, "concurrent probe clients (their batches count in the load)")
	flag.Float64Var(&o.rate, "rate", 0, "offered records/s over all clients (0: as fast as serve accepts)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send")
	flag.IntVar(&o.maxEvents, "max-events", 0, "stop sending after this many records (0: the whole corpus)")
	flag.DurationVar(&o.poll, "poll", 10*time.Millisecond, "findings API polling interval of the probes")
	flag.DurationVar(&o.drain, "drain", 3*time.Minute, "how long to wait for serve to process what it accepted")
	flag.StringVar(&o.rule, "rule", "7f4b5c1e-2d3a-4e8f-9a6b-1c2d3e4f5a02", "rule id the probes' findings carry (copy shared outside)")
	flag.StringVar(&o.label, "label", "", "a name for the run in the report")
	flag.Parse()
	if o.logs == "" || o.token == "" || o.batch < 1 || o.clients < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "servebench:", err)
		os.Exit(1)
	}
}

// client is the HTTP side shared by the senders, the probes and the
// scraper.
type client struct {
	base  string
	token string
	http  *http.Client
}

func run(o options) error {
	start := time.Now()
	bs, err := loadCorpus(o.logs, o.batch, o.gzipEvery)
	if err != nil {
		return err
	}
	records := 0
	for _, b := range bs {
		records += b.records
	}
	fmt.Fprintf(os.Stderr, "servebench: %d records in %d batches of %d, ready in %s\n",
		records, len(bs), o.batch, time.Since(start).Round(time.Millisecond))

	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = o.clients + o.probes + 2
	tr.DisableCompression = true
	c := &client{base: o.base, token: o.token, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}

	id := make([]byte, 8)
	rand.Read(id)
	l := &load{o: o, c: c, batches: bs, prefix: hex.EncodeToString(id)}
	res, err := l.run(context.Background())
	if err != nil {
		return err
	}
	res.print(os.Stdout, o)
	return nil
}

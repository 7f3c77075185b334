package serve

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

const (
	// readBatches is how many queued batches one read takes.
	readBatches = 64
	// tick is how often held events are looked at when nothing arrives.
	tick = 100 * time.Millisecond
	// maxBadPerBatch bounds the bad records of one batch written to the log
	// (all are counted).
	maxBadPerBatch = 5
)

// processor is the one goroutine that turns queued batches into findings.
type processor struct {
	p       *Pipeline
	worker  *hunt.Worker
	stream  *hunt.Stream // nil without chain or correlation rules
	pairer  *decode.Pairer
	decoder *decode.Decoder
	format  decode.Format // the decoder's forced format (nil: auto)
	formats []decode.Format

	read     int64 // the last batch taken from the queue
	covered  int64 // the last batch the saved checkpoint covers
	lastSave time.Time
	pending  []finding.Finding // findings not yet stored
	batches  []int64           // the batch of each pending finding
	received map[int64]time.Time
}

func newProcessor(p *Pipeline) *processor {
	pr := &processor{
		p:        p,
		worker:   p.opts.Detector.NewWorker(),
		stream:   p.opts.Detector.NewStream(p.opts.Hold),
		pairer:   decode.NewPairer(),
		formats:  formats.All(),
		received: map[int64]time.Time{},
	}
	pr.stream.Attach(pr.worker)
	return pr
}

// loop processes batches as they are queued until ctx ends or the store
// fails.
func (pr *processor) loop(ctx context.Context) error {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		n, err := pr.step(ctx, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if n == readBatches {
			continue // more are waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-pr.p.wake:
		case <-t.C:
		}
	}
}

// drain processes everything queued, feeds what is held and checkpoints.
func (pr *processor) drain(ctx context.Context) error {
	for {
		n, err := pr.step(ctx, false)
		if err != nil {
			return err
		}
		if n < readBatches {
			break
		}
	}
	if err := pr.release(ctx, true); err != nil {
		return err
	}
	return pr.checkpoint(ctx)
}

// step takes up to readBatches queued batches, processes them, releases
// what has been held long enough, stores the findings and checkpoints when
// it is time. It returns how many batches it read.
func (pr *processor) step(ctx context.Context, all bool) (int, error) {
	start := time.Now()
	bs, err := pr.p.opts.Store.Queued(ctx, pr.p.opts.Owner, pr.read, readBatches)
	pr.p.m.storeSeconds.WithLabelValues("read_queue").Observe(time.Since(start).Seconds())
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		if err := pr.batch(ctx, b.Seq, b.Source, b.Format, b.Body, b.Received); err != nil {
			return 0, err
		}
		pr.read = b.Seq
	}
	if err := pr.unpaired(); err != nil {
		return 0, err
	}
	if err := pr.release(ctx, all); err != nil {
		return 0, err
	}
	if time.Since(pr.lastSave) >= pr.p.opts.CheckpointEvery {
		if err := pr.checkpoint(ctx); err != nil {
			return 0, err
		}
	}
	pr.p.m.held.Set(float64(pr.stream.Held()))
	return len(bs), nil
}

// batch decodes one batch and matches its events; findings wait in
// pr.pending for store.
func (pr *processor) batch(ctx context.Context, seq int64, source, format string, body []byte, received time.Time) error {
	raw, err := s2.Decode(nil, body)
	if err != nil {
		// Only a damaged database can do this: say so and go on.
		pr.p.log.Error("queued batch unreadable; skipped", "batch", seq, "source", textsafe.Clean(source), "err", err)
		pr.p.m.malformed.WithLabelValues("unreadable").Inc()
		return nil
	}
	defer pr.p.release(int64(len(raw)))
	f, err := formats.Lookup(format)
	if err != nil {
		pr.p.log.Error("queued batch of an unknown format; skipped", "batch", seq, "format", textsafe.Clean(format))
		pr.p.m.malformed.WithLabelValues("unknown").Inc()
		return nil
	}
	if pr.decoder == nil || pr.format != f {
		pr.decoder = decode.NewDecoder(decode.Options{Format: f, Formats: pr.formats, Pairer: pr.pairer})
		pr.format = f
	}
	pr.received[seq] = received
	pr.stream.Begin(seq, time.Now())
	name := batchName(source, seq)
	bad := 0
	matchStart := time.Now()
	events := 0
	st, derr := pr.decoder.Decode(ctx, bytes.NewReader(raw), name, func(ev *event.Event) error {
		events++
		return pr.match(ev, seq)
	}, func(re *decode.RecordError) error {
		pr.p.m.malformed.WithLabelValues(cmp.Or(re.Format, "unknown")).Inc()
		if bad < maxBadPerBatch {
			pr.p.log.Warn("bad record", "where", textsafe.Clean(re.Error()))
		}
		bad++
		return nil
	})
	pr.p.m.matchSeconds.Add(time.Since(matchStart).Seconds())
	for name, n := range st.PerFormat {
		pr.p.m.records.WithLabelValues(name).Add(float64(n))
	}
	if derr != nil {
		// Matching cannot fail here, so this is the input: broken JSON
		// after what could be read.
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pr.p.m.malformed.WithLabelValues("broken").Inc()
		pr.p.log.Warn("batch cut short", "batch", seq, "source", textsafe.Clean(source), "err", textsafe.Clean(derr.Error()), "events", events)
	}
	if bad > maxBadPerBatch {
		pr.p.log.Warn("more bad records in the batch", "batch", seq, "count", bad)
	}
	return nil
}

// unpaired matches the records whose partners did not come within the
// pair wait, each as an event of its own. They count as part of the last
// batch read: a crash before the next checkpoint finds them among the
// saved waiting records again.
func (pr *processor) unpaired() error {
	pr.stream.Begin(pr.read, time.Now())
	return pr.pairer.FlushIdle(time.Now().Add(-pr.p.opts.PairWait), func(ev *event.Event) error {
		return pr.match(ev, pr.read)
	})
}

// match runs the rules over one event of batch seq.
func (pr *processor) match(ev *event.Event, seq int64) error {
	if ev.Account == "" {
		ev.Account = pr.p.opts.DefaultAccounts[ev.Cloud]
	}
	pr.p.m.events.WithLabelValues(string(ev.Cloud)).Inc()
	return pr.worker.Findings(ev, func(fd finding.Finding) error {
		pr.pending, pr.batches = append(pr.pending, fd), append(pr.batches, seq)
		return nil
	})
}

// release feeds held events whose time has come and stores the findings.
func (pr *processor) release(ctx context.Context, all bool) error {
	if pr.stream != nil {
		now := time.Now()
		err := pr.stream.Release(now, all, func(f finding.Finding, batch int64) error {
			pr.pending, pr.batches = append(pr.pending, f), append(pr.batches, batch)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return pr.store(ctx)
}

// store writes the pending findings with their outbox entries.
func (pr *processor) store(ctx context.Context) error {
	if len(pr.pending) == 0 {
		return nil
	}
	start := time.Now()
	changed, err := pr.p.opts.Store.PutFindingsOutbox(ctx, pr.p.opts.Owner, pr.pending, start.UTC())
	pr.p.m.storeSeconds.WithLabelValues("put_findings").Observe(time.Since(start).Seconds())
	if err != nil {
		return err
	}
	// The time from a batch's acceptance to its findings being visible,
	// for each finding the batch made or changed.
	now := time.Now()
	from := make(map[string]int64, len(pr.pending))
	for i, f := range pr.pending {
		from[f.ID] = pr.batches[i]
	}
	for _, f := range changed {
		pr.p.m.findings.WithLabelValues(f.Rule.ID, f.Severity.String()).Inc()
		if at, ok := pr.received[from[f.ID]]; ok {
			pr.p.m.latency.Observe(now.Sub(at).Seconds())
		}
	}
	pr.pending, pr.batches = pr.pending[:0], pr.batches[:0]
	if len(changed) > 0 {
		pr.p.opts.Notify()
	}
	return nil
}

// batchName names a batch's records in messages and in the pairer: the
// batch number lets a checkpoint keep only the waiting halves it covers.
func batchName(source string, seq int64) string {
	return fmt.Sprintf("%s (batch %d)", source, seq)
}

// batchOf reads the batch number back from a batchName.
func batchOf(name string) (int64, bool) {
	i := strings.LastIndex(name, " (batch ")
	if i < 0 || !strings.HasSuffix(name, ")") {
		return 0, false
	}
	n, err := strconv.ParseInt(name[i+len(" (batch "):len(name)-1], 10, 64)
	return n, err == nil
}

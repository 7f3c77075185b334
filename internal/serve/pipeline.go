// Package serve is snapwarden's streaming engine: it accepts batches of
// audit records (from HTTP and from tailed files), stores each durably
// before saying so, and one processor takes them in order — decodes them,
// runs the detection rules, holds what the chain and correlation rules need
// for a moment so that events that arrive a little out of order are fed in
// order, stores the findings with an outbox entry for the sinks, and
// checkpoints the correlation state together with the queue position it
// covers. A crash at any point replays the batches after the last
// checkpoint; findings are idempotent by id and revision, so nothing is
// lost or doubled.
package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/store"
)

// Options configure a Pipeline; zero fields have defaults.
type Options struct {
	Store    *store.Store
	Detector *hunt.Detector
	// Owner names this instance's rows in a shared store (its queue, its
	// outbox); default "default".
	Owner string
	// Hold is how long the events chain and correlation rules need wait
	// for events that arrive late before they are fed in time order
	// (default 500ms).
	Hold time.Duration
	// PairWait is how long a record of a paired operation (a request, an
	// Azure "Started") waits for its partner before it is an event of its
	// own (default 2m).
	PairWait time.Duration
	// CheckpointEvery is how often the correlation state is saved and the
	// batches it covers are dropped from the queue (default 5s).
	CheckpointEvery time.Duration
	// MaxQueued bounds the bytes accepted but not yet processed; beyond it
	// Accept fails with ErrBusy (default 256 MiB).
	MaxQueued int64
	// DefaultAccounts give the account of records that name none, per
	// cloud (VK Cloud action logs).
	DefaultAccounts map[event.Cloud]string
	// Notify is called after findings are stored (the sinks wake up).
	Notify  func()
	Metrics *Metrics
	Logger  *slog.Logger
	Now     func() time.Time
}

// Input is a body of records to accept.
type Input struct {
	Source string // "http:<token>", "file:<path>": shown with bad records
	Format string // a format name or "auto"
	Body   []byte // decompressed records
}

// ErrBusy says the queue holds more unprocessed bytes than allowed: the
// caller should retry later (HTTP 503 with Retry-After).
var ErrBusy = errors.New("ingest queue full: processing is behind")

// ErrStopped says the pipeline is shutting down and accepts nothing more.
var ErrStopped = errors.New("shutting down")

// Pipeline is the streaming engine of one serve instance.
type Pipeline struct {
	opts    Options
	log     *slog.Logger
	m       *Metrics
	accepts chan acceptReq
	wake    chan struct{}

	mu       sync.Mutex
	stopped  bool
	inflight sync.WaitGroup // Accept calls that passed the stopped check
	queued   int64          // bytes accepted, not yet processed
	ready    bool           // recovered and processing

	proc *processor
	// saved is when the last checkpoint was stored (Unix nanoseconds).
	saved atomic.Int64
	// crashed makes Run stop as a crash would (tests).
	crashed atomic.Bool
	// read is the last batch the processor has taken up.
	read atomic.Int64
}

type acceptReq struct {
	batch store.Batch
	size  int64
	done  chan acceptRes
}

type acceptRes struct {
	seq int64
	err error
}

// New returns a Pipeline; Run starts it.
func New(opts Options) (*Pipeline, error) {
	if opts.Store == nil || opts.Detector == nil {
		return nil, errors.New("serve: a store and a detector are required")
	}
	opts.Owner = cmp.Or(opts.Owner, "default")
	opts.Hold = cmp.Or(opts.Hold, 500*time.Millisecond)
	opts.CheckpointEvery = cmp.Or(opts.CheckpointEvery, 5*time.Second)
	opts.PairWait = cmp.Or(opts.PairWait, 2*time.Minute)
	opts.MaxQueued = cmp.Or(opts.MaxQueued, 256<<20)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics()
	}
	if opts.Notify == nil {
		opts.Notify = func() {}
	}
	p := &Pipeline{
		opts:    opts,
		log:     opts.Logger,
		m:       opts.Metrics,
		accepts: make(chan acceptReq, 1024),
		wake:    make(chan struct{}, 1),
	}
	p.proc = newProcessor(p)
	return p, nil
}

// Metrics returns the pipeline's metrics.
func (p *Pipeline) Metrics() *Metrics { return p.m }

// LastCheckpoint returns when the correlation state was last saved (zero
// before the first checkpoint of this process).
func (p *Pipeline) LastCheckpoint() time.Time {
	if n := p.saved.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Ready reports whether the pipeline has recovered its state and is
// processing (serve's /readyz).
func (p *Pipeline) Ready() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ready && !p.stopped
}

// Accept stores in as a batch and returns its sequence number once it is
// durable: from then on it will be processed, whatever happens to this
// process. Concurrent calls are committed together.
func (p *Pipeline) Accept(ctx context.Context, in Input) (int64, error) {
	if _, err := formats.Lookup(cmp.Or(in.Format, "auto")); err != nil {
		return 0, err
	}
	body := s2.Encode(nil, in.Body)
	size := int64(len(in.Body))
	p.mu.Lock()
	switch {
	case p.stopped:
		p.mu.Unlock()
		return 0, ErrStopped
	case p.queued+size > p.opts.MaxQueued && p.queued > 0:
		p.mu.Unlock()
		p.m.rejected.WithLabelValues("busy").Inc()
		return 0, ErrBusy
	}
	p.queued += size
	p.inflight.Add(1)
	p.mu.Unlock()
	defer p.inflight.Done()

	req := acceptReq{
		batch: store.Batch{Received: p.opts.Now().UTC(), Source: in.Source, Format: cmp.Or(in.Format, "auto"), Body: body},
		size:  size,
		done:  make(chan acceptRes, 1),
	}
	p.accepts <- req
	select {
	case r := <-req.done:
		if r.err != nil {
			p.release(size)
			return 0, r.err
		}
		p.m.accepted.WithLabelValues(req.batch.Format).Inc()
		p.m.acceptedBytes.WithLabelValues(req.batch.Format).Add(float64(size))
		return r.seq, nil
	case <-ctx.Done():
		// The batch may still be stored and processed: the caller cannot
		// know, and retrying is safe (findings are idempotent).
		return 0, ctx.Err()
	}
}

// release takes processed bytes off the count. Batches replayed after a
// restart were accepted by an earlier process and never counted here: the
// floor keeps them from loosening MaxQueued for the life of this one.
func (p *Pipeline) release(size int64) {
	p.mu.Lock()
	p.queued = max(0, p.queued-size)
	p.mu.Unlock()
}

// commit stores accepted batches, as many in one transaction as are
// waiting, until accepts is closed.
func (p *Pipeline) commit() {
	for req := range p.accepts {
		reqs := []acceptReq{req}
	more:
		for len(reqs) < 256 {
			select {
			case r, ok := <-p.accepts:
				if !ok {
					break more
				}
				reqs = append(reqs, r)
			default:
				break more
			}
		}
		bs := make([]store.Batch, len(reqs))
		for i, r := range reqs {
			bs[i] = r.batch
		}
		start := time.Now()
		// Not the caller's context: a batch half-accepted by a client that
		// went away is still committed or not, whole.
		seqs, err := p.opts.Store.Enqueue(context.Background(), p.opts.Owner, bs)
		p.m.storeSeconds.WithLabelValues("enqueue").Observe(time.Since(start).Seconds())
		for i, r := range reqs {
			if err != nil {
				r.done <- acceptRes{err: fmt.Errorf("queue the batch: %w", err)}
				continue
			}
			r.done <- acceptRes{seq: seqs[i]}
		}
		if err == nil {
			p.signal()
		}
	}
}

// signal wakes the processor.
func (p *Pipeline) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run recovers the state, then processes batches until ctx ends; then it
// stops accepting, processes everything accepted, feeds what is held,
// saves a final checkpoint and returns. Nothing accepted is lost: what a
// crash interrupts is replayed by the next Run.
func (p *Pipeline) Run(ctx context.Context) error {
	committed := make(chan struct{})
	go func() {
		p.commit()
		close(committed)
	}()
	stopAccepting := func() {
		p.mu.Lock()
		already := p.stopped
		p.stopped = true
		p.mu.Unlock()
		if !already {
			p.inflight.Wait()
			close(p.accepts)
			<-committed
		}
	}
	defer stopAccepting()

	// The final work must finish even though ctx has ended.
	final := context.WithoutCancel(ctx)
	if err := p.proc.recover(final); err != nil {
		return err
	}
	p.mu.Lock()
	p.ready = true
	p.mu.Unlock()
	p.log.Info("processing", "owner", p.opts.Owner, "resumed_after_batch", p.proc.u.covered)

	err := p.proc.loop(ctx)
	if ctx.Err() == nil {
		return err // a store failure: nothing more can be done safely
	}
	stopAccepting()
	if p.crashed.Load() {
		return nil // a test's crash: nothing more is written
	}
	p.log.Info("shutting down: processing what was accepted")
	return p.proc.drain(final)
}

package serve

import (
	"context"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

const (
	// readBatches is how many queued batches one read takes.
	readBatches = 64
	// tick is how often held events are looked at when nothing arrives.
	tick = 100 * time.Millisecond
)

// processor is the one goroutine that turns the instance's queued batches
// into findings, through one unit.
type processor struct {
	p *Pipeline
	u *unit
}

func newProcessor(p *Pipeline) *processor {
	cfg := unitConfig{store: p.opts.Store, owner: p.opts.Owner, m: p.m, log: p.log, notify: p.opts.Notify,
		pairWait: p.opts.PairWait, accounts: p.opts.DefaultAccounts}
	return &processor{p: p, u: newUnit(cfg, p.opts.Detector, p.opts.Hold, "serve/"+p.opts.Owner)}
}

// recover loads the last checkpoint; processing goes on after the batch it
// covers.
func (pr *processor) recover(ctx context.Context) error {
	marks, err := pr.p.opts.Store.StateMarks(ctx)
	if err != nil {
		return err
	}
	return pr.u.restore(ctx, marks, true)
}

// loop processes batches as they are queued until ctx ends or the store
// fails.
func (pr *processor) loop(ctx context.Context) error {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		n, err := pr.step(ctx)
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
		n, err := pr.step(ctx)
		if err != nil {
			return err
		}
		if n < readBatches {
			break
		}
	}
	if err := pr.u.release(ctx, true); err != nil {
		return err
	}
	return pr.checkpoint(ctx)
}

// step takes up to readBatches queued batches, processes them, releases
// what has been held long enough, stores the findings and checkpoints when
// it is time. It returns how many batches it read.
func (pr *processor) step(ctx context.Context) (int, error) {
	start := time.Now()
	bs, err := pr.p.opts.Store.Queued(ctx, pr.p.opts.Owner, pr.u.read, readBatches)
	pr.p.m.storeSeconds.WithLabelValues("read_queue").Observe(time.Since(start).Seconds())
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		raw, err := s2.Decode(nil, b.Body)
		if err != nil {
			// Only a damaged database can do this: say so and go on.
			pr.p.log.Error("queued batch unreadable; skipped", "batch", b.Seq, "source", textsafe.Clean(b.Source), "err", err)
			pr.p.m.malformed.WithLabelValues("unreadable").Inc()
			pr.u.read = b.Seq
			continue
		}
		err = pr.u.batch(ctx, b.Seq, b.Source, b.Format, raw, b.Received)
		pr.p.release(int64(len(raw)))
		if err != nil {
			return 0, err
		}
	}
	pr.p.read.Store(pr.u.read)
	if err := pr.u.unpaired(); err != nil {
		return 0, err
	}
	if err := pr.u.release(ctx, false); err != nil {
		return 0, err
	}
	if time.Since(pr.u.lastSave) >= pr.p.opts.CheckpointEvery {
		if err := pr.checkpoint(ctx); err != nil {
			return 0, err
		}
	}
	return len(bs), nil
}

// checkpoint saves the unit's checkpoint, then drops the batches it covers
// from the queue.
func (pr *processor) checkpoint(ctx context.Context) error {
	before := pr.u.covered
	covered, err := pr.u.checkpoint(ctx, nil)
	if err != nil {
		return err
	}
	pr.p.saved.Store(time.Now().UnixNano())
	if covered > before {
		if _, err := pr.p.opts.Store.DeleteQueued(ctx, pr.p.opts.Owner, covered); err != nil {
			return err
		}
	}
	n, size, err := pr.p.opts.Store.QueueDepth(ctx, pr.p.opts.Owner)
	if err == nil {
		pr.p.m.queueBatches.Set(float64(n))
		pr.p.m.queueBytes.Set(float64(size))
	}
	return err
}

package serve

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/store"
)

// Marks saved with each checkpoint, per owner: the last batch it covers,
// and the records waiting for their partners.
func (pr *processor) markSeq() string   { return "serve/" + pr.p.opts.Owner + "/covered" }
func (pr *processor) markPairs() string { return "serve/" + pr.p.opts.Owner + "/pairs" }

// recover loads the last checkpoint: the correlation state, the waiting
// halves, and the batch it covers; processing goes on after that batch.
func (pr *processor) recover(ctx context.Context) error {
	st := pr.p.opts.Store
	marks, err := st.StateMarks(ctx)
	if err != nil {
		return err
	}
	if s := marks[pr.markSeq()]; s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("checkpoint mark %s=%q: %w", pr.markSeq(), s, err)
		}
		pr.covered, pr.read = n, n
	}
	if s := marks[pr.markPairs()]; s != "" {
		if err := pr.pairer.Load([]byte(s), pr.formats); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	if pr.stream != nil {
		snap, err := st.LoadState(ctx)
		if err != nil {
			return err
		}
		if err := pr.stream.Restore(snap); err != nil {
			return err
		}
		if _, err := pr.stream.Checkpoint(); err != nil { // what was loaded is saved already
			return err
		}
	}
	pr.lastSave = time.Now()
	return nil
}

// checkpoint saves what changed in the correlation state since the last
// checkpoint, the waiting halves and the batch covered — in one
// transaction — and then drops the covered batches from the queue.
func (pr *processor) checkpoint(ctx context.Context) error {
	start := time.Now()
	covered := pr.read
	if pr.stream != nil {
		covered = pr.stream.Covered(pr.read)
	}
	pairs, err := pr.pairer.Save(func(src event.Source) bool {
		n, ok := batchOf(src.File)
		return !ok || n <= covered
	})
	if err != nil {
		return err
	}
	marks := map[string]string{pr.markSeq(): strconv.FormatInt(covered, 10), pr.markPairs(): string(pairs)}
	if pr.stream != nil {
		delta, err := pr.stream.Checkpoint()
		if err != nil {
			return err
		}
		err = pr.p.opts.Store.ApplyState(ctx, delta, marks)
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	} else if err := pr.p.opts.Store.ApplyState(ctx, &store.StateDelta{}, marks); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	pr.p.m.storeSeconds.WithLabelValues("checkpoint").Observe(time.Since(start).Seconds())
	if covered > pr.covered {
		if _, err := pr.p.opts.Store.DeleteQueued(ctx, pr.p.opts.Owner, covered); err != nil {
			return err
		}
		for seq := range pr.received {
			if seq <= covered {
				delete(pr.received, seq)
			}
		}
		pr.covered = covered
	}
	pr.lastSave = time.Now()
	n, size, err := pr.p.opts.Store.QueueDepth(ctx, pr.p.opts.Owner)
	if err == nil {
		pr.p.m.queueBatches.Set(float64(n))
		pr.p.m.queueBytes.Set(float64(size))
	}
	if pr.stream != nil {
		ss, cs := pr.stream.Stats()
		pr.p.m.late.Set(float64(ss.Late))
		pr.p.m.state.WithLabelValues("resources").Set(float64(cs.Resources))
		pr.p.m.state.WithLabelValues("principals").Set(float64(cs.Principals))
		pr.p.m.state.WithLabelValues("open_chains").Set(float64(cs.Open))
	}
	return err
}

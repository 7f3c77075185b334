package serve

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
	"github.com/snapwarden/snapwarden/internal/store"
)

const (
	// forwardBatch is how many findings one send carries.
	forwardBatch = 100
	// forwardIdle is how often a sink looks at the outbox without being
	// woken, and how long it waits after a failed send.
	forwardIdle = 2 * time.Second
)

// Forwarder sends each finding the pipeline stores new or changed to every
// sink, from the store's outbox: a sink that is down is retried (its
// position in the outbox waits), one that refuses a batch for good has it
// logged and skipped, and a restart goes on where the sinks stopped.
type Forwarder struct {
	store *store.Store
	owner string
	sinks []sink.Sink
	wake  []chan struct{}
	log   *slog.Logger

	sent, dropped, failed *prometheus.CounterVec
}

// NewForwarder returns a Forwarder for owner's outbox; its counters join
// m's registry.
func NewForwarder(st *store.Store, owner string, sinks []sink.Sink, m *Metrics, log *slog.Logger) *Forwarder {
	f := &Forwarder{store: st, owner: owner, sinks: sinks, log: log,
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_sink_sent_total",
			Help: "Findings a sink delivered."}, []string{"sink"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_sink_dropped_total",
			Help: "Findings a sink refused for good (logged and skipped)."}, []string{"sink"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_sink_failures_total",
			Help: "Sends that failed after their retries (the batch is sent again later)."}, []string{"sink"}),
	}
	m.Registry.MustRegister(f.sent, f.dropped, f.failed)
	for range sinks {
		f.wake = append(f.wake, make(chan struct{}, 1))
	}
	return f
}

// Wake tells the sinks there is something new in the outbox.
func (f *Forwarder) Wake() {
	for _, w := range f.wake {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// Run forwards until ctx ends, then makes one last pass bounded by grace,
// prunes what every sink has sent, and closes the sinks.
func (f *Forwarder) Run(ctx context.Context, grace time.Duration) {
	done := make(chan struct{})
	for i, s := range f.sinks {
		go func() {
			defer func() { done <- struct{}{} }()
			for {
				if err := f.pass(ctx, s); err != nil && ctx.Err() == nil {
					f.log.Warn("sink: will retry", "sink", s.Name(), "err", err)
				}
				select {
				case <-ctx.Done():
					return
				case <-f.wake[i]:
				case <-time.After(forwardIdle):
				}
			}
		}()
	}
	// What every sink has sent (everything, without sinks) leaves the
	// outbox.
	t := time.NewTicker(forwardIdle)
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-t.C:
			f.prune(ctx)
		}
	}
	t.Stop()
	for range f.sinks {
		<-done
	}
	final, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	for _, s := range f.sinks {
		if err := f.pass(final, s); err != nil {
			f.log.Warn("sink: findings left in the outbox for the next start", "sink", s.Name(), "err", err)
		}
		s.Close()
	}
	f.prune(final)
}

// pass sends everything the sink has not sent yet.
func (f *Forwarder) pass(ctx context.Context, s sink.Sink) error {
	for {
		es, err := f.store.Outbox(ctx, f.owner, s.Name(), forwardBatch)
		if err != nil || len(es) == 0 {
			return err
		}
		fs := make([]finding.Finding, len(es))
		for i, e := range es {
			fs[i] = e.Finding
		}
		err = s.Send(ctx, fs)
		switch {
		case err == nil:
			f.sent.WithLabelValues(s.Name()).Add(float64(len(fs)))
		case sink.IsPermanent(err):
			f.dropped.WithLabelValues(s.Name()).Add(float64(len(fs)))
			f.log.Error("sink refused findings; skipped", "sink", s.Name(), "findings", len(fs), "first", fs[0].ID, "err", err)
		case errors.Is(err, sink.ErrClosed), ctx.Err() != nil:
			return err
		default:
			f.failed.WithLabelValues(s.Name()).Inc()
			return err
		}
		if err := f.store.AdvanceSink(ctx, f.owner, s.Name(), es[len(es)-1].Seq); err != nil {
			return err
		}
	}
}

func (f *Forwarder) prune(ctx context.Context) {
	names := make([]string, len(f.sinks))
	for i, s := range f.sinks {
		names[i] = s.Name()
	}
	if _, err := f.store.PruneOutbox(ctx, f.owner, names); err != nil && ctx.Err() == nil {
		f.log.Warn("outbox prune failed", "err", err)
	}
}

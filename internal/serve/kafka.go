package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"golang.org/x/sync/errgroup"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/ingest"
	"github.com/snapwarden/snapwarden/internal/kafka"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/textsafe"
)

// KafkaOptions configure a Consumer; zero fields have the Pipeline's
// defaults.
type KafkaOptions struct {
	Config          config.Kafka
	Store           *store.Store
	Detector        *hunt.Detector
	Owner           string // this instance (its outbox)
	Hold            time.Duration
	PairWait        time.Duration
	CheckpointEvery time.Duration
	DefaultAccounts map[event.Cloud]string
	Notify          func()
	Metrics         *Metrics
	Logger          *slog.Logger
	// Extra client options (tests: a logger, faster heartbeats).
	Extra []kgo.Opt
}

// Consumer reads the configured Kafka topics as a member of a consumer
// group. Records are expected keyed by account, so that one account's
// events stay in one partition: each partition assigned has its own unit
// (rules, held events, chain state of its accounts), loaded from the
// shared store when the partition is assigned and checkpointed there
// before it is revoked. A partition's offset is committed only after the
// findings of the records it covers and the checkpoint covering them are
// stored: a crash replays records (at least once), and findings, being
// idempotent, are not doubled.
type Consumer struct {
	o       KafkaOptions
	log     *slog.Logger
	m       *Metrics
	formats map[string]string // topic → format

	mu     sync.Mutex // units, and the units' work against the callbacks
	units  map[tp]*partitionUnit
	client *kgo.Client
	killed bool      // a test's crash: no checkpoint, no commit
	closed sync.Once // the client closes once (two closes race in franz-go)

	records    *prometheus.CounterVec
	lag        *prometheus.GaugeVec
	rebalances *prometheus.CounterVec
	commits    prometheus.Histogram
}

type tp struct {
	topic     string
	partition int32
}

type partitionUnit struct {
	*unit
	epoch int32 // leader epoch of the last record read
}

// NewConsumer returns a Consumer; Run starts it.
func NewConsumer(o KafkaOptions) (*Consumer, error) {
	if o.Store == nil || o.Detector == nil || o.Metrics == nil {
		return nil, errors.New("kafka consumer: a store, a detector and metrics are required")
	}
	if !o.Config.Enabled() {
		return nil, errors.New("kafka consumer: no brokers configured")
	}
	o.Owner = cmp.Or(o.Owner, "default")
	o.Hold = cmp.Or(o.Hold, 500*time.Millisecond)
	o.PairWait = cmp.Or(o.PairWait, 2*time.Minute)
	o.CheckpointEvery = cmp.Or(o.CheckpointEvery, 5*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Notify == nil {
		o.Notify = func() {}
	}
	c := &Consumer{o: o, log: o.Logger, m: o.Metrics, formats: map[string]string{}, units: map[tp]*partitionUnit{},
		records: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_kafka_records_total",
			Help: "Kafka records read, by topic."}, []string{"topic"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "snapwarden_kafka_lag",
			Help: "Records behind the partition's high watermark, per partition owned."}, []string{"topic", "partition"}),
		rebalances: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "snapwarden_kafka_rebalances_total",
			Help: "Partitions assigned, revoked (checkpointed first) and lost (taken without a checkpoint)."}, []string{"change"}),
		commits: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "snapwarden_kafka_commit_seconds",
			Help:    "Time to checkpoint a partition's state and commit its offset.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}),
	}
	o.Metrics.Registry.MustRegister(c.records, c.lag, c.rebalances, c.commits)
	for _, t := range o.Config.Topics {
		c.formats[t.Name] = cmp.Or(t.Format, ingest.Auto)
	}
	return c, nil
}

func (c *Consumer) unitConfig() unitConfig {
	return unitConfig{store: c.o.Store, owner: c.o.Owner, m: c.m, log: c.log, notify: c.o.Notify,
		pairWait: c.o.PairWait, accounts: c.o.DefaultAccounts}
}

// prefix names a partition's checkpoint marks: the group's, whoever owns
// the partition now.
func (c *Consumer) prefix(p tp) string {
	return fmt.Sprintf("kafka/%s/%s/%d", c.o.Config.Group, p.topic, p.partition)
}

// Run consumes until ctx ends; then it feeds what is held, checkpoints and
// commits every partition it owns, and leaves the group.
func (c *Consumer) Run(ctx context.Context) error {
	opts := append([]kgo.Opt{
		kgo.OnPartitionsAssigned(c.assigned),
		kgo.OnPartitionsRevoked(c.revoked),
		kgo.OnPartitionsLost(c.lost),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, c.o.Extra...)
	cl, err := kafka.Connect(ctx, c.o.Config, opts...)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while connecting
		}
		return err
	}
	c.mu.Lock()
	c.client = cl
	c.mu.Unlock()
	c.log.Info("consuming", "group", c.o.Config.Group, "topics", len(c.o.Config.Topics))
	defer c.close() // revokes: each partition is checkpointed and committed
	for {
		// A poll returns at least every tick, so that held events are fed
		// and checkpoints taken while no record comes.
		pctx, cancel := context.WithTimeout(ctx, tick)
		fetches := cl.PollRecords(pctx, 10000)
		cancel()
		if ctx.Err() != nil || fetches.IsClientClosed() {
			break
		}
		fetches.EachError(func(topic string, p int32, err error) {
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				c.log.Warn("kafka fetch", "topic", topic, "partition", p, "err", err)
			}
		})
		// Records polled are processed whole, even as ctx ends.
		if err := c.process(context.WithoutCancel(ctx), fetches); err != nil {
			cl.AllowRebalance()
			if c.isKilled() {
				return nil
			}
			return err
		}
		cl.AllowRebalance()
	}
	return nil
}

// process runs the records of one poll through their partitions' units,
// then releases, stores and checkpoints what is due.
func (c *Consumer) process(ctx context.Context, fetches kgo.Fetches) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed {
		return errors.New("killed")
	}
	records := map[tp][]*kgo.Record{}
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		p := tp{fp.Topic, fp.Partition}
		if len(fp.Records) == 0 || c.units[p] == nil {
			return // nothing, or revoked while the fetch was on its way
		}
		records[p] = append(records[p], fp.Records...)
		last := fp.Records[len(fp.Records)-1]
		c.records.WithLabelValues(fp.Topic).Add(float64(len(fp.Records)))
		c.lag.WithLabelValues(fp.Topic, strconv.Itoa(int(fp.Partition))).Set(float64(max(0, fp.HighWatermark-last.Offset-1)))
	})
	// Partitions are independent: their units run side by side.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for p, u := range c.units {
		g.Go(func() error {
			for _, r := range records[p] {
				if err := c.record(gctx, u, r); err != nil {
					return err
				}
			}
			if err := u.unpaired(); err != nil {
				return err
			}
			if err := u.release(gctx, false); err != nil {
				return err
			}
			if time.Since(u.lastSave) >= c.o.CheckpointEvery {
				return c.commit(gctx, p, u)
			}
			return nil
		})
	}
	return g.Wait()
}

// record runs one Kafka record (one or more audit records, or a push
// envelope) as a batch numbered offset+1.
func (c *Consumer) record(ctx context.Context, u *partitionUnit, r *kgo.Record) error {
	source := fmt.Sprintf("kafka:%s/%d@%d", r.Topic, r.Partition, r.Offset)
	u.epoch = r.LeaderEpoch
	b, err := ingest.Unwrap(r.Value, c.formats[r.Topic])
	if err != nil {
		c.m.malformed.WithLabelValues("unknown").Inc()
		c.log.Warn("bad Kafka record", "where", source, "err", textsafe.Clean(err.Error()))
		u.read = r.Offset + 1
		return nil
	}
	at := r.Timestamp
	if at.IsZero() {
		at = time.Now()
	}
	return u.batch(ctx, r.Offset+1, source, b.Format, b.Body, at)
}

// commit checkpoints a partition's unit and commits the offset the
// checkpoint covers: the next record to read after a crash or by the next
// owner.
func (c *Consumer) commit(ctx context.Context, p tp, u *partitionUnit) error {
	start := time.Now()
	covered, err := u.checkpoint(ctx, nil)
	if err != nil {
		return err
	}
	if covered > 0 {
		offsets := map[string]map[int32]kgo.EpochOffset{p.topic: {p.partition: {Epoch: u.epoch, Offset: covered}}}
		var cerr error
		c.client.CommitOffsetsSync(ctx, offsets, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			cerr = commitError(resp, err)
		})
		if cerr != nil {
			// The store's checkpoint is what the next owner starts from; a
			// failed commit only makes Kafka's lag figure stale.
			c.log.Warn("kafka commit failed; the store's checkpoint stands", "topic", p.topic, "partition", p.partition, "err", cerr)
		}
	}
	c.commits.Observe(time.Since(start).Seconds())
	return nil
}

// assigned loads each new partition's checkpoint and starts it there.
func (c *Consumer) assigned(ctx context.Context, cl *kgo.Client, assigned map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed {
		return
	}
	marks, err := c.o.Store.StateMarks(ctx)
	if err != nil {
		c.log.Error("kafka: cannot read checkpoints; partitions left unread", "err", err)
		return
	}
	seek := map[string]map[int32]kgo.EpochOffset{}
	for topic, ps := range assigned {
		for _, part := range ps {
			p := tp{topic, part}
			u := &partitionUnit{unit: newUnit(c.unitConfig(), c.o.Detector, c.o.Hold, c.prefix(p)), epoch: -1}
			if err := u.restore(ctx, marks, false); err != nil {
				c.log.Error("kafka: checkpoint unreadable; partition read from Kafka's committed offset", "topic", topic, "partition", part, "err", err)
				u = &partitionUnit{unit: newUnit(c.unitConfig(), c.o.Detector, c.o.Hold, c.prefix(p)), epoch: -1}
			} else if u.covered > 0 {
				if seek[topic] == nil {
					seek[topic] = map[int32]kgo.EpochOffset{}
				}
				seek[topic][part] = kgo.EpochOffset{Epoch: -1, Offset: u.covered}
			}
			// A chain may cross into this partition's accounts from another
			// partition's (a snapshot shared across accounts): what its
			// events name and the unit does not hold is looked up in the store.
			u.stream.SetLookup(func(ids []string) (*store.Snapshot, error) {
				return c.o.Store.LoadStateOf(context.Background(), ids)
			})
			c.units[p] = u
			c.rebalances.WithLabelValues("assigned").Inc()
		}
	}
	if len(seek) > 0 {
		cl.SetOffsets(seek)
	}
}

// revoked checkpoints and commits each partition before it goes.
func (c *Consumer) revoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed {
		return
	}
	ctx = context.WithoutCancel(ctx) // the checkpoint must land even as the client stops
	for topic, ps := range revoked {
		for _, part := range ps {
			p := tp{topic, part}
			u := c.units[p]
			if u == nil {
				continue
			}
			err := u.release(ctx, true)
			if err == nil {
				err = c.commit(ctx, p, u)
			}
			if err != nil {
				c.log.Error("kafka: partition revoked without its checkpoint; the next owner replays more", "topic", topic, "partition", part, "err", err)
			}
			delete(c.units, p)
			c.lag.DeleteLabelValues(topic, strconv.Itoa(int(part)))
			c.rebalances.WithLabelValues("revoked").Inc()
		}
	}
}

// lost drops partitions taken away without a revoke: another member may
// own them already, so nothing is written.
func (c *Consumer) lost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for topic, ps := range lost {
		for _, part := range ps {
			delete(c.units, tp{topic, part})
			c.lag.DeleteLabelValues(topic, strconv.Itoa(int(part)))
			c.rebalances.WithLabelValues("lost").Inc()
		}
	}
}

func (c *Consumer) isKilled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killed
}

// kill stops the consumer as a crash would: nothing more is processed,
// checkpointed or committed (tests).
func (c *Consumer) kill() {
	c.mu.Lock()
	c.killed = true
	c.units = map[tp]*partitionUnit{}
	c.mu.Unlock()
	c.close()
}

// close leaves the group and closes the client, once.
func (c *Consumer) close() {
	c.mu.Lock()
	cl := c.client
	c.mu.Unlock()
	if cl != nil {
		c.closed.Do(cl.CloseAllowingRebalance)
	}
}

// commitError is a commit's failure: the request's, or a partition's.
func commitError(resp *kmsg.OffsetCommitResponse, err error) error {
	if err != nil || resp == nil {
		return err
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return err
			}
		}
	}
	return nil
}

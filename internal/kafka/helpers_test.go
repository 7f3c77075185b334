package kafka_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/kafka"
)

const topic = "logs"

// cluster starts an in-process Kafka with a 6-partition topic and returns
// its broker addresses.
func cluster(t testing.TB, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(6, topic)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// kafkaConfig is the default kafka section reading topic from brokers.
func kafkaConfig(brokers []string) config.Kafka {
	k := config.Default().Kafka
	k.Brokers = brokers
	k.Topics = []config.KafkaTopic{{Name: topic, Format: config.KafkaAuto}}
	k.SessionTimeout = 6 * time.Second
	return k
}

// newClient builds a client from ClientOptions; the test fails on an
// options error.
func newClient(t testing.TB, k config.Kafka) *kgo.Client {
	t.Helper()
	opts, err := kafka.ClientOptions(k)
	if err != nil {
		t.Fatalf("ClientOptions: %v", err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(cl.CloseAllowingRebalance)
	return cl
}

// record is what the tests compare of a consumed record.
type record struct {
	key, value string
	partition  int32
}

// produce writes n records keyed by account (three accounts in turn).
func produce(t testing.TB, ctx context.Context, cl *kgo.Client, n int) error {
	t.Helper()
	var rs []*kgo.Record
	for i := range n {
		rs = append(rs, &kgo.Record{
			Topic: topic,
			Key:   fmt.Appendf(nil, "11112222333%d", i%3),
			Value: fmt.Appendf(nil, `{"eventName":"CreateSnapshot","n":%d}`, i),
		})
	}
	return cl.ProduceSync(ctx, rs...).FirstErr()
}

// consume polls until it has n records or ctx ends; it releases each poll
// (the options block rebalances during one).
func consume(t testing.TB, ctx context.Context, cl *kgo.Client, n int) ([]record, error) {
	t.Helper()
	var out []record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			cl.AllowRebalance()
			return out, fmt.Errorf("%d of %d records: %w", len(out), n, err)
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) { ferr = err })
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, record{string(r.Key), string(r.Value), r.Partition})
		})
		cl.AllowRebalance()
		if ferr != nil {
			return out, ferr
		}
	}
	return out, nil
}

// roundTrip produces n records and consumes them with one client built by
// ClientOptions.
func roundTrip(t testing.TB, k config.Kafka, n int) ([]record, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl := newClient(t, k)
	if err := produce(t, ctx, cl, n); err != nil {
		return nil, fmt.Errorf("produce: %w", err)
	}
	return consume(t, ctx, cl, n)
}

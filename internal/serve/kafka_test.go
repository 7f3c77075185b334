package serve_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/formats"
	"github.com/snapwarden/snapwarden/internal/hunt"
	"github.com/snapwarden/snapwarden/internal/scan"
	"github.com/snapwarden/snapwarden/internal/serve"
	"github.com/snapwarden/snapwarden/internal/source"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
	"github.com/snapwarden/snapwarden/internal/testenv"
)

const kafkaTopic = "audit"

// vkProject is the VK Cloud project of the example logs.
const vkProject = "5e1f0a9c3b7d4e2f8a6c1b3d5e7f9a0b"

// exampleRecords returns the example logs' audit records one by one, in
// event-time order, keyed by their account as a producer is asked to key
// them; paired operations give each of their records.
func exampleRecords(t *testing.T) []*kgo.Record {
	t.Helper()
	inputs, _, err := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples")})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		events []*event.Event
	)
	_, err = scan.Run(t.Context(), inputs, scan.Options{Formats: formats.All()}, nil, func() scan.Emit {
		return func(ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			c := ev.Clone()
			for _, raw := range ev.Raw {
				c.Raw = append(c.Raw, append([]byte(nil), raw...))
			}
			events = append(events, c)
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(events, func(a, b *event.Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var rs []*kgo.Record
	for _, ev := range events {
		key := ev.Account
		if key == "" && ev.Cloud == event.VKCloud {
			// Some VK Cloud action-log records name no project: their
			// producer keys them by the project it collects from.
			key = vkProject
		}
		for _, raw := range ev.Raw {
			rs = append(rs, &kgo.Record{Topic: kafkaTopic, Key: []byte(key), Value: raw})
		}
	}
	return rs
}

// huntFindings is what hunt finds in examples/ at low and above: "id
// severity" sorted.
func huntFindings(t *testing.T, d *hunt.Detector) []string {
	t.Helper()
	inputs, _, _ := source.Expand([]string{filepath.Join(testenv.RepoRoot(t), "examples")})
	c := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir()})
	var mu sync.Mutex
	var out []string
	keep := func(f finding.Finding) error {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, f.ID+" "+f.Severity.String())
		return nil
	}
	_, err := scan.Run(t.Context(), inputs, scan.Options{Formats: formats.All()}, nil, func() scan.Emit {
		w := d.NewWorker()
		c.Attach(w)
		return func(ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			return w.Findings(ev, func(f finding.Finding) error { out = append(out, f.ID+" "+f.Severity.String()); return nil })
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(t.Context(), keep); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func storedFindings(t *testing.T, st *store.Store) []string {
	t.Helper()
	fs, err := st.Findings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+" "+f.Severity.String())
	}
	slices.Sort(out)
	return out
}

// instance is one serve instance consuming the topic.
type instance struct {
	c    *serve.Consumer
	stop func() error // graceful
	kill func()       // a crash: no checkpoint, no commit
}

func startInstance(t *testing.T, name string, k config.Kafka, st *store.Store, d *hunt.Detector) *instance {
	t.Helper()
	c, err := serve.NewConsumer(serve.KafkaOptions{Config: k, Store: st, Detector: d, Owner: name, Metrics: serve.NewMetrics(),
		Hold: 50 * time.Millisecond, PairWait: 2 * time.Second, CheckpointEvery: 100 * time.Millisecond,
		Extra: []kgo.Opt{kgo.HeartbeatInterval(100 * time.Millisecond)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	in := &instance{c: c}
	var once sync.Once
	var runErr error
	in.stop = func() error {
		once.Do(func() { cancel(); runErr = <-done })
		return runErr
	}
	in.kill = func() {
		serve.Kill(c)
		once.Do(func() { cancel(); <-done })
	}
	t.Cleanup(func() { in.stop() })
	return in
}

// waitCovered waits until the checkpoints of every partition cover the
// records produced to it.
func waitCovered(t *testing.T, st *store.Store, group string, ends map[int32]int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		marks, err := st.StateMarks(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		behind := 0
		for p, end := range ends {
			n, _ := strconv.ParseInt(marks[fmt.Sprintf("kafka/%s/%s/%d/covered", group, kafkaTopic, p)], 10, 64)
			if n < end {
				behind++
			}
		}
		if behind == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d partitions not covered after a minute (%v)", behind, marks)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func produce(t *testing.T, cl *kgo.Client, rs []*kgo.Record, ends map[int32]int64) {
	t.Helper()
	fresh := make([]*kgo.Record, len(rs)) // a produced record keeps its context
	for i, r := range rs {
		fresh[i] = &kgo.Record{Topic: r.Topic, Key: r.Key, Value: r.Value}
	}
	results := cl.ProduceSync(t.Context(), fresh...)
	if err := results.FirstErr(); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		ends[r.Record.Partition] = max(ends[r.Record.Partition], r.Record.Offset+1)
	}
}

// TestKafka_GroupRebalanceCrash: the example records, keyed by account over
// a 6-partition topic, read by one instance, then two (a rebalance in the
// middle of the stream, with chains straddling it), then one of them
// crashing before its commit: the findings are hunt's, each once.
func TestKafka_GroupRebalanceCrash(t *testing.T) {
	d := detector(t)
	want := huntFindings(t, d)
	records := exampleRecords(t)
	for _, tc := range []struct {
		name string
		// steps run the instances; settle waits until the findings are
		// hunt's (lone paired records wait serve.pair_wait first).
		steps func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func())
	}{
		{"one instance", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			produce(t, cl, records, ends)
			waitCovered(t, st, k.Group, ends)
			settle()
			if err := a.stop(); err != nil {
				t.Fatal(err)
			}
		}},
		{"rebalance mid-stream", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			half := len(records) / 2
			produce(t, cl, records[:half], ends)
			waitCovered(t, st, k.Group, ends)
			b := startInstance(t, "b", k, st, d)
			produce(t, cl, records[half:], ends)
			waitCovered(t, st, k.Group, ends)
			settle()
			if err := errorsJoin(a.stop(), b.stop()); err != nil {
				t.Fatal(err)
			}
		}},
		{"crash before commit", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			b := startInstance(t, "b", k, st, d)
			third := len(records) / 3
			produce(t, cl, records[:third], ends)
			waitCovered(t, st, k.Group, ends)
			produce(t, cl, records[third:2*third], ends)
			a.kill() // whatever a read since its last checkpoint is read again by b
			produce(t, cl, records[2*third:], ends)
			waitCovered(t, st, k.Group, ends)
			settle()
			if err := b.stop(); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, b storetest.Backend) {
				c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, kafkaTopic))
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				k := config.Default().Kafka
				k.Brokers = c.ListenAddrs()
				k.Topics = []config.KafkaTopic{{Name: kafkaTopic, Format: "auto"}}
				k.Group = "g-" + strings.ReplaceAll(t.Name(), "/", "-")
				k.SessionTimeout = 6 * time.Second
				k.RebalanceTimeout = 10 * time.Second
				st, err := store.Open(t.Context(), b.Fresh(t))
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				cl, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers...), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
				if err != nil {
					t.Fatal(err)
				}
				defer cl.Close()
				ends := map[int32]int64{}
				settle := func() {
					deadline := time.Now().Add(time.Minute)
					for !slices.Equal(storedFindings(t, st), want) && time.Now().Before(deadline) {
						time.Sleep(50 * time.Millisecond)
					}
				}
				tc.steps(t, k, st, cl, ends, settle)
				if len(ends) < 3 {
					t.Fatalf("records went to %d partitions; the test wants them spread", len(ends))
				}
				if got := storedFindings(t, st); !slices.Equal(got, want) {
					t.Errorf("findings:\n%s\nwant (hunt):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		})
	}
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestKafka_SASLPlain: a consumer authenticating with SASL/PLAIN reads the
// topic; one with a wrong password fails to start, saying why.
func TestKafka_SASLPlain(t *testing.T) {
	d := detector(t)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, kafkaTopic), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "snapwarden", "pa$$word"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	k := config.Default().Kafka
	k.Brokers = c.ListenAddrs()
	k.Topics = []config.KafkaTopic{{Name: kafkaTopic, Format: "cloudtrail"}}
	k.Group = "sasl"
	k.SASL = config.KafkaSASL{Mechanism: config.SASLPlain, Username: "snapwarden", Password: "pa$$word"}
	st, err := store.Open(t.Context(), storetest.SQLite.Fresh(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	bad := k
	bad.SASL.Password = "wrong"
	c2, err := serve.NewConsumer(serve.KafkaOptions{Config: bad, Store: st, Detector: d, Metrics: serve.NewMetrics()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "kafka.sasl") {
		t.Fatalf("wrong password: %v, want an error naming kafka.sasl", err)
	}

	var aws []*kgo.Record
	for _, r := range exampleRecords(t) {
		if strings.Contains(string(r.Value), `"eventVersion"`) {
			aws = append(aws, r)
		}
	}
	a := startInstance(t, "a", k, st, d)
	producer, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers...), kgo.SASL(plainAuth("snapwarden", "pa$$word")))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	ends := map[int32]int64{}
	produce(t, producer, aws, ends)
	waitCovered(t, st, k.Group, ends)
	if err := a.stop(); err != nil {
		t.Fatal(err)
	}
	if fs := storedFindings(t, st); len(fs) == 0 || len(aws) == 0 {
		t.Fatalf("%d AWS records gave %d findings", len(aws), len(fs))
	}
}

func plainAuth(user, pass string) sasl.Mechanism {
	return plain.Auth{User: user, Pass: pass}.AsMechanism()
}

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
func exampleRecords(t *testing.T) ([]*kgo.Record, map[string]string) {
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
	keys := map[string]string{} // event id → the partition key
	for _, ev := range events {
		key := ev.Account
		if key == "" && ev.Cloud == event.VKCloud {
			// Some VK Cloud action-log records name no project: their
			// producer keys them by the project it collects from.
			key = vkProject
		}
		keys[ev.ID] = key
		for _, raw := range ev.Raw {
			rs = append(rs, &kgo.Record{Topic: kafkaTopic, Key: []byte(key), Value: raw, Timestamp: ev.Time})
		}
	}
	return rs, keys
}

// huntFindings is what hunt finds in examples/ (or examples/<sub>) at
// low and above, by id.
func huntFindings(t *testing.T, d *hunt.Detector, sub ...string) map[string]finding.Finding {
	t.Helper()
	return huntFindingsIn(t, d, filepath.Join(append([]string{testenv.RepoRoot(t), "examples"}, sub...)...))
}

// huntFindingsIn is what hunt finds in path, a file or a folder.
func huntFindingsIn(t *testing.T, d *hunt.Detector, path string) map[string]finding.Finding {
	t.Helper()
	inputs, _, _ := source.Expand([]string{path})
	c := d.NewCorrelator(hunt.CorrelatorOptions{TempDir: t.TempDir()})
	var mu sync.Mutex
	out := map[string]finding.Finding{}
	keep := func(f finding.Finding) error {
		mu.Lock()
		defer mu.Unlock()
		out[f.ID] = f
		return nil
	}
	_, err := scan.Run(t.Context(), inputs, scan.Options{Formats: formats.All()}, nil, func() scan.Emit {
		w := d.NewWorker()
		c.Attach(w)
		return func(ev *event.Event) error {
			mu.Lock()
			defer mu.Unlock()
			return w.Findings(ev, func(f finding.Finding) error { out[f.ID] = f; return nil })
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Finish(t.Context(), keep); err != nil {
		t.Fatal(err)
	}
	return out
}

// differences lists how the stored findings differ from hunt's: each must
// be there once, at hunt's severity, naming hunt's events. A chain whose
// events lie in several partitions (a snapshot shared across accounts)
// may be advanced by two partitions' units at once, and the store keeps
// one unit's revision: it must name a subset of hunt's events.
func differences(t *testing.T, st *store.Store, want map[string]finding.Finding, keys map[string]string) []string {
	t.Helper()
	fs, err := st.Findings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		seen[f.ID] = true
		w, ok := want[f.ID]
		switch {
		case !ok:
			out = append(out, "unexpected "+f.ID+" "+f.Rule.Title)
			continue
		case f.Severity != w.Severity:
			out = append(out, fmt.Sprintf("%s: %s, hunt %s", f.ID, f.Severity, w.Severity))
			continue
		}
		got, all := eventIDs(f), eventIDs(w)
		partitions := map[string]bool{}
		for _, id := range all {
			partitions[keys[id]] = true
		}
		if len(partitions) > 1 {
			for _, id := range got {
				if !slices.Contains(all, id) {
					out = append(out, fmt.Sprintf("%s: event %s not in hunt's %v", f.ID, id, all))
				}
			}
		} else if !slices.Equal(got, all) {
			out = append(out, fmt.Sprintf("%s: events %v, hunt %v", f.ID, got, all))
		}
	}
	for id, w := range want {
		if !seen[id] {
			out = append(out, "missing "+id+" "+w.Rule.Title+" "+w.Severity.String())
		}
	}
	slices.Sort(out)
	return out
}

func eventIDs(f finding.Finding) []string {
	var ids []string
	for _, e := range f.Events {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
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
		Hold: 500 * time.Millisecond, PairWait: 2 * time.Second, CheckpointEvery: 100 * time.Millisecond,
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
		fresh[i] = &kgo.Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: r.Timestamp}
	}
	results := cl.ProduceSync(t.Context(), fresh...)
	if err := results.FirstErr(); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		ends[r.Record.Partition] = max(ends[r.Record.Partition], r.Record.Offset+1)
	}
}

// stream produces records as a live pipeline would deliver them: ten
// minutes of event time at a time, each read and checkpointed before the
// next comes (a share in one account's partition is stored before another
// account's partition uses it, minutes later).
func stream(t *testing.T, cl *kgo.Client, st *store.Store, group string, rs []*kgo.Record, ends map[int32]int64) {
	t.Helper()
	for _, slice := range byTenMinutes(rs) {
		produce(t, cl, slice, ends)
		waitCovered(t, st, group, ends)
	}
}

// byTenMinutes cuts time-ordered records at ten-minute marks.
func byTenMinutes(rs []*kgo.Record) [][]*kgo.Record {
	var out [][]*kgo.Record
	for len(rs) > 0 {
		cut := rs[0].Timestamp.Truncate(10 * time.Minute).Add(10 * time.Minute)
		n := 1
		for n < len(rs) && rs[n].Timestamp.Before(cut) {
			n++
		}
		out, rs = append(out, rs[:n]), rs[n:]
	}
	return out
}

// TestKafka_GroupRebalanceCrash: the example records, keyed by account over
// a 6-partition topic, read by one instance, then two (a rebalance in the
// middle of the stream, with chains straddling it), then one of them
// crashing before its commit: the findings are hunt's, each once.
func TestKafka_GroupRebalanceCrash(t *testing.T) {
	d := detector(t)
	want := huntFindings(t, d)
	records, keys := exampleRecords(t)
	for _, tc := range []struct {
		name string
		// steps run the instances; settle waits until the findings are
		// hunt's (lone paired records wait serve.pair_wait first).
		steps func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func())
	}{
		{"one instance", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			stream(t, cl, st, k.Group, records, ends)
			settle()
			if err := a.stop(); err != nil {
				t.Fatal(err)
			}
		}},
		{"rebalance mid-stream", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			half := len(records) / 2
			stream(t, cl, st, k.Group, records[:half], ends)
			b := startInstance(t, "b", k, st, d)
			stream(t, cl, st, k.Group, records[half:], ends)
			settle()
			if err := errorsJoin(a.stop(), b.stop()); err != nil {
				t.Fatal(err)
			}
		}},
		{"crash before commit", func(t *testing.T, k config.Kafka, st *store.Store, cl *kgo.Client, ends map[int32]int64, settle func()) {
			a := startInstance(t, "a", k, st, d)
			b := startInstance(t, "b", k, st, d)
			slices := byTenMinutes(records)
			third := len(slices) / 3
			for _, s := range slices[:third] {
				produce(t, cl, s, ends)
				waitCovered(t, st, k.Group, ends)
			}
			produce(t, cl, slices[third], ends)
			a.kill() // whatever a read since its last checkpoint is read again by b
			waitCovered(t, st, k.Group, ends)
			for _, s := range slices[third+1:] {
				produce(t, cl, s, ends)
				waitCovered(t, st, k.Group, ends)
			}
			settle()
			if err := b.stop(); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, b storetest.Backend) {
				k := kafkaConfig(t, "auto", "g-"+strings.ReplaceAll(t.Name(), "/", "-"))
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
					for len(differences(t, st, want, keys)) > 0 && time.Now().Before(deadline) {
						time.Sleep(50 * time.Millisecond)
					}
				}
				tc.steps(t, k, st, cl, ends, settle)
				if len(ends) < 3 {
					t.Fatalf("records went to %d partitions; the test wants them spread", len(ends))
				}
				if diff := differences(t, st, want, keys); len(diff) > 0 {
					t.Errorf("findings differ from hunt's:\n%s", strings.Join(diff, "\n"))
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
	k := kafkaConfig(t, "cloudtrail", "sasl", kfake.EnableSASL(), kfake.Superuser("PLAIN", "snapwarden", "pa$$word"))
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
	records, _ := exampleRecords(t)
	for _, r := range records {
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
	if fs, _ := st.Findings(t.Context()); len(fs) == 0 || len(aws) == 0 {
		t.Fatalf("%d AWS records gave %d findings", len(aws), len(fs))
	}
}

func plainAuth(user, pass string) sasl.Mechanism {
	return plain.Auth{User: user, Pass: pass}.AsMechanism()
}

// kafkaConfig starts an in-process cluster with the 6-partition topic,
// closed at the test's end, and returns the consumer config for it: the
// topic in format, the group, a session timeout short enough for a test's
// crash.
func kafkaConfig(t *testing.T, format, group string, opts ...kfake.Opt) config.Kafka {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(6, kafkaTopic)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	k := config.Default().Kafka
	k.Brokers = c.ListenAddrs()
	k.Topics = []config.KafkaTopic{{Name: kafkaTopic, Format: format}}
	k.Group = group
	k.SessionTimeout = 6 * time.Second
	return k
}

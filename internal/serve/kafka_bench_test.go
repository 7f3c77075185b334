package serve_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/scenario"
	"github.com/snapwarden/snapwarden/internal/scenario/aws"
	"github.com/snapwarden/snapwarden/internal/store"
	"github.com/snapwarden/snapwarden/internal/store/storetest"
)

// TestKafkaThroughput measures records/s read from Kafka into findings
// by one instance, by two, and by one joined halfway by a second (what a
// rebalance costs). It runs only when SNAPWARDEN_KAFKA_BENCH gives the
// number of CloudTrail records to generate:
//
//	SNAPWARDEN_KAFKA_BENCH=300000 go test -run TestKafkaThroughput -v ./internal/serve/
//
// The broker (kfake) runs in the same process, on the same cores.
func TestKafkaThroughput(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SNAPWARDEN_KAFKA_BENCH"))
	if n <= 0 {
		t.Skip("SNAPWARDEN_KAFKA_BENCH not set")
	}
	d := detector(t)
	dir := t.TempDir()
	if _, err := scenario.Generate(scenario.Options{Out: dir, Seed: 1, Events: n, Clouds: []scenario.Cloud{&aws.Cloud{}}}); err != nil {
		t.Fatal(err)
	}
	records := cloudTrailRecords(t, dir)
	t.Logf("%d CloudTrail records generated", len(records))

	for _, tc := range []struct {
		name string
		run  func(t *testing.T, k config.Kafka, st *store.Store, ends map[int32]int64)
	}{
		{"1 instance", func(t *testing.T, k config.Kafka, st *store.Store, ends map[int32]int64) {
			a := startInstance(t, "a", k, st, d)
			waitCovered(t, st, k.Group, ends)
			a.stop()
		}},
		{"2 instances", func(t *testing.T, k config.Kafka, st *store.Store, ends map[int32]int64) {
			a := startInstance(t, "a", k, st, d)
			b := startInstance(t, "b", k, st, d)
			waitCovered(t, st, k.Group, ends)
			a.stop()
			b.stop()
		}},
		{"1 instance, a second joins halfway", func(t *testing.T, k config.Kafka, st *store.Store, ends map[int32]int64) {
			a := startInstance(t, "a", k, st, d)
			half := map[int32]int64{}
			for p, e := range ends {
				half[p] = e / 2
			}
			waitCovered(t, st, k.Group, half)
			b := startInstance(t, "b", k, st, d)
			waitCovered(t, st, k.Group, ends)
			a.stop()
			b.stop()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kafkaConfig(t, "cloudtrail", "bench")
			st, err := store.Open(t.Context(), storetest.SQLite.Fresh(t))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			cl, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers...), kgo.ProducerBatchMaxBytes(4<<20))
			if err != nil {
				t.Fatal(err)
			}
			ends := map[int32]int64{}
			produce(t, cl, records, ends)
			cl.Close()
			start := time.Now()
			tc.run(t, k, st, ends)
			el := time.Since(start)
			t.Logf("%s: %d records in %v: %.0f records/s", tc.name, len(records), el.Round(time.Millisecond), float64(len(records))/el.Seconds())
		})
	}
}

// cloudTrailRecords reads the generator's CloudTrail files into Kafka
// records keyed by account.
func cloudTrailRecords(t *testing.T, dir string) []*kgo.Record {
	t.Helper()
	var out []*kgo.Record
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Ext(path) != ".gz" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(b, &doc); err != nil {
			return err
		}
		for _, r := range doc.Records {
			var head struct {
				RecipientAccountID string `json:"recipientAccountId"`
			}
			json.Unmarshal(r, &head)
			out = append(out, &kgo.Record{Topic: kafkaTopic, Key: []byte(head.RecipientAccountID), Value: r})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

package kafka_test

import (
	"context"
	"crypto/tls"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/kafka"
)

func TestClientOptions_Values(t *testing.T) {
	k := config.Default().Kafka
	k.Brokers = []string{"kafka-1:9092", "kafka-2:9092"}
	k.Topics = []config.KafkaTopic{{Name: "trails", Format: "cloudtrail"}, {Name: "activity", Format: "auto"}}
	k.Group, k.ClientID = "soc", "snapwarden-eu"
	k.FetchMaxMB = 200
	k.SessionTimeout, k.RebalanceTimeout = 10*time.Second, 2*time.Minute
	cl := newClient(t, k)
	for _, c := range []struct {
		opt  any
		want any
	}{
		{kgo.SeedBrokers, []string{"kafka-1:9092", "kafka-2:9092"}},
		{kgo.ConsumeTopics, []string{"trails", "activity"}},
		{kgo.ConsumerGroup, "soc"},
		{kgo.ClientID, "snapwarden-eu"},
		{kgo.FetchMaxBytes, int32(200 << 20)},
		{kgo.BrokerMaxReadBytes, int32(201 << 20)},
		{kgo.SessionTimeout, 10 * time.Second},
		{kgo.RebalanceTimeout, 2 * time.Minute},
		{kgo.DisableAutoCommit, true},
		{kgo.BlockRebalanceOnPoll, true},
	} {
		got := cl.OptValue(c.opt)
		if s, ok := got.([]string); ok { // topics come back in any order
			got = strings.Join(slices.Sorted(slices.Values(s)), ",")
			c.want = strings.Join(slices.Sorted(slices.Values(c.want.([]string))), ",")
		}
		if got != c.want {
			t.Errorf("%T option = %v (%T), want %v", c.opt, got, got, c.want)
		}
	}
	if tc, _ := cl.OptValue(kgo.DialTLSConfig).(*tls.Config); tc != nil {
		t.Error("TLS on without tls.enabled")
	}
	if len(slicesOf(cl.OptValue(kgo.SASL))) != 0 {
		t.Error("SASL set without a mechanism")
	}

	// A small fetch keeps franz-go's default bound on a broker response.
	k.FetchMaxMB = 16
	cl2 := newClient(t, k)
	if got := cl2.OptValue(kgo.BrokerMaxReadBytes); got != int32(100<<20) {
		t.Errorf("BrokerMaxReadBytes for 16 MiB fetches = %v", got)
	}
}

func slicesOf(v any) []sasl.Mechanism {
	m, _ := v.([]sasl.Mechanism)
	return m
}

func TestClientOptions_Errors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SNAPWARDEN_TEST_EMPTY", "")
	tests := []struct {
		name string
		edit func(k *config.Kafka)
		want string
	}{
		{"off", func(k *config.Kafka) { k.Brokers = nil }, "kafka.brokers: none given, Kafka ingest is off"},
		{"no topics", func(k *config.Kafka) { k.Topics = nil }, "kafka.topics: none given"},
		{"password variable unset", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "plain", Username: "u", PasswordEnv: "SNAPWARDEN_TEST_UNSET_VARIABLE"}
		}, "kafka.sasl.password_env: the environment variable SNAPWARDEN_TEST_UNSET_VARIABLE is not set or empty"},
		{"token variable empty", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "oauthbearer", TokenEnv: "SNAPWARDEN_TEST_EMPTY"}
		}, "kafka.sasl.token_env: the environment variable SNAPWARDEN_TEST_EMPTY is not set or empty"},
		{"token file missing", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "oauthbearer", TokenFile: filepath.Join(dir, "nope")}
		}, "kafka.sasl.token_file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"token file empty", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "oauthbearer", TokenFile: empty}
		}, "kafka.sasl.token_file: " + empty + " is empty"},
		{"no password", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "scram-sha-256", Username: "u"}
		}, "kafka.sasl.password: give password or password_env for scram-sha-256"},
		{"unknown mechanism", func(k *config.Kafka) {
			k.SASL = config.KafkaSASL{Mechanism: "gssapi"}
		}, `kafka.sasl.mechanism: unknown "gssapi" (want plain, scram-sha-256, scram-sha-512 or oauthbearer)`},
		{"ca file missing", func(k *config.Kafka) {
			k.TLS = config.KafkaTLS{Enabled: true, CAFile: filepath.Join(dir, "none.pem")}
		}, "kafka.tls.ca_file: open " + filepath.Join(dir, "none.pem") + ": no such file or directory"},
		{"ca file not PEM", func(k *config.Kafka) {
			k.TLS = config.KafkaTLS{Enabled: true, CAFile: notPEM}
		}, "kafka.tls.ca_file: no PEM certificate in " + notPEM},
		{"client key missing", func(k *config.Kafka) {
			k.TLS = config.KafkaTLS{Enabled: true, CertFile: notPEM}
		}, "kafka.tls: give both cert_file and key_file, or neither"},
		{"client certificate unreadable", func(k *config.Kafka) {
			k.TLS = config.KafkaTLS{Enabled: true, CertFile: notPEM, KeyFile: notPEM}
		}, "kafka.tls.cert_file: load the client certificate: tls: failed to find any PEM data in certificate input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kafkaConfig([]string{"k:9092"})
			tt.edit(&k)
			opts, err := kafka.ClientOptions(k)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ClientOptions = %d options, %v; want %q", len(opts), err, tt.want)
			}
		})
	}
}

// TestClientOptions_SASL produces and consumes through kfake with each
// mechanism it has, credentials inline and from the environment.
func TestClientOptions_SASL(t *testing.T) {
	tests := []struct {
		name      string
		method    string // kfake's name
		mechanism string // ours
		user      string
		pass      string
		fromEnv   bool
	}{
		{"plain", "PLAIN", "plain", "user", "pass", false},
		{"scram-sha-256", "SCRAM-SHA-256", "scram-sha-256", "user", "p4ss-256", true},
		{"scram-sha-512", "SCRAM-SHA-512", "scram-sha-512", "user", "p4ss-512", false},
		// Azure Event Hubs' shape: the user is literally $ConnectionString
		// and the password a connection string, both taken as written.
		{"event hubs user", "PLAIN", "plain", config.EventHubsUser,
			"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=a+b/$HOME=", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokers := cluster(t, kfake.EnableSASL(), kfake.Superuser(tt.method, tt.user, tt.pass))
			k := kafkaConfig(brokers)
			k.SASL = config.KafkaSASL{Mechanism: tt.mechanism, Username: tt.user, Password: tt.pass}
			if tt.fromEnv {
				t.Setenv("SNAPWARDEN_TEST_KAFKA_PASSWORD", tt.pass)
				k.SASL.Password, k.SASL.PasswordEnv = "", "SNAPWARDEN_TEST_KAFKA_PASSWORD"
			}
			got, err := roundTrip(t, k, 30)
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, 30)
		})
	}
}

// checkRecords: every record came back once, and each account's records
// share one partition (the keying contract of docs/kafka.md).
func checkRecords(t *testing.T, got []record, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("consumed %d records, want %d", len(got), n)
	}
	values := map[string]bool{}
	parts := map[string]map[int32]bool{}
	for _, r := range got {
		values[r.value] = true
		if parts[r.key] == nil {
			parts[r.key] = map[int32]bool{}
		}
		parts[r.key][r.partition] = true
	}
	if len(values) != n {
		t.Errorf("%d distinct records of %d", len(values), n)
	}
	for key, p := range parts {
		if len(p) != 1 {
			t.Errorf("account %s spread over partitions %v", key, slices.Sorted(maps.Keys(p)))
		}
	}
}

func TestConnect(t *testing.T) {
	const connString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=a+b/c="
	brokers := cluster(t, kfake.EnableSASL(), kfake.Superuser("PLAIN", "user", "pass"),
		kfake.Superuser("PLAIN", config.EventHubsUser, connString))
	gone, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	down := gone.ListenAddrs()
	gone.Close()

	tests := []struct {
		name string
		sasl config.KafkaSASL
		to   []string
		want []string // in the error, in order; none: connects
		auth bool     // errors.Is(err, kafka.ErrAuth)
	}{
		{"right password", config.KafkaSASL{Mechanism: "plain", Username: "user", Password: "pass"}, brokers, nil, false},
		{"event hubs user", config.KafkaSASL{Mechanism: "plain", Username: config.EventHubsUser, Password: connString}, brokers, nil, false},
		{"wrong password", config.KafkaSASL{Mechanism: "plain", Username: "user", Password: "wrong"}, brokers, []string{
			`kafka: the brokers refused the credentials of kafka.sasl (plain, user "user") at ` + brokers[0],
			"(the broker ended the connection during authentication): check kafka.sasl: ",
		}, true},
		{"unknown user", config.KafkaSASL{Mechanism: "scram-sha-256", Username: "nobody", Password: "pass"}, brokers, []string{
			`kafka: the brokers refused the credentials of kafka.sasl (scram-sha-256, user "nobody")`,
		}, true},
		{"event hubs user without its $", config.KafkaSASL{Mechanism: "plain", Username: "ConnectionString", Password: connString}, brokers, []string{
			`(plain, user "ConnectionString")`, "check kafka.sasl",
		}, true},
		{"event hubs wrong key", config.KafkaSASL{Mechanism: "plain", Username: config.EventHubsUser, Password: "Endpoint=sb://x/"}, brokers, []string{
			"check kafka.sasl (Azure Event Hubs: user $ConnectionString and the namespace's or hub's connection string, with Listen rights, as the password)",
		}, true},
		{"cluster down", config.KafkaSASL{}, down, []string{"kafka: no broker of " + down[0] + " answered: "}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kafkaConfig(tt.to)
			k.SASL = tt.sasl
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			cl, err := kafka.Connect(ctx, k)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				cl.Close()
				return
			}
			if err == nil {
				cl.Close()
				t.Fatalf("connected; want %q", tt.want)
			}
			t.Logf("error: %v", err)
			rest := err.Error()
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (in order)", err, w)
				}
				rest = rest[i+len(w):]
			}
			if errors.Is(err, kafka.ErrAuth) != tt.auth {
				t.Errorf("errors.Is(%v, ErrAuth) = %v", err, !tt.auth)
			}
		})
	}
}

// TestClientOptions_NoCommit: offsets are the caller's to commit. A member
// that consumed without committing leaves; the next one reads the same
// records again (at least once), and after its commit a third reads none.
func TestClientOptions_NoCommit(t *testing.T) {
	k := kafkaConfig(cluster(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	first := newClient(t, k)
	if err := produce(t, ctx, first, 12); err != nil {
		t.Fatal(err)
	}
	got, err := consume(t, ctx, first, 12)
	first.CloseAllowingRebalance() // leaves the group, committing nothing
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, 12)

	second := newClient(t, k)
	got, err = consume(t, ctx, second, 12)
	if err == nil {
		err = second.CommitUncommittedOffsets(ctx)
	}
	second.CloseAllowingRebalance()
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, 12)

	third := newClient(t, k)
	short, cancelShort := context.WithTimeout(ctx, 3*time.Second)
	defer cancelShort()
	if again, _ := consume(t, short, third, 1); len(again) != 0 {
		t.Errorf("after a commit, %d records read again", len(again))
	}
}

// TestClientOptions_OAuthBearer: kfake has no OAUTHBEARER, so the test
// reads the first message the mechanism would send. A token file is read
// again at each authentication, so a rotated token is sent.
func TestClientOptions_OAuthBearer(t *testing.T) {
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("eyJ0b2tlbi1vbmU\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SNAPWARDEN_TEST_KAFKA_TOKEN", "eyJmcm9tLWVudg")
	first := func(t *testing.T, s config.KafkaSASL) string {
		t.Helper()
		k := kafkaConfig([]string{"k:9092"})
		k.SASL = s
		cl := newClient(t, k)
		ms := slicesOf(cl.OptValue(kgo.SASL))
		if len(ms) != 1 || ms[0].Name() != "OAUTHBEARER" {
			t.Fatalf("mechanisms %v", ms)
		}
		_, msg, err := ms[0].Authenticate(context.Background(), "k:9092")
		if err != nil {
			t.Fatal(err)
		}
		return string(msg)
	}
	const bearer = "n,,\x01auth=Bearer "
	if got := first(t, config.KafkaSASL{Mechanism: "oauthbearer", Token: "eyJpbmxpbmU"}); got != bearer+"eyJpbmxpbmU\x01\x01" {
		t.Errorf("inline token: %q", got)
	}
	if got := first(t, config.KafkaSASL{Mechanism: "oauthbearer", TokenEnv: "SNAPWARDEN_TEST_KAFKA_TOKEN"}); got != bearer+"eyJmcm9tLWVudg\x01\x01" {
		t.Errorf("token from the environment: %q", got)
	}

	k := kafkaConfig([]string{"k:9092"})
	k.SASL = config.KafkaSASL{Mechanism: "oauthbearer", TokenFile: file}
	cl := newClient(t, k)
	m := slicesOf(cl.OptValue(kgo.SASL))[0]
	for _, tok := range []string{"eyJ0b2tlbi1vbmU", "eyJ0b2tlbi10d28"} {
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, msg, err := m.Authenticate(context.Background(), "k:9092")
		if err != nil || string(msg) != bearer+tok+"\x01\x01" {
			t.Errorf("token file holding %s: %q, %v", tok, msg, err)
		}
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Authenticate(context.Background(), "k:9092"); err == nil || !strings.HasPrefix(err.Error(), "kafka.sasl.token_file: open ") {
		t.Errorf("token file gone: %v", err)
	}
}

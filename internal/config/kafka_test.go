package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
)

func parseKafka(t *testing.T, doc string) (*config.Config, error) {
	t.Helper()
	c, err := config.Parse(strings.NewReader(doc), "k.yaml")
	if err == nil {
		err = c.Validate()
	}
	return c, err
}

func TestKafka_Default(t *testing.T) {
	k := config.Default().Kafka
	if k.Enabled() || k.Group != "snapwarden" || k.ClientID != "snapwarden" || k.FetchMaxMB != 16 ||
		k.SessionTimeout != 45*time.Second || k.RebalanceTimeout != time.Minute || k.TLS.Enabled || k.SASL.Mechanism != "" {
		t.Errorf("default kafka %+v", k)
	}
}

func TestKafka_Parse(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		check func(k config.Kafka) bool
	}{
		{"off when brokers are empty", "kafka: {brokers: []}\n", func(k config.Kafka) bool {
			return !k.Enabled() && len(k.Topics) == 0
		}},
		{"full", `kafka:
  brokers: [kafka-1:9092, "kafka-2:9092"]
  topics:
    - {name: trails, format: CloudTrail}
    - azure-activity
    - {name: audit.gcp}
  group: soc
  client_id: snapwarden-eu
  sasl: {mechanism: SCRAM-SHA-512, username: sw, password_env: KAFKA_PASSWORD}
  tls: {enabled: true, ca_file: /etc/ca.pem, cert_file: c.pem, key_file: k.pem, server_name: kafka.internal}
  fetch_max_mb: 32
  session_timeout: 10s
  rebalance_timeout: 2m
`, func(k config.Kafka) bool {
			return k.Enabled() && strings.Join(k.Brokers, ",") == "kafka-1:9092,kafka-2:9092" &&
				len(k.Topics) == 3 &&
				k.Topics[0] == config.KafkaTopic{Name: "trails", Format: "cloudtrail"} &&
				k.Topics[1] == config.KafkaTopic{Name: "azure-activity", Format: "auto"} &&
				k.Topics[2] == config.KafkaTopic{Name: "audit.gcp", Format: "auto"} &&
				k.Group == "soc" && k.ClientID == "snapwarden-eu" &&
				k.SASL == config.KafkaSASL{Mechanism: "scram-sha-512", Username: "sw", PasswordEnv: "KAFKA_PASSWORD"} &&
				k.TLS == config.KafkaTLS{Enabled: true, CAFile: "/etc/ca.pem", CertFile: "c.pem", KeyFile: "k.pem", ServerName: "kafka.internal"} &&
				k.FetchMaxMB == 32 && k.SessionTimeout == 10*time.Second && k.RebalanceTimeout == 2*time.Minute
		}},
		{"a single broker needs no list", "kafka: {brokers: kafka:9092, topics: [t]}\n", func(k config.Kafka) bool {
			return strings.Join(k.Brokers, ",") == "kafka:9092"
		}},
		// YAML expands nothing: the $ of Event Hubs' user name stays, quoted or not.
		{"event hubs, $ unquoted", `kafka:
  brokers: [ns.servicebus.windows.net:9093]
  topics: [insights-activity-logs]
  sasl: {mechanism: plain, username: $ConnectionString, password: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=r;SharedAccessKey=a+b/c="}
  tls: {enabled: true}
`, func(k config.Kafka) bool {
			return k.SASL.Username == "$ConnectionString" && strings.HasSuffix(k.SASL.Password, "SharedAccessKey=a+b/c=")
		}},
		{"event hubs, $ quoted, oauth token file", `kafka:
  brokers: [NS.ServiceBus.Windows.Net:9093]
  topics: [logs]
  sasl: {mechanism: oauthbearer, token_file: /var/run/secrets/azure/token}
  tls: {enabled: true}
`, func(k config.Kafka) bool {
			return k.SASL.Mechanism == "oauthbearer" && k.SASL.TokenFile == "/var/run/secrets/azure/token"
		}},
		{"oauth token from the environment", "kafka: {brokers: [k:9092], topics: [t], sasl: {mechanism: OAUTHBEARER, token_env: KAFKA_TOKEN}}\n", func(k config.Kafka) bool {
			return k.SASL.Mechanism == "oauthbearer" && k.SASL.TokenEnv == "KAFKA_TOKEN"
		}},
		{"event hubs user quoted", "kafka: {brokers: [x.servicebus.windows.net:9093], topics: [t], sasl: {mechanism: plain, username: '$ConnectionString', password_env: EH}, tls: {enabled: true}}\n", func(k config.Kafka) bool {
			return k.SASL.Username == config.EventHubsUser && k.SASL.PasswordEnv == "EH"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseKafka(t, tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c.Kafka) {
				t.Errorf("kafka %+v", c.Kafka)
			}
		})
	}
}

func TestKafka_Invalid(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string // every error, in order
	}{
		{"types", "kafka:\n  brokers: {a: b}\n  fetch_max_mb: lots\n  tls: {enabled: yes please}\n  topics: [[a]]\n  sasl: {mechanism: [plain]}\n", []string{
			"k.yaml:2:12: kafka.brokers: want a string or a list of strings",
			"k.yaml:3:17: kafka.fetch_max_mb: want a whole number like 22",
			"k.yaml:4:18: kafka.tls.enabled: want true or false",
			"k.yaml:5:12: kafka.topics[0]: want a topic name or a mapping of name, format",
			"k.yaml:6:21: kafka.sasl.mechanism: want a string",
		}},
		{"unknown key", "kafka:\n  broker: [k:9092]\n  sasl: {user: x}\n", []string{
			`k.yaml:2:3: kafka.broker: unknown key, did you mean "brokers"? (known: brokers, topics, group, client_id, sasl, tls, fetch_max_mb, session_timeout, rebalance_timeout)`,
			"k.yaml:3:10: kafka.sasl.user: unknown key (known: mechanism, username, password, password_env, token, token_file, token_env)",
		}},
		{"topics without brokers", "kafka:\n  topics: [logs]\n", []string{
			"k.yaml:2:3: kafka.topics: no brokers to read them from: give kafka.brokers (without brokers Kafka ingest is off)",
		}},
		{"brokers without topics, bad values", `kafka:
  brokers: [kafka, ":9092", "k:9092"]
  group: " "
  fetch_max_mb: 0
  session_timeout: 1s
  rebalance_timeout: 0s
`, []string{
			"k.yaml:1:1: kafka.topics: give at least one topic to read",
			`k.yaml:2:13: kafka.brokers[0]: want host:port such as kafka-1:9092 or NAMESPACE.servicebus.windows.net:9093, not "kafka"`,
			`k.yaml:2:20: kafka.brokers[1]: want host:port such as kafka-1:9092 or NAMESPACE.servicebus.windows.net:9093, not ":9092"`,
			"k.yaml:3:10: kafka.group: give the consumer group every instance joins (default snapwarden)",
			"k.yaml:4:17: kafka.fetch_max_mb: want 1 to 512, not 0",
			"k.yaml:5:20: kafka.session_timeout: want 6s to 30m (what brokers accept by default), not 1s",
			"k.yaml:6:22: kafka.rebalance_timeout: want at least 1s (members checkpoint their state within it), not 0s",
		}},
		{"topics", `kafka:
  brokers: [k:9092]
  topics:
    - {name: a, format: cloudwatch}
    - "bad topic"
    - {format: auto}
    - a
`, []string{
			`k.yaml:4:25: kafka.topics[0].format: want auto or one of cloudtrail, azureactivity, gcpaudit, vkcloud, openstack, yandex, not "cloudwatch"`,
			`k.yaml:5:7: kafka.topics[1].name: topic names take letters, digits, '.', '_' and '-', not ' ' in "bad topic"`,
			"k.yaml:6:7: kafka.topics[2].name: empty topic name",
			`k.yaml:7:7: kafka.topics[3].name: repeated topic "a" (first at kafka.topics[0])`,
		}},
		{"plain without password", "kafka: {brokers: [k:9092], topics: [t],\n  sasl: {mechanism: plain, token: x}}\n", []string{
			"k.yaml:2:3: kafka.sasl.password: give one of password or password_env (the name of a variable holding it) for plain",
			"k.yaml:2:3: kafka.sasl.username: give the user name for plain",
			"k.yaml:2:35: kafka.sasl.token: a token is for oauthbearer, not plain",
		}},
		{"password and password_env both", "kafka: {brokers: [k:9092], topics: [t],\n  sasl: {mechanism: scram-sha-256, username: u, password: p, password_env: 1BAD}}\n", []string{
			"k.yaml:2:59: kafka.sasl.password: give one of password or password_env (the name of a variable holding it) for scram-sha-256",
			`k.yaml:2:76: kafka.sasl.password_env: want the name of an environment variable such as KAFKA_PASSWORD, not "1BAD"`,
		}},
		{"oauth with two tokens and a user", "kafka: {brokers: [k:9092], topics: [t],\n  sasl: {mechanism: oauthbearer, token: x, token_env: T, username: u}}\n", []string{
			"k.yaml:2:41: kafka.sasl.token: give one of token, token_file or token_env for oauthbearer",
			"k.yaml:2:68: kafka.sasl.username: oauthbearer takes a token, not a user name and password",
		}},
		{"credentials without mechanism", "kafka: {brokers: [k:9092], topics: [t],\n  sasl: {username: u, password: p}}\n", []string{
			"k.yaml:2:3: kafka.sasl.mechanism: give a mechanism (plain, scram-sha-256, scram-sha-512, oauthbearer) for the credentials, or remove them",
		}},
		{"unknown mechanism", "kafka: {brokers: [k:9092], topics: [t],\n  sasl: {mechanism: gssapi}}\n", []string{
			`k.yaml:2:21: kafka.sasl.mechanism: want one of plain, scram-sha-256, scram-sha-512, oauthbearer, not "gssapi"`,
		}},
		{"tls settings while off", "kafka: {brokers: [k:9092], topics: [t],\n  tls: {ca_file: ca.pem, cert_file: c.pem}}\n", []string{
			"k.yaml:2:3: kafka.tls: give both cert_file and key_file, or neither",
			"k.yaml:2:3: kafka.tls.enabled: set enabled: true to use the TLS settings given",
		}},
		// The usual Event Hubs mistakes: the user without its $ (a shell or
		// docker-compose ate it), no TLS, port 9092, SCRAM.
		{"event hubs", `kafka:
  brokers: [ns.servicebus.windows.net:9092]
  topics: [logs]
  sasl: {mechanism: plain, username: ConnectionString, password_env: EH}
`, []string{
			"k.yaml:1:1: kafka.tls.enabled: Azure Event Hubs' Kafka endpoint takes TLS only: set enabled: true",
			"k.yaml:2:13: kafka.brokers[0]: Azure Event Hubs' Kafka endpoint listens on port 9093, not 9092",
			`k.yaml:4:38: kafka.sasl.username: Azure Event Hubs wants the user name $ConnectionString (quoted in YAML, $$ in docker-compose) and the connection string as the password, not "ConnectionString"`,
		}},
		{"event hubs scram", "kafka: {brokers: [ns.servicebus.windows.net:9093], topics: [t], tls: {enabled: true},\n  sasl: {mechanism: scram-sha-256, username: u, password: p}}\n", []string{
			"k.yaml:2:21: kafka.sasl.mechanism: Azure Event Hubs takes plain (user $ConnectionString, password the connection string) or oauthbearer (a Microsoft Entra token)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseKafka(t, tt.doc)
			if err == nil {
				t.Fatalf("accepted; want %q", tt.want)
			}
			if got := err.Error(); got != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
		})
	}
}

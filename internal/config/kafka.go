package config

import (
	"fmt"
	"net"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Kafka configures serve's Kafka ingest: snapwarden joins a consumer group
// and reads the listed topics. No brokers (the default) means no Kafka.
type Kafka struct {
	// Brokers are the seed brokers, host:port. Azure Event Hubs:
	// NAMESPACE.servicebus.windows.net:9093.
	Brokers []string `json:"brokers"`
	// Topics are read with the format each names (auto detects per record).
	Topics []KafkaTopic `json:"topics"`
	// Group is the consumer group every instance joins (default snapwarden).
	Group string `json:"group"`
	// ClientID names this client in the brokers' logs and quotas
	// (default snapwarden).
	ClientID string    `json:"client_id"`
	SASL     KafkaSASL `json:"sasl"`
	TLS      KafkaTLS  `json:"tls"`
	// FetchMaxMB bounds one fetch response from a broker (default 16).
	FetchMaxMB int `json:"fetch_max_mb"`
	// SessionTimeout is how long the group waits for a silent member
	// before it rebalances its partitions away (default 45s).
	SessionTimeout time.Duration `json:"session_timeout"`
	// RebalanceTimeout is how long members have to checkpoint and rejoin
	// once a rebalance starts (default 60s).
	RebalanceTimeout time.Duration `json:"rebalance_timeout"`
}

// KafkaTopic is one topic and the format of its records.
type KafkaTopic struct {
	Name string `json:"name"`
	// Format is "auto" (the default) or a decoder format (see Formats).
	Format string `json:"format"`
}

// KafkaSASL authenticates to the brokers. Secrets may be given inline or,
// better, through the environment (PasswordEnv, TokenEnv) or a file
// (TokenFile), so the configuration file need not hold them; the kafka
// package reads those when it builds the client.
type KafkaSASL struct {
	// Mechanism is plain, scram-sha-256, scram-sha-512 or oauthbearer;
	// empty means no SASL.
	Mechanism   string `json:"mechanism"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	PasswordEnv string `json:"password_env"`
	// Token, TokenFile or TokenEnv give the OAUTHBEARER token. A file is
	// read again at every authentication, so a rotated token is picked up.
	Token     string `json:"token"`
	TokenFile string `json:"token_file"`
	TokenEnv  string `json:"token_env"`
}

// KafkaTLS encrypts the connections to the brokers.
type KafkaTLS struct {
	Enabled bool `json:"enabled"`
	// CAFile verifies the brokers (default: the system's roots).
	CAFile string `json:"ca_file"`
	// CertFile and KeyFile show the brokers a client certificate.
	CertFile   string `json:"cert_file"`
	KeyFile    string `json:"key_file"`
	ServerName string `json:"server_name"`
	// InsecureSkipVerify accepts any broker certificate (tests only).
	InsecureSkipVerify bool `json:"insecure_skip_verify"`
}

// SASL mechanisms as written in the configuration.
const (
	SASLPlain       = "plain"
	SASLScramSHA256 = "scram-sha-256"
	SASLScramSHA512 = "scram-sha-512"
	SASLOAuthBearer = "oauthbearer"
)

// SASLMechanisms are the mechanisms kafka.sasl.mechanism takes.
var SASLMechanisms = []string{SASLPlain, SASLScramSHA256, SASLScramSHA512, SASLOAuthBearer}

// KafkaAuto is the topic format that detects each record's format.
const KafkaAuto = "auto"

// EventHubsUser is the PLAIN user name Azure Event Hubs' Kafka endpoint
// takes with a connection string as the password; the $ is part of it.
const EventHubsUser = "$ConnectionString"

// Enabled reports whether Kafka ingest is configured.
func (k Kafka) Enabled() bool { return len(k.Brokers) > 0 }

func defaultKafka() Kafka {
	return Kafka{
		Brokers:          []string{},
		Topics:           []KafkaTopic{},
		Group:            "snapwarden",
		ClientID:         "snapwarden",
		FetchMaxMB:       16,
		SessionTimeout:   45 * time.Second,
		RebalanceTimeout: 60 * time.Second,
	}
}

var kafkaKeys = []string{"brokers", "topics", "group", "client_id", "sasl", "tls", "fetch_max_mb", "session_timeout", "rebalance_timeout"}

func (p *parser) kafka(n *yaml.Node, path string) {
	k := &p.c.Kafka
	p.fields(n, path, kafkaKeys, func(key string, v *yaml.Node, path string) {
		switch key {
		case "brokers":
			k.Brokers = p.strs(v, path, true)
		case "topics":
			k.Topics = []KafkaTopic{}
			p.list(v, path, func(v *yaml.Node, path string) {
				k.Topics = append(k.Topics, p.kafkaTopic(v, path))
			})
		case "group":
			k.Group, _ = p.str(v, path)
		case "client_id":
			k.ClientID, _ = p.str(v, path)
		case "sasl":
			p.kafkaSASL(v, path)
		case "tls":
			p.kafkaTLS(v, path)
		case "fetch_max_mb":
			k.FetchMaxMB, _ = p.int(v, path)
		case "session_timeout":
			k.SessionTimeout, _ = p.duration(v, path)
		case "rebalance_timeout":
			k.RebalanceTimeout, _ = p.duration(v, path)
		}
	})
}

// kafkaTopic reads {name, format} or, for short, a topic name alone.
func (p *parser) kafkaTopic(n *yaml.Node, path string) KafkaTopic {
	t := KafkaTopic{Format: KafkaAuto}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		t.Name = n.Value
		return t
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a topic name or a mapping of name, format")
		return t
	}
	p.fields(n, path, []string{"name", "format"}, func(key string, v *yaml.Node, path string) {
		switch key {
		case "name":
			t.Name, _ = p.str(v, path)
		case "format":
			s, _ := p.str(v, path)
			t.Format = strings.ToLower(s)
		}
	})
	return t
}

func (p *parser) kafkaSASL(n *yaml.Node, path string) {
	s := &p.c.Kafka.SASL
	keys := []string{"mechanism", "username", "password", "password_env", "token", "token_file", "token_env"}
	p.fields(n, path, keys, func(key string, v *yaml.Node, path string) {
		// Every value is a plain string: YAML expands nothing, so a user
		// name of $ConnectionString stays as written.
		str, _ := p.str(v, path)
		switch key {
		case "mechanism":
			s.Mechanism = strings.ToLower(str)
		case "username":
			s.Username = str
		case "password":
			s.Password = str
		case "password_env":
			s.PasswordEnv = str
		case "token":
			s.Token = str
		case "token_file":
			s.TokenFile = str
		case "token_env":
			s.TokenEnv = str
		}
	})
}

func (p *parser) kafkaTLS(n *yaml.Node, path string) {
	t := &p.c.Kafka.TLS
	keys := []string{"enabled", "ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"}
	p.fields(n, path, keys, func(key string, v *yaml.Node, path string) {
		switch key {
		case "enabled":
			t.Enabled, _ = p.bool(v, path)
		case "insecure_skip_verify":
			t.InsecureSkipVerify, _ = p.bool(v, path)
		case "ca_file":
			t.CAFile, _ = p.str(v, path)
		case "cert_file":
			t.CertFile, _ = p.str(v, path)
		case "key_file":
			t.KeyFile, _ = p.str(v, path)
		case "server_name":
			t.ServerName, _ = p.str(v, path)
		}
	})
}

// maxFetchMB keeps a fetch within what the client reads from a broker in
// one response (1 GiB).
const maxFetchMB = 512

func (v *validator) kafka(k *Kafka) {
	if !k.Enabled() && len(k.Topics) > 0 {
		v.errorf("kafka.topics", "no brokers to read them from: give kafka.brokers (without brokers Kafka ingest is off)")
	}
	if k.Enabled() && len(k.Topics) == 0 {
		v.errorf("kafka.topics", "give at least one topic to read")
	}
	eventHubs := false
	for i, b := range k.Brokers {
		path := fmt.Sprintf("kafka.brokers[%d]", i)
		host, port, err := net.SplitHostPort(b)
		if err != nil || host == "" || port == "" {
			v.errorf(path, "want host:port such as kafka-1:9092 or NAMESPACE.servicebus.windows.net:9093, not %q", b)
			continue
		}
		if isEventHubs(host) {
			eventHubs = true
			if port != "9093" {
				v.errorf(path, "Azure Event Hubs' Kafka endpoint listens on port 9093, not %s", port)
			}
		}
	}
	seen := map[string]int{}
	for i, t := range k.Topics {
		path := fmt.Sprintf("kafka.topics[%d]", i)
		if msg := topicProblem(t.Name); msg != "" {
			v.errorf(path+".name", "%s", msg)
		} else if first, dup := seen[t.Name]; dup {
			v.errorf(path+".name", "repeated topic %q (first at kafka.topics[%d])", t.Name, first)
		} else {
			seen[t.Name] = i
		}
		if t.Format != KafkaAuto && !contains(Formats, t.Format) {
			v.errorf(path+".format", "want auto or one of %s, not %q", strings.Join(Formats, ", "), t.Format)
		}
	}
	if strings.TrimSpace(k.Group) == "" {
		v.errorf("kafka.group", "give the consumer group every instance joins (default snapwarden)")
	}
	if k.FetchMaxMB < 1 || k.FetchMaxMB > maxFetchMB {
		v.errorf("kafka.fetch_max_mb", "want 1 to %d, not %d", maxFetchMB, k.FetchMaxMB)
	}
	// Brokers accept session timeouts of 6s to 30m by default (Event
	// Hubs: to 5m); rebalances must leave time to checkpoint.
	if k.SessionTimeout < 6*time.Second || k.SessionTimeout > 30*time.Minute {
		v.errorf("kafka.session_timeout", "want 6s to 30m (what brokers accept by default), not %v", k.SessionTimeout)
	}
	if k.RebalanceTimeout < time.Second {
		v.errorf("kafka.rebalance_timeout", "want at least 1s (members checkpoint their state within it), not %v", k.RebalanceTimeout)
	}
	v.kafkaSASL(&k.SASL, eventHubs)
	v.kafkaTLS(&k.TLS, eventHubs)
}

func (v *validator) kafkaSASL(s *KafkaSASL, eventHubs bool) {
	const path = "kafka.sasl"
	for _, e := range []struct{ key, name string }{{"password_env", s.PasswordEnv}, {"token_env", s.TokenEnv}} {
		if e.name != "" && !isEnvName(e.name) {
			v.errorf(path+"."+e.key, "want the name of an environment variable such as KAFKA_PASSWORD, not %q", e.name)
		}
	}
	passwords := count(s.Password, s.PasswordEnv)
	tokens := count(s.Token, s.TokenFile, s.TokenEnv)
	switch s.Mechanism {
	case "":
		if s.Username != "" || passwords > 0 || tokens > 0 {
			v.errorf(path+".mechanism", "give a mechanism (%s) for the credentials, or remove them", strings.Join(SASLMechanisms, ", "))
		}
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
		if s.Username == "" {
			v.errorf(path+".username", "give the user name for %s", s.Mechanism)
		}
		if passwords != 1 {
			v.errorf(path+".password", "give one of password or password_env (the name of a variable holding it) for %s", s.Mechanism)
		}
		if tokens > 0 {
			v.errorf(path+".token", "a token is for oauthbearer, not %s", s.Mechanism)
		}
	case SASLOAuthBearer:
		if tokens != 1 {
			v.errorf(path+".token", "give one of token, token_file or token_env for oauthbearer")
		}
		if s.Username != "" || passwords > 0 {
			v.errorf(path+".username", "oauthbearer takes a token, not a user name and password")
		}
	default:
		v.errorf(path+".mechanism", "want one of %s, not %q", strings.Join(SASLMechanisms, ", "), s.Mechanism)
	}
	if !eventHubs {
		return
	}
	switch s.Mechanism {
	case SASLPlain:
		if s.Username != EventHubsUser && s.Username != "" {
			v.errorf(path+".username", "Azure Event Hubs wants the user name %s (quoted in YAML, $$ in docker-compose) and the connection string as the password, not %q", EventHubsUser, s.Username)
		}
	case SASLOAuthBearer:
	default:
		v.errorf(path+".mechanism", "Azure Event Hubs takes plain (user %s, password the connection string) or oauthbearer (a Microsoft Entra token)", EventHubsUser)
	}
}

func (v *validator) kafkaTLS(t *KafkaTLS, eventHubs bool) {
	const path = "kafka.tls"
	if !t.Enabled && (t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "" || t.InsecureSkipVerify) {
		v.errorf(path+".enabled", "set enabled: true to use the TLS settings given")
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		v.errorf(path, "give both cert_file and key_file, or neither")
	}
	if eventHubs && !t.Enabled {
		v.errorf(path+".enabled", "Azure Event Hubs' Kafka endpoint takes TLS only: set enabled: true")
	}
}

// isEventHubs tells an Azure Event Hubs namespace (public and national
// clouds: servicebus.windows.net, .chinacloudapi.cn, .usgovcloudapi.net).
func isEventHubs(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, suffix := range []string{".servicebus.windows.net", ".servicebus.chinacloudapi.cn", ".servicebus.usgovcloudapi.net"} {
		if strings.HasSuffix(host, suffix) {
			return true
		}
	}
	return false
}

// topicProblem says what is wrong with a Kafka topic name, or "".
func topicProblem(name string) string {
	switch {
	case name == "":
		return "empty topic name"
	case name == "." || name == "..":
		return fmt.Sprintf("%q is not a topic name", name)
	case len(name) > 249:
		return fmt.Sprintf("topic names are at most 249 characters, not %d", len(name))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Sprintf("topic names take letters, digits, '.', '_' and '-', not %q in %q", r, name)
		}
	}
	return ""
}

// isEnvName accepts POSIX environment variable names.
func isEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// count is how many of the values are set.
func count(vals ...string) int {
	n := 0
	for _, s := range vals {
		if s != "" {
			n++
		}
	}
	return n
}

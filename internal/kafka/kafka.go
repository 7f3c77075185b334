// Package kafka turns the configuration's kafka section into franz-go
// client options: seed brokers, the consumer group and its topics, SASL,
// TLS, fetch limits and group timeouts. It owns no consumer: serve's
// pipeline builds the client with these options, adds its rebalance
// callbacks, polls and commits. It imports config and franz-go only.
package kafka

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/snapwarden/snapwarden/internal/config"
)

// brokerReadMin is franz-go's default bound on one broker response; the
// bound grows with fetch_max_mb so a full fetch always fits.
const brokerReadMin = 100 << 20

// ClientOptions returns the options of a consumer-group client for c:
// seed brokers, client id, group, topics, SASL, TLS, fetch limit, session
// and rebalance timeouts. Offsets are never committed automatically
// (kgo.DisableAutoCommit) and a rebalance waits for the poll in progress
// to be released (kgo.BlockRebalanceOnPoll): the caller commits after the
// findings and the state checkpoint are stored, and passes its own
// OnPartitionsAssigned/Revoked/Lost callbacks. Secrets named by
// password_env, token_env and token_file are read here; an unset variable
// or an unreadable file is an error naming the setting. c should have
// passed config's Validate; ClientOptions checks again what it relies on.
func ClientOptions(c config.Kafka) ([]kgo.Opt, error) {
	return clientOptions(c, nil)
}

// clientOptions is ClientOptions with the SASL mechanism passed through
// wrap, when given (Connect watches authentications with it).
func clientOptions(c config.Kafka, wrap func(sasl.Mechanism) sasl.Mechanism) ([]kgo.Opt, error) {
	if !c.Enabled() {
		return nil, errors.New("kafka.brokers: none given, Kafka ingest is off")
	}
	topics := make([]string, 0, len(c.Topics))
	for _, t := range c.Topics {
		topics = append(topics, t.Name)
	}
	if len(topics) == 0 {
		return nil, errors.New("kafka.topics: none given")
	}
	if c.Group == "" {
		return nil, errors.New("kafka.group: empty")
	}
	if c.FetchMaxMB < 1 || c.FetchMaxMB > 512 {
		return nil, errors.New("kafka.fetch_max_mb: want 1 to 512")
	}
	fetch := int32(c.FetchMaxMB) << 20
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ConsumerGroup(c.Group),
		kgo.ConsumeTopics(topics...),
		kgo.FetchMaxBytes(fetch),
		kgo.BrokerMaxReadBytes(max(brokerReadMin, fetch+1<<20)),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
	}
	if c.ClientID != "" {
		opts = append(opts, kgo.ClientID(c.ClientID))
	}
	if c.SessionTimeout > 0 {
		opts = append(opts, kgo.SessionTimeout(c.SessionTimeout))
	}
	if c.RebalanceTimeout > 0 {
		opts = append(opts, kgo.RebalanceTimeout(c.RebalanceTimeout))
	}
	if c.SASL.Mechanism != "" {
		m, err := mechanism(c.SASL)
		if err != nil {
			return nil, err
		}
		if wrap != nil {
			m = wrap(m)
		}
		opts = append(opts, kgo.SASL(m))
	}
	if c.TLS.Enabled {
		tc, err := tlsConfig(c.TLS)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	return opts, nil
}

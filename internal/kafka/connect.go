package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/snapwarden/snapwarden/internal/config"
)

// ErrAuth marks an error of Connect whose cause is the brokers refusing
// the SASL credentials.
var ErrAuth = errors.New("the brokers refused the credentials")

// Connect builds a client from ClientOptions(c) followed by extra (the
// caller's rebalance callbacks, logger, hooks) and checks that a broker
// answers, so a wrong password or an unreachable cluster fails the start
// with a message naming the setting to fix. On error no client is left
// open.
func Connect(ctx context.Context, c config.Kafka, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := ClientOptions(c)
	if err != nil {
		return nil, err
	}
	watch := &authWatch{}
	cl, err := kgo.NewClient(append(append(opts, kgo.WithHooks(watch)), extra...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	if err := cl.Ping(ctx); err != nil {
		cl.Close()
		return nil, pingError(c, err, watch.failed.Load())
	}
	return cl, nil
}

// pingError says why no broker answered: credentials refused (an error
// code, or a broker that drops the connection mid-authentication, as
// Azure Event Hubs does), or the brokers out of reach.
func pingError(c config.Kafka, err error, authDropped bool) error {
	brokers := strings.Join(c.Brokers, ", ")
	if errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState) || authDropped {
		how := ""
		if !errors.Is(err, kerr.SaslAuthenticationFailed) {
			how = " (the broker closed the connection during authentication)"
		}
		who := c.SASL.Mechanism
		if c.SASL.Username != "" {
			who += fmt.Sprintf(", user %q", c.SASL.Username)
		}
		hint := "check kafka.sasl"
		if c.SASL.Username == config.EventHubsUser || strings.Contains(brokers, ".servicebus.") {
			hint += fmt.Sprintf(" (Azure Event Hubs: user %s and the namespace's or hub's connection string, with Listen rights, as the password)", config.EventHubsUser)
		}
		return fmt.Errorf("kafka: %w of kafka.sasl (%s) at %s%s: %s: %w", ErrAuth, who, brokers, how, hint, err)
	}
	return fmt.Errorf("kafka: no broker of %s answered: %w", brokers, err)
}

// authWatch notes a SASL exchange that failed on the wire, which franz-go
// reports only as the connection's error (EOF).
type authWatch struct{ failed atomic.Bool }

func (w *authWatch) OnBrokerE2E(_ kgo.BrokerMetadata, key int16, e2e kgo.BrokerE2E) {
	if (key == int16(kmsg.SASLAuthenticate) || key == int16(kmsg.SASLHandshake)) && e2e.Err() != nil {
		w.failed.Store(true)
	}
}

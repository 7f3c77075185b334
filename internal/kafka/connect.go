package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

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
	watch := &authWatch{}
	opts, err := clientOptions(c, watch.wrap)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	if err := cl.Ping(ctx); err != nil {
		cl.Close()
		return nil, pingError(c, err, watch.unfinished())
	}
	return cl, nil
}

// pingError says why no broker answered: credentials refused (an error
// code, or an authentication the broker cut short by closing the
// connection or answering garbage, as some brokers and proxies do), or
// the brokers out of reach.
func pingError(c config.Kafka, err error, authCutShort bool) error {
	brokers := strings.Join(c.Brokers, ", ")
	refused := errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState)
	if !refused && !authCutShort {
		return fmt.Errorf("kafka: no broker of %s answered: %w", brokers, err)
	}
	how := ""
	if !refused {
		how = " (the broker ended the connection during authentication)"
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

// authWatch counts SASL exchanges begun and finished: franz-go reports an
// exchange the broker cuts short only as the connection's error (EOF).
type authWatch struct{ begun, done atomic.Int64 }

func (w *authWatch) unfinished() bool { return w.begun.Load() > w.done.Load() }

func (w *authWatch) wrap(m sasl.Mechanism) sasl.Mechanism { return watchedMechanism{m, w} }

type watchedMechanism struct {
	sasl.Mechanism
	w *authWatch
}

func (m watchedMechanism) Authenticate(ctx context.Context, host string) (sasl.Session, []byte, error) {
	s, first, err := m.Mechanism.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	m.w.begun.Add(1)
	return watchedSession{s, m.w}, first, nil
}

type watchedSession struct {
	sasl.Session
	w *authWatch
}

func (s watchedSession) Challenge(resp []byte) (bool, []byte, error) {
	done, next, err := s.Session.Challenge(resp)
	if done && err == nil {
		s.w.done.Add(1)
	}
	return done, next, err
}

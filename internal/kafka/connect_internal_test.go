package kafka

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/snapwarden/snapwarden/internal/config"
)

// TestPingError covers what kfake cannot show: a broker that answers a
// wrong password with SASL_AUTHENTICATION_FAILED, as Apache Kafka does.
func TestPingError(t *testing.T) {
	eh := config.Kafka{
		Brokers: []string{"ns.servicebus.windows.net:9093"},
		SASL:    config.KafkaSASL{Mechanism: "plain", Username: config.EventHubsUser},
	}
	plain := config.Kafka{Brokers: []string{"k1:9092", "k2:9092"}, SASL: config.KafkaSASL{Mechanism: "scram-sha-512", Username: "sw"}}
	tests := []struct {
		name     string
		c        config.Kafka
		err      error
		cutShort bool
		want     string
		auth     bool
	}{
		{"refused with a code", plain, fmt.Errorf("wrapped: %w", kerr.SaslAuthenticationFailed), false,
			`kafka: the brokers refused the credentials of kafka.sasl (scram-sha-512, user "sw") at k1:9092, k2:9092: check kafka.sasl: wrapped: ` + kerr.SaslAuthenticationFailed.Error(), true},
		{"event hubs cut short", eh, io.EOF, true,
			`kafka: the brokers refused the credentials of kafka.sasl (plain, user "$ConnectionString") at ns.servicebus.windows.net:9093 (the broker ended the connection during authentication): check kafka.sasl (Azure Event Hubs: user $ConnectionString and the namespace's or hub's connection string, with Listen rights, as the password): EOF`, true},
		{"unreachable", plain, errors.New("unable to dial: i/o timeout"), false,
			"kafka: no broker of k1:9092, k2:9092 answered: unable to dial: i/o timeout", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pingError(tt.c, tt.err, tt.cutShort)
			if err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
			if errors.Is(err, ErrAuth) != tt.auth || !errors.Is(err, tt.err) {
				t.Errorf("errors.Is: ErrAuth %v, cause %v", errors.Is(err, ErrAuth), errors.Is(err, tt.err))
			}
		})
	}
}

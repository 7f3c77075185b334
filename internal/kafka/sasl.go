package kafka

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/snapwarden/snapwarden/internal/config"
)

// mechanism builds the SASL mechanism. User names and secrets go to the
// broker exactly as configured: nothing expands a $ (Azure Event Hubs'
// user is literally $ConnectionString).
func mechanism(s config.KafkaSASL) (sasl.Mechanism, error) {
	switch s.Mechanism {
	case config.SASLPlain, config.SASLScramSHA256, config.SASLScramSHA512:
		if s.Username == "" {
			return nil, fmt.Errorf("kafka.sasl.username: give the user name for %s", s.Mechanism)
		}
		pass, err := secret(s.Password, "kafka.sasl.password_env", s.PasswordEnv)
		if err != nil {
			return nil, err
		}
		if pass == "" {
			return nil, fmt.Errorf("kafka.sasl.password: give password or password_env for %s", s.Mechanism)
		}
		switch s.Mechanism {
		case config.SASLPlain:
			return plain.Auth{User: s.Username, Pass: pass}.AsMechanism(), nil
		case config.SASLScramSHA256:
			return scram.Auth{User: s.Username, Pass: pass}.AsSha256Mechanism(), nil
		default:
			return scram.Auth{User: s.Username, Pass: pass}.AsSha512Mechanism(), nil
		}
	case config.SASLOAuthBearer:
		if s.TokenFile != "" {
			// Read once now, so a missing file fails the start, then at
			// every authentication, so a rotated token is used.
			if _, err := readToken(s.TokenFile); err != nil {
				return nil, err
			}
			return oauth.Oauth(func(context.Context) (oauth.Auth, error) {
				tok, err := readToken(s.TokenFile)
				return oauth.Auth{Token: tok}, err
			}), nil
		}
		tok, err := secret(s.Token, "kafka.sasl.token_env", s.TokenEnv)
		if err != nil {
			return nil, err
		}
		if tok == "" {
			return nil, fmt.Errorf("kafka.sasl.token: give token, token_file or token_env for oauthbearer")
		}
		return oauth.Auth{Token: tok}.AsMechanism(), nil
	}
	return nil, fmt.Errorf("kafka.sasl.mechanism: unknown %q (want plain, scram-sha-256, scram-sha-512 or oauthbearer)", s.Mechanism)
}

// secret returns the inline value, or the environment variable env names.
func secret(inline, key, env string) (string, error) {
	if env == "" {
		return inline, nil
	}
	v, ok := os.LookupEnv(env)
	if !ok || v == "" {
		return "", fmt.Errorf("%s: the environment variable %s is not set or empty", key, env)
	}
	return v, nil
}

// maxTokenFile bounds a token file: a JWT is a few kilobytes.
const maxTokenFile = 64 << 10

func readToken(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("kafka.sasl.token_file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("kafka.sasl.token_file: read %s: %w", path, err)
	}
	if len(b) > maxTokenFile {
		return "", fmt.Errorf("kafka.sasl.token_file: %s is larger than %d KiB, not a token", path, maxTokenFile>>10)
	}
	tok := string(bytes.TrimSpace(b))
	if tok == "" {
		return "", fmt.Errorf("kafka.sasl.token_file: %s is empty", path)
	}
	return tok, nil
}

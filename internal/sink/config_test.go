package sink_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
	"github.com/snapwarden/snapwarden/internal/sink"
)

func TestConfig_Validate(t *testing.T) {
	hook := sink.Config{Name: "soc-hook", Type: "webhook", URL: "https://siem.example.com/in"}
	syslog := sink.Config{Name: "siem", Type: "syslog", Address: "siem.example.com:6514"}
	with := func(c sink.Config, edit func(*sink.Config)) sink.Config { edit(&c); return c }
	tests := []struct {
		name string
		cfg  sink.Config
		want []string // substrings of the error, one per problem; none when valid
	}{
		{"webhook", hook, nil},
		{"webhook, every option", with(hook, func(c *sink.Config) {
			c.Secret, c.Headers, c.Timeout = "k", map[string]string{"Authorization": "Bearer x"}, 5*time.Second
			c.MinSeverity, c.Retry = finding.High, sink.RetryConfig{MaxAttempts: 1, Backoff: time.Second, MaxBackoff: time.Minute}
			c.TLS = &sink.TLSConfig{CAFile: "ca.pem", CertFile: "c.pem", KeyFile: "k.pem"}
		}), nil},
		{"syslog", syslog, nil},
		{"cef over udp", with(syslog, func(c *sink.Config) {
			c.Type, c.Protocol, c.Facility, c.AppName, c.Hostname, c.MaxMessage = "cef", "udp", "local7", "sw", "det-1", 1400
		}), nil},
		{"syslog over tls", with(syslog, func(c *sink.Config) {
			c.Protocol, c.TLS = "tls", &sink.TLSConfig{ServerName: "siem", InsecureSkipVerify: true}
		}), nil},
		{"empty", sink.Config{}, []string{"name: missing", "type: missing"}},
		{"bad name and type", sink.Config{Name: "a b", Type: "kafka"}, []string{`name: "a b"`, `type: unknown type "kafka"`}},
		{"webhook without url", with(hook, func(c *sink.Config) { c.URL = "" }), []string{"url: missing"}},
		{"webhook ftp url", with(hook, func(c *sink.Config) { c.URL = "ftp://x/y" }), []string{`url: want an http or https URL, not scheme "ftp"`}},
		{"webhook without host", with(hook, func(c *sink.Config) { c.URL = "https:///path" }), []string{"has no host"}},
		{"webhook tls on http", with(hook, func(c *sink.Config) { c.URL, c.TLS = "http://x", &sink.TLSConfig{} }), []string{"tls: set for a plain http URL"}},
		{"webhook reserved header", with(hook, func(c *sink.Config) {
			c.Headers = map[string]string{"x-snapwarden-signature": "forged"}
		}), []string{"headers.x-snapwarden-signature: set by the webhook itself"}},
		{"webhook header injection", with(hook, func(c *sink.Config) { c.Headers = map[string]string{"X-A": "a\r\nHost: b"} }), []string{"headers.X-A: value contains a line break"}},
		{"webhook bad header name", with(hook, func(c *sink.Config) { c.Headers = map[string]string{"X A": "a"} }), []string{`headers: "X A" is not a valid header name`}},
		{"webhook with syslog fields", with(hook, func(c *sink.Config) { c.Address, c.Facility = "x:1", "user" }),
			[]string{"address: only for syslog and cef sinks", "facility: only for syslog and cef sinks"}},
		{"syslog without address", with(syslog, func(c *sink.Config) { c.Address = "" }), []string{"address: missing"}},
		{"syslog address without port", with(syslog, func(c *sink.Config) { c.Address = "siem" }), []string{`address: "siem": want host:port`}},
		{"syslog port out of range", with(syslog, func(c *sink.Config) { c.Address = "siem:70000" }), []string{"with a port from 1 to 65535"}},
		{"syslog bad protocol", with(syslog, func(c *sink.Config) { c.Protocol = "relp" }), []string{`protocol: unknown protocol "relp"`}},
		{"syslog tls options on tcp", with(syslog, func(c *sink.Config) { c.TLS = &sink.TLSConfig{} }), []string{"tls: set, but protocol is tcp"}},
		{"syslog cert without key", with(syslog, func(c *sink.Config) {
			c.Protocol, c.TLS = "tls", &sink.TLSConfig{CertFile: "c.pem"}
		}), []string{"tls: give cert_file and key_file together"}},
		{"syslog bad facility", with(syslog, func(c *sink.Config) { c.Facility = "local9" }), []string{`facility: unknown facility "local9"`}},
		{"syslog app name with space", with(syslog, func(c *sink.Config) { c.AppName = "snap warden" }), []string{"app_name: want at most 48 printable ASCII"}},
		{"syslog hostname non-ascii", with(syslog, func(c *sink.Config) { c.Hostname = "хост" }), []string{"hostname: want at most 255 printable ASCII"}},
		{"udp message too big", with(syslog, func(c *sink.Config) { c.Protocol, c.MaxMessage = "udp", 70000 }), []string{"max_message: want 1024 to 65000 bytes over udp"}},
		{"message too small", with(syslog, func(c *sink.Config) { c.MaxMessage = 100 }), []string{"max_message: want 1024 to 1048576 bytes over tcp"}},
		{"syslog with webhook fields", with(syslog, func(c *sink.Config) { c.URL, c.Secret = "https://x", "k" }),
			[]string{"url: only for webhook sinks", "secret: only for webhook sinks"}},
		{"negative durations", with(hook, func(c *sink.Config) {
			c.Timeout, c.Retry = -1, sink.RetryConfig{MaxAttempts: -1, Backoff: -1, MaxElapsed: -1}
		}), []string{"timeout: want a positive", "retry.max_attempts: want 1 or more", "retry.backoff: want a positive", "retry.max_elapsed: want a positive"}},
		{"backoff over max", with(hook, func(c *sink.Config) { c.Retry.Backoff, c.Retry.MaxBackoff = time.Minute, time.Second }),
			[]string{"retry.backoff: 1m0s is longer than retry.max_backoff (1s)"}},
		{"bad severity", with(hook, func(c *sink.Config) { c.MinSeverity = 9 }), []string{"min_severity: want info"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var joined interface{ Unwrap() []error }
			if !errors.As(err, &joined) || len(joined.Unwrap()) != len(tc.want) {
				t.Errorf("got %q, want %d problems", err, len(tc.want))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, nerr := sink.New(tc.cfg); nerr == nil {
				t.Error("New accepted a config Validate rejects")
			}
		})
	}
}

func TestNew_TLSFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		tls  sink.TLSConfig
		want string
	}{
		{"missing CA file", sink.TLSConfig{CAFile: dir + "/none.pem"}, "tls.ca_file: open"},
		{"missing key pair", sink.TLSConfig{CertFile: dir + "/c.pem", KeyFile: dir + "/k.pem"}, "tls.cert_file, tls.key_file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sink.New(sink.Config{Name: "s", Type: "syslog", Address: "127.0.0.1:6514", Protocol: "tls", TLS: &tc.tls})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("boom")
	if sink.Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	p := sink.Permanent(base)
	if !sink.IsPermanent(p) || !errors.Is(p, base) || p.Error() != "boom" {
		t.Errorf("Permanent(boom) = %v", p)
	}
	if wrapped := errors.Join(errors.New("ctx"), p); !sink.IsPermanent(wrapped) {
		t.Error("a wrapped permanent error is not permanent")
	}
	if sink.IsPermanent(base) {
		t.Error("a plain error is permanent")
	}
}

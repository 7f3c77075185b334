package sink

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/finding"
)

// Config describes one sink: one entry of serve.sinks. Fields that do not
// apply to the sink's Type must be left empty (Validate says so), so a typo
// never silently does nothing. Zero values mean the documented defaults.
type Config struct {
	// Name identifies the sink in logs, metrics and errors: letters,
	// digits, '.', '_' and '-'. Required.
	Name string `json:"name"`
	// Type is "webhook", "syslog" (RFC 5424 with structured data) or "cef"
	// (ArcSight CEF carried in RFC 5424 messages). Required.
	Type string `json:"type"`
	// MinSeverity drops findings below it: only findings at or above it go
	// out. Zero (unset) sends every finding.
	MinSeverity finding.Severity `json:"min_severity,omitempty"`
	// Timeout bounds one attempt: an HTTP request with its response, or a
	// dial with the TLS handshake, or the write of one batch. Default 10s.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Retry bounds how a failed send is retried.
	Retry RetryConfig `json:"retry"`
	// TLS configures https webhooks and the "tls" protocol. Optional for
	// both (the system roots verify the server by default); an error for
	// anything else.
	TLS *TLSConfig `json:"tls,omitempty"`

	// Webhook only.

	// URL is where batches are POSTed: http or https. Required.
	URL string `json:"url,omitempty"`
	// Secret, when set, signs every request: see Webhook.
	Secret string `json:"secret,omitempty"`
	// Headers are added to every request (an Authorization header, say).
	// They cannot replace Content-Type, Content-Length, Host or the
	// X-Snapwarden-* headers.
	Headers map[string]string `json:"headers,omitempty"`

	// Syslog and CEF only.

	// Address is the collector's host:port. Required.
	Address string `json:"address,omitempty"`
	// Protocol is "tcp" (RFC 6587 octet counting, the default), "tls"
	// (RFC 5425) or "udp" (RFC 5426, one message per datagram).
	Protocol string `json:"protocol,omitempty"`
	// Facility is the syslog facility by name: kern, user, mail, daemon,
	// auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, security,
	// console, solaris-cron or local0…local7. Default local0.
	Facility string `json:"facility,omitempty"`
	// AppName is the RFC 5424 APP-NAME: up to 48 printable ASCII
	// characters. Default "snapwarden".
	AppName string `json:"app_name,omitempty"`
	// Hostname is the RFC 5424 HOSTNAME: up to 255 printable ASCII
	// characters. Default: this machine's host name.
	Hostname string `json:"hostname,omitempty"`
	// MaxMessage caps one message in bytes (without the TCP length
	// prefix); longer ones lose their least important parts first (see
	// Syslog). Default 2048 over UDP (what RFC 5426 asks every receiver to
	// accept), 8192 over TCP and TLS (rsyslog's default limit). At least
	// 1024; at most 65000 over UDP, 1 MiB otherwise.
	MaxMessage int `json:"max_message,omitempty"`
}

// RetryConfig bounds retries. A send is retried on network errors, on HTTP
// 408, 429 and 5xx, with exponential backoff and jitter: the n-th wait is
// drawn from [d/2, d] where d = Backoff·2^(n-1), at most MaxBackoff, and is
// never shorter than a 429 or 503's Retry-After. It stops at MaxAttempts,
// when the next wait would end after MaxElapsed, or when the context ends.
type RetryConfig struct {
	// MaxAttempts counts the first attempt too; 1 disables retries.
	// Default 5.
	MaxAttempts int `json:"max_attempts,omitempty"`
	// Backoff is the first wait. Default 500ms.
	Backoff time.Duration `json:"backoff,omitempty"`
	// MaxBackoff caps one wait. Default 30s.
	MaxBackoff time.Duration `json:"max_backoff,omitempty"`
	// MaxElapsed caps the time from the first attempt to the start of
	// the last. Default 2m.
	MaxElapsed time.Duration `json:"max_elapsed,omitempty"`
}

// TLSConfig says how to verify the server and whether to show it a client
// certificate. Files are read by New, not by Validate.
type TLSConfig struct {
	// CAFile is a PEM bundle of the CAs that may sign the server's
	// certificate, instead of the system's roots.
	CAFile string `json:"ca_file,omitempty"`
	// CertFile and KeyFile are a PEM client certificate and its key, for
	// collectors that authenticate clients (mutual TLS). Both or neither.
	CertFile string `json:"cert_file,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
	// ServerName is the name expected in the server's certificate.
	// Default: the host of Address or URL.
	ServerName string `json:"server_name,omitempty"`
	// InsecureSkipVerify accepts any server certificate. For tests only:
	// anyone on the path can then read and forge what is sent.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
}

// Sink types and protocols.
const (
	TypeWebhook = "webhook"
	TypeSyslog  = "syslog"
	TypeCEF     = "cef"

	ProtocolTCP = "tcp"
	ProtocolTLS = "tls"
	ProtocolUDP = "udp"
)

// Defaults for zero fields.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultMaxAttempts   = 5
	DefaultBackoff       = 500 * time.Millisecond
	DefaultMaxBackoff    = 30 * time.Second
	DefaultMaxElapsed    = 2 * time.Minute
	DefaultFacility      = "local0"
	DefaultAppName       = "snapwarden"
	DefaultMaxMessageUDP = 2048
	DefaultMaxMessageTCP = 8192

	minMessage    = 1024
	maxMessageUDP = 65000
	maxMessageTCP = 1 << 20
)

// facilities maps the RFC 5424 facility names (and the usual aliases) to
// their codes.
var facilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5,
	"lpr": 6, "news": 7, "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11,
	"ntp": 12, "security": 13, "audit": 13, "console": 14, "alert": 14,
	"solaris-cron": 15, "clock": 15,
	"local0": 16, "local1": 17, "local2": 18, "local3": 19,
	"local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// reservedHeaders are set by the webhook itself.
var reservedHeaders = []string{"Content-Type", "Content-Length", "Host", headerSignature, headerTimestamp}

// Validate checks the settings without touching the network or the file
// system, reporting every problem (errors.Join), each as "field: what is
// wrong". The caller adds where the entry is (serve.sinks[2]).
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch {
	case c.Name == "":
		bad("name", "missing: give the sink a name for logs and metrics")
	case !validName(c.Name):
		bad("name", "%q: use letters, digits, '.', '_' and '-' only", c.Name)
	}
	if c.MinSeverity != 0 && !c.MinSeverity.Valid() {
		bad("min_severity", "want info, low, medium, high or critical")
	}
	if c.Timeout < 0 {
		bad("timeout", "want a positive duration, not %v", c.Timeout)
	}
	r := c.Retry
	if r.MaxAttempts < 0 {
		bad("retry.max_attempts", "want 1 or more (1 disables retries), not %d", r.MaxAttempts)
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"retry.backoff", r.Backoff}, {"retry.max_backoff", r.MaxBackoff}, {"retry.max_elapsed", r.MaxElapsed}} {
		if d.v < 0 {
			bad(d.field, "want a positive duration, not %v", d.v)
		}
	}
	if r.Backoff > 0 && r.MaxBackoff > 0 && r.Backoff > r.MaxBackoff {
		bad("retry.backoff", "%v is longer than retry.max_backoff (%v)", r.Backoff, r.MaxBackoff)
	}
	if t := c.TLS; t != nil && (t.CertFile == "") != (t.KeyFile == "") {
		bad("tls", "give cert_file and key_file together")
	}

	switch c.Type {
	case TypeWebhook:
		c.validateWebhook(bad)
	case TypeSyslog, TypeCEF:
		c.validateSyslog(bad)
	case "":
		bad("type", "missing: want webhook, syslog or cef")
	default:
		bad("type", "unknown type %q: want webhook, syslog or cef", c.Type)
	}
	return errors.Join(errs...)
}

func (c Config) validateWebhook(bad func(field, format string, args ...any)) {
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		bad("url", "missing: give the address to POST findings to (https://…)")
	case err != nil:
		bad("url", "%v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		bad("url", "want an http or https URL, not scheme %q", u.Scheme)
	case u.Host == "":
		bad("url", "%q has no host", u.Redacted())
	case u.Scheme == "http" && c.TLS != nil:
		bad("tls", "set for a plain http URL; use https or drop tls")
	}
	for k, v := range c.Headers {
		switch {
		case !validToken(k):
			bad("headers", "%q is not a valid header name", k)
		case isReserved(k):
			bad("headers."+k, "set by the webhook itself; it cannot be replaced")
		case strings.ContainsAny(v, "\r\n\x00"):
			bad("headers."+k, "value contains a line break or NUL")
		}
	}
	for _, f := range []struct{ field, v string }{
		{"address", c.Address}, {"protocol", c.Protocol}, {"facility", c.Facility},
		{"app_name", c.AppName}, {"hostname", c.Hostname},
	} {
		if f.v != "" {
			bad(f.field, "only for syslog and cef sinks")
		}
	}
	if c.MaxMessage != 0 {
		bad("max_message", "only for syslog and cef sinks")
	}
}

func (c Config) validateSyslog(bad func(field, format string, args ...any)) {
	if c.Address == "" {
		bad("address", "missing: give the collector as host:port")
	} else if host, port, err := net.SplitHostPort(c.Address); err != nil {
		bad("address", "%q: want host:port (%v)", c.Address, err)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
		bad("address", "%q: want host:port with a port from 1 to 65535", c.Address)
	}
	switch c.Protocol {
	case "", ProtocolTCP, ProtocolUDP:
		if c.TLS != nil {
			bad("tls", "set, but protocol is %s; use protocol: tls", c.protocol())
		}
	case ProtocolTLS:
	default:
		bad("protocol", "unknown protocol %q: want tcp, tls or udp", c.Protocol)
	}
	if c.Facility != "" {
		if _, ok := facilities[c.Facility]; !ok {
			bad("facility", "unknown facility %q: want a name such as local0…local7, auth, authpriv, daemon or user", c.Facility)
		}
	}
	if len(c.AppName) > 48 || !printASCII(c.AppName) {
		bad("app_name", "want at most 48 printable ASCII characters without spaces")
	}
	if len(c.Hostname) > 255 || !printASCII(c.Hostname) {
		bad("hostname", "want at most 255 printable ASCII characters without spaces")
	}
	if m := c.MaxMessage; m != 0 {
		limit := maxMessageTCP
		if c.protocol() == ProtocolUDP {
			limit = maxMessageUDP
		}
		if m < minMessage || m > limit {
			bad("max_message", "want %d to %d bytes over %s, not %d", minMessage, limit, c.protocol(), m)
		}
	}
	if c.URL != "" {
		bad("url", "only for webhook sinks")
	}
	if c.Secret != "" {
		bad("secret", "only for webhook sinks")
	}
	if len(c.Headers) > 0 {
		bad("headers", "only for webhook sinks")
	}
}

// protocol is Protocol with its default.
func (c Config) protocol() string {
	if c.Protocol == "" {
		return ProtocolTCP
	}
	return c.Protocol
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validToken reports whether s is an HTTP header name (RFC 9110 token).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isReserved(name string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// printASCII reports whether s holds only RFC 5424 PRINTUSASCII (33–126).
func printASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 {
			return false
		}
	}
	return true
}

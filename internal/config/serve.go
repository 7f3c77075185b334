package config

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Serve configures `snapwarden serve`, the daemon.
type Serve struct {
	// Listen is the HTTP address (default 127.0.0.1:8080: loopback only).
	Listen string `json:"listen"`
	// Instance names this instance's rows in a shared store: its ingest
	// queue, its outbox, its checkpoint marks (default: the host name).
	Instance string `json:"instance"`
	// Tokens are the API's bearer tokens, by name, as SHA-256 hashes of
	// the tokens (hex): the file never holds a token itself. Tokens given
	// in SNAPWARDEN_TOKENS are added.
	Tokens []Token `json:"tokens"`
	// Users may log in to the web console, by name, with the bcrypt hash of
	// their password (snapwarden config hash-password makes one).
	Users []User `json:"users"`
	// TLS serves HTTPS with this certificate and key (PEM files).
	TLS TLSFiles `json:"tls"`
	// TrustedProxies are the reverse proxies in front of serve, as IP
	// addresses or CIDR prefixes (IPv4 or IPv6). Only from them does the
	// console believe X-Forwarded-Proto, -Host and -For. Default: none.
	TrustedProxies []string `json:"trusted_proxies"`
	// SessionKey signs the console's session cookies (at least 32
	// characters; SNAPWARDEN_SESSION_KEY wins over it). Instances sharing it
	// accept each other's logins, and logins survive restarts. Default:
	// none, a random key per start.
	SessionKey string `json:"session_key"`
	// Hold is how long events wait for late ones before the chain and
	// correlation rules take them in time order (default 500ms; CloudTrail
	// delivers regions minutes apart: a longer hold finds chains that span
	// them, with findings that much later).
	Hold time.Duration `json:"hold"`
	// Checkpoint is how often the correlation state is saved (default 5s).
	Checkpoint time.Duration `json:"checkpoint"`
	// MaxBodyMB bounds one ingest request, compressed and decompressed
	// (default 64).
	MaxBodyMB int `json:"max_body_mb"`
	// MaxQueuedMB bounds the accepted, unprocessed records before ingest
	// answers 503 (default 256).
	MaxQueuedMB int `json:"max_queued_mb"`
	// Tail lists directories whose log files are read as they grow.
	Tail []string `json:"tail"`
	// Retention is how long findings are kept (default 180 days; 0 keeps
	// them forever is not allowed: give a long one).
	Retention time.Duration `json:"retention"`
	// MinSeverity is the lowest severity stored (default low).
	MinSeverity string `json:"min_severity"`
	// Accounts give the account of records that name none, per cloud
	// (VK Cloud action logs): cloud → account.
	Accounts map[string]string `json:"accounts"`
	// PairWait is how long a record of a paired operation (a request, an
	// Azure "Started") waits for its partner (default 2m).
	PairWait time.Duration `json:"pair_wait"`
	// Sinks forward findings (new ones, and chains that grew) to SIEMs.
	Sinks []Sink `json:"sinks"`
}

// Token is one API token: a name (shown as the reviewer of what it does)
// and the hex SHA-256 of the token.
type Token struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// User is one web console login: a name (recorded as the reviewer of what
// it does) and the bcrypt hash of its password.
type User struct {
	Name           string `json:"name"`
	PasswordBcrypt string `json:"password_bcrypt"`
}

// TLSFiles name a certificate and its key.
type TLSFiles struct {
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

func defaultServe() Serve {
	return Serve{
		Listen:         "127.0.0.1:8080",
		Tokens:         []Token{},
		Users:          []User{},
		TrustedProxies: []string{},
		Hold:           500 * time.Millisecond,
		Checkpoint:     5 * time.Second,
		MaxBodyMB:      64,
		MaxQueuedMB:    256,
		Tail:           []string{},
		Retention:      180 * 24 * time.Hour,
		MinSeverity:    "low",
		Accounts:       map[string]string{},
		PairWait:       2 * time.Minute,
		Sinks:          []Sink{},
	}
}

// Sink forwards findings to a SIEM: one entry of serve.sinks. Its fields
// are those of the sink package's Config (see docs/serve.md); fields of the
// other sink type must stay empty.
type Sink struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"` // webhook, syslog or cef
	MinSeverity string            `json:"min_severity"`
	Timeout     time.Duration     `json:"timeout"`
	Retry       SinkRetry         `json:"retry"`
	TLS         *SinkTLS          `json:"tls"`
	URL         string            `json:"url"`
	Secret      string            `json:"secret"`
	Headers     map[string]string `json:"headers"`
	Address     string            `json:"address"`
	Protocol    string            `json:"protocol"`
	Facility    string            `json:"facility"`
	AppName     string            `json:"app_name"`
	Hostname    string            `json:"hostname"`
	MaxMessage  int               `json:"max_message"`
}

// SinkRetry bounds a sink's retries.
type SinkRetry struct {
	MaxAttempts int           `json:"max_attempts"`
	Backoff     time.Duration `json:"backoff"`
	MaxBackoff  time.Duration `json:"max_backoff"`
	MaxElapsed  time.Duration `json:"max_elapsed"`
}

// SinkTLS verifies a sink's server and may show it a client certificate.
type SinkTLS struct {
	CAFile             string `json:"ca_file"`
	CertFile           string `json:"cert_file"`
	KeyFile            string `json:"key_file"`
	ServerName         string `json:"server_name"`
	InsecureSkipVerify bool   `json:"insecure_skip_verify"`
}

// MinSessionKey is the shortest serve.session_key accepted, in characters.
const MinSessionKey = 32

// CheckSessionKey tells what is wrong with a session key ("" is none, and
// fine). It never quotes the key.
func CheckSessionKey(key string) error {
	if n := len([]rune(key)); key != "" && n < MinSessionKey {
		return fmt.Errorf("want a secret of at least %d characters, not %d (make one with: openssl rand -base64 32)", MinSessionKey, n)
	}
	return nil
}

// ParseProxy reads one serve.trusted_proxies entry: an IP address (a
// prefix of one address) or a CIDR prefix, IPv4 or IPv6.
func ParseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("want an IP address or a CIDR prefix such as 10.0.0.0/8 or fd00::/8, not %q", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("want an IP address or a CIDR prefix such as 10.0.0.0/8 or fd00::/8, not %q", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Proxies returns serve.trusted_proxies as prefixes (Validate has checked
// them; an entry that does not parse is an error here too).
func (s *Serve) Proxies() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(s.TrustedProxies))
	for i, e := range s.TrustedProxies {
		p, err := ParseProxy(e)
		if err != nil {
			return nil, fmt.Errorf("serve.trusted_proxies[%d]: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

package config_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/snapwarden/snapwarden/internal/config"
)

func TestServe_ConsoleSettings(t *testing.T) {
	const doc = `serve:
  trusted_proxies: [10.0.0.0/8, 192.0.2.7, "2001:db8:1::/48", "fd00::1", 10.1.2.3/16]
  session_key: "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ=="
`
	c, err := config.Parse(strings.NewReader(doc), "s.yaml")
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.Serve.SessionKey != "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ==" {
		t.Errorf("session_key %q", c.Serve.SessionKey)
	}
	got, err := c.Serve.Proxies()
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("fd00::1/128"),
		netip.MustParsePrefix("10.1.0.0/16"), // masked
	}
	if !slices.Equal(got, want) {
		t.Errorf("proxies %v, want %v", got, want)
	}

	// One address alone need not be a list; by default there are none.
	c, err = config.Parse(strings.NewReader("serve:\n  trusted_proxies: 127.0.0.1\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Serve.Proxies(); len(got) != 1 || got[0] != netip.MustParsePrefix("127.0.0.1/32") {
		t.Errorf("a single proxy: %v", got)
	}
	d := config.Default()
	if got, err := d.Serve.Proxies(); err != nil || len(got) != 0 || d.Serve.SessionKey != "" {
		t.Errorf("defaults: proxies %v %v, session key %q", got, err, d.Serve.SessionKey)
	}
}

func TestServe_ConsoleInvalid(t *testing.T) {
	const short = "tooshort-secret"
	const doc = `serve:
  trusted_proxies:
    - 10.0.0.0/8
    - 10.0.0.0/33
    - proxy.internal
    - "fe80::1%eth0"
    - ""
  session_key: "` + short + `"
`
	c, err := config.Parse(strings.NewReader(doc), "s.yaml")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	err = c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`s.yaml:4:7: serve.trusted_proxies[1]: want an IP address or a CIDR prefix such as 10.0.0.0/8 or fd00::/8, not "10.0.0.0/33"`,
		`s.yaml:5:7: serve.trusted_proxies[2]: want an IP address or a CIDR prefix`,
		`s.yaml:6:7: serve.trusted_proxies[3]: `,
		`s.yaml:7:7: serve.trusted_proxies[4]: `,
		`s.yaml:8:16: serve.session_key: want a secret of at least 32 characters, not 15 (make one with: openssl rand -base64 32)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "trusted_proxies[0]") {
		t.Errorf("a good prefix reported:\n%v", err)
	}
	if strings.Contains(err.Error(), short) {
		t.Errorf("the error quotes the key:\n%v", err)
	}
	if _, err := c.Serve.Proxies(); err == nil || !strings.Contains(err.Error(), "serve.trusted_proxies[1]") {
		t.Errorf("Proxies: %v", err)
	}

	// A key that is not a string, and a key of the wrong type, fail at parse.
	_, err = config.Parse(strings.NewReader("serve:\n  session_key: [a]\n  trusted_proxies: {a: b}\n"), "s.yaml")
	for _, want := range []string{"s.yaml:2:16: serve.session_key: want a string", "s.yaml:3:20: serve.trusted_proxies: want a string or a list of strings"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parse error lacks %q: %v", want, err)
		}
	}
}

func TestServe_ConsoleCheckSessionKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"", true}, // none: a random key per start
		{strings.Repeat("k", 31), false},
		{strings.Repeat("k", 32), true},
		{strings.Repeat("ключ", 8), true}, // characters, not bytes
		{strings.Repeat("ключ", 7), false},
	}
	for _, tt := range tests {
		err := config.CheckSessionKey(tt.key)
		if (err == nil) != tt.ok {
			t.Errorf("key of %d characters: %v, want ok %v", len([]rune(tt.key)), err, tt.ok)
		}
		if err != nil && (strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), "openssl rand -base64 32")) {
			t.Errorf("error %q quotes the key or lacks the hint", err)
		}
	}
}

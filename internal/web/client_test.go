package web_test

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/snapwarden/snapwarden/internal/web"
)

func TestConsole_ClientOf(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("2001:db8:1::/48"),
		netip.MustParsePrefix("192.0.2.7/32"),
	}
	tests := []struct {
		name   string
		peer   string
		tls    bool
		header [][2]string
		secure bool
		host   string
		ip     string
	}{
		{"direct, no headers", "198.51.100.4:5000", false, nil, false, "console.local", "198.51.100.4"},
		{"direct over TLS", "198.51.100.4:5000", true, nil, true, "console.local", "198.51.100.4"},
		{"untrusted peer: forwarded headers ignored", "198.51.100.4:5000", false,
			[][2]string{{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example"}},
			false, "console.local", "198.51.100.4"},
		{"untrusted peer next to a trusted range", "10.0.0.1:80", false, nil, false, "console.local", "10.0.0.1"},
		{"trusted proxy", "10.0.0.1:5000", false,
			[][2]string{{"X-Forwarded-For", "203.0.113.9"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "console.example.ru"}},
			true, "console.example.ru", "203.0.113.9"},
		{"trusted proxy, no headers", "192.0.2.7:5000", false, nil, false, "console.local", "192.0.2.7"},
		{"trusted proxy says http over TLS to us", "10.0.0.1:5000", true, [][2]string{{"X-Forwarded-Proto", "http"}}, false, "console.local", "10.0.0.1"},
		{"proto in capitals", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-Proto", "HTTPS"}}, true, "console.local", "10.0.0.1"},
		{"chain: the client's own entries left of its address are ignored", "10.0.0.1:5000", false,
			[][2]string{{"X-Forwarded-For", "198.51.100.66, 203.0.113.9, 10.3.3.3, 192.0.2.7"}}, false, "console.local", "203.0.113.9"},
		{"chain over several header lines", "10.0.0.1:5000", false,
			[][2]string{{"X-Forwarded-For", "198.51.100.66"}, {"X-Forwarded-For", "203.0.113.9, 10.3.3.3"}}, false, "console.local", "203.0.113.9"},
		{"all hops trusted: the leftmost", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "10.9.9.9, 10.1.1.1"}}, false, "console.local", "10.9.9.9"},
		{"proto and host: the edge's (first) value", "10.0.0.1:5000", false,
			[][2]string{{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "console.example.ru, backend:8080"}}, true, "console.example.ru", "10.0.0.1"},
		{"entry with a port", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "203.0.113.9:61000"}}, false, "console.local", "203.0.113.9"},
		{"malformed entry: the peer", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "203.0.113.9, bogus"}}, false, "console.local", "10.0.0.1"},
		{"empty entry: the peer", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "203.0.113.9,,10.3.3.3"}}, false, "console.local", "10.0.0.1"},
		{"empty header: the peer", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", ""}}, false, "console.local", "10.0.0.1"},
		{"hostname, not an address: the peer", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "client.example"}}, false, "console.local", "10.0.0.1"},
		{"malformed left of the client does not matter", "10.0.0.1:5000", false, [][2]string{{"X-Forwarded-For", "<script>, 203.0.113.9"}}, false, "console.local", "203.0.113.9"},
		{"empty proto and host ignored", "10.0.0.1:5000", true, [][2]string{{"X-Forwarded-Proto", ""}, {"X-Forwarded-Host", ""}}, true, "console.local", "10.0.0.1"},
		{"IPv6 trusted proxy, IPv6 client", "[2001:db8:1::10]:5000", false,
			[][2]string{{"X-Forwarded-For", "2001:db8:ffff::1"}, {"X-Forwarded-Proto", "https"}}, true, "console.local", "2001:db8:ffff::1"},
		{"IPv6 client with a port", "[2001:db8:1::10]:5000", false, [][2]string{{"X-Forwarded-For", "[2001:db8:ffff::1]:443"}}, false, "console.local", "2001:db8:ffff::1"},
		{"IPv6 chain through trusted hops", "[2001:db8:1::10]:5000", false,
			[][2]string{{"X-Forwarded-For", "2001:db8:ffff::1, 10.2.2.2, 2001:db8:1::20"}}, false, "console.local", "2001:db8:ffff::1"},
		{"IPv6 untrusted peer", "[2001:db8:2::1]:5000", false, [][2]string{{"X-Forwarded-For", "203.0.113.9"}}, false, "console.local", "2001:db8:2::1"},
		{"IPv4 peer in IPv6 form", "[::ffff:10.0.0.1]:5000", false, [][2]string{{"X-Forwarded-For", "::ffff:203.0.113.9"}}, false, "console.local", "203.0.113.9"},
		{"zone dropped", "[fe80::1%eth0]:5000", false, nil, false, "console.local", "fe80::1"},
		{"peer not an address", "@", false, [][2]string{{"X-Forwarded-For", "203.0.113.9"}}, false, "console.local", "@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://console.local/findings", nil)
			r.RemoteAddr = tt.peer
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, h := range tt.header {
				r.Header.Add(h[0], h[1])
			}
			secure, host, ip := web.ClientOf(trusted, r)
			if secure != tt.secure || host != tt.host || ip != tt.ip {
				t.Errorf("got secure=%v host=%q ip=%q, want %v %q %q", secure, host, ip, tt.secure, tt.host, tt.ip)
			}
		})
	}
}

// Prefixes are taken as given, masked, and IPv4 ones in IPv6 form match
// IPv4 peers; no prefix trusts no one, loopback included.
func TestConsole_ClientOfPrefixes(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.2.3:5000"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	tests := []struct {
		trusted []netip.Prefix
		ip      string
	}{
		{nil, "10.1.2.3"},
		{[]netip.Prefix{netip.MustParsePrefix("10.1.2.200/24")}, "203.0.113.9"}, // not masked as written
		{[]netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}, "203.0.113.9"},
		{[]netip.Prefix{netip.MustParsePrefix("10.1.2.4/32")}, "10.1.2.3"},
		{[]netip.Prefix{{}}, "10.1.2.3"}, // the zero prefix trusts nothing
	}
	for _, tt := range tests {
		if _, _, ip := web.ClientOf(tt.trusted, r); ip != tt.ip {
			t.Errorf("trusted %v: ip %q, want %q", tt.trusted, ip, tt.ip)
		}
	}
	loop := httptest.NewRequest("GET", "/", nil)
	loop.RemoteAddr = "127.0.0.1:5000"
	loop.Header.Set("X-Forwarded-For", "203.0.113.9")
	if _, _, ip := web.ClientOf(nil, loop); ip != "127.0.0.1" {
		t.Errorf("loopback trusted by default: %q", ip)
	}
}

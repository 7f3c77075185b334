package web

import (
	"net/http"
	"net/netip"
	"strings"
)

// client is what the console knows of the browser behind a request: how
// it reached us, which host it addressed and from where. Behind reverse
// proxies named in Options.TrustedProxies it is read from their
// X-Forwarded-* headers; from any other peer those headers are ignored.
type client struct {
	secure bool   // HTTPS as far as the browser is concerned: cookies get Secure
	host   string // the host the browser addressed, for the same-origin check
	ip     string // the browser's address without port: the login throttle's key and the logs'
}

// proxies are the reverse proxies whose X-Forwarded-* headers are believed.
type proxies []netip.Prefix

// newProxies keeps the valid prefixes, masked, and IPv4 ones written in
// IPv6 form (::ffff:10.0.0.0/104) as IPv4: addresses are compared unmapped.
func newProxies(list []netip.Prefix) proxies {
	var ps proxies
	for _, p := range list {
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		ps = append(ps, p.Masked())
	}
	return ps
}

// trusts reports whether a is one of the proxies.
func (ps proxies) trusts(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientOf tells who sent r. Only when the immediate peer is a trusted
// proxy are X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-For read:
// anyone else could write them.
func (ps proxies) clientOf(r *http.Request) client {
	cl := client{secure: r.TLS != nil, host: r.Host, ip: r.RemoteAddr}
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok { // not an IP peer (a test's, a Unix socket's): no proxy either
		return cl
	}
	cl.ip = peer.String()
	if !ps.trusts(peer) {
		return cl
	}
	// Proto and host: the first value, the one the edge proxy saw from the
	// browser (later hops of a chain may append their own). A client that
	// forges them fools only its own request: a browser cannot add them to
	// a cross-site form, and a Secure cookie it did not need harms no one.
	if proto, ok := firstValue(r.Header, "X-Forwarded-Proto"); ok {
		cl.secure = strings.EqualFold(proto, "https")
	}
	if host, ok := firstValue(r.Header, "X-Forwarded-Host"); ok {
		cl.host = host
	}
	cl.ip = ps.forwardedFor(r.Header, peer).String()
	return cl
}

// forwardedFor walks X-Forwarded-For from the right, where each trusted
// proxy appended the address it was reached from, and returns the first
// address that is not a trusted proxy: everything left of it was written
// by the client and proves nothing. A list of trusted proxies only gives
// its leftmost; a malformed entry on the way gives the peer, as does no
// header.
func (ps proxies) forwardedFor(h http.Header, peer netip.Addr) netip.Addr {
	hops := listValues(h, "X-Forwarded-For")
	found := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			return peer
		}
		found = a
		if !ps.trusts(a) {
			break
		}
	}
	return found
}

// parseAddr reads an IP address, with or without a port ("10.0.0.1",
// "10.0.0.1:443", "[2001:db8::1]:443"), as a plain address: an IPv4
// address in IPv6 form is the IPv4 one, and a zone is dropped.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

// listValues splits a header's comma-separated values over all its lines,
// in order; entries are trimmed, empty ones kept (a malformed list).
func listValues(h http.Header, name string) []string {
	var out []string
	for _, line := range h.Values(name) {
		for v := range strings.SplitSeq(line, ",") {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// firstValue is the first entry of a comma-separated header, if not empty.
func firstValue(h http.Header, name string) (string, bool) {
	vs := listValues(h, name)
	if len(vs) == 0 || vs[0] == "" {
		return "", false
	}
	return vs[0], true
}

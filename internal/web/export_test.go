package web

import (
	"net/http"
	"net/netip"
)

// Texts exposes the text tables and the keys added twice to the tests.
func Texts() (map[string]map[string]string, []string) { return texts, duplicateTexts }

// ClientOf is what a console behind trusted makes of r: whether it came
// over HTTPS, the host it was sent to and the client's address.
func ClientOf(trusted []netip.Prefix, r *http.Request) (secure bool, host, ip string) {
	cl := newProxies(trusted).clientOf(r)
	return cl.secure, cl.host, cl.ip
}

package event

import "strings"

// Protocol spells an IP protocol as Ingress.Protocol holds it, whatever the
// log wrote: "all" for every protocol ("", "-1", "all", "any", "*"), names for
// the common IANA numbers (6 tcp, 17 udp, 1 icmp, 58 icmpv6; ICMPv6's other
// spelling, ipv6-icmp, is icmpv6 too), any other name lower-cased and any
// other number as written.
func Protocol(p string) string {
	switch p = strings.ToLower(strings.TrimSpace(p)); p {
	case "", "-1", "all", "any", "*":
		return "all"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58", "ipv6-icmp":
		return "icmpv6"
	}
	return p
}

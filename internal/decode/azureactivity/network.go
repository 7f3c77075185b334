package azureactivity

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/snapwarden/snapwarden/internal/decode"
	"github.com/snapwarden/snapwarden/internal/event"
	"github.com/snapwarden/snapwarden/internal/jsondoc"
)

// maxIngress caps the rules one record may expand to (sources × ports).
const maxIngress = 256

// securityRuleWrite: an inbound Allow rule opens ingress. Without a body the
// rule's direction is unknown; the write is still reported as an opening
// (with no ingress entries), since that is what such writes mostly are.
func securityRuleWrite(o *op) {
	o.add(event.RoleTarget, event.SecurityGroup, parent(o.id, 1))
	o.add(event.RoleTarget, event.FirewallRule, o.id)
	props := o.body("properties")
	if props == nil {
		if !o.hasBody() {
			o.e.Action = event.IngressOpen
		}
		return
	}
	if addRule(o.e, props) {
		o.e.Action = event.IngressOpen
	}
}

// securityGroupWrite reads the inline rules of a network security group. A
// PUT lists every rule of the group, old and new alike.
func securityGroupWrite(o *op) {
	o.add(event.RoleTarget, event.SecurityGroup, o.id)
	opened := false
	for _, r := range decode.Each(o.body("properties", "securityRules")) {
		if addRule(o.e, decode.GetFold(r, "properties")) {
			opened = true
		}
	}
	if opened {
		o.e.Action = event.IngressOpen
	}
}

// addRule adds the ingress of an inbound Allow rule's properties and reports
// whether it was one.
func addRule(e *event.Event, p *jsondoc.Value) bool {
	if !strings.EqualFold(decode.StrFold(p, "direction"), "Inbound") ||
		!strings.EqualFold(decode.StrFold(p, "access"), "Allow") {
		return false
	}
	proto := event.Protocol(decode.StrFold(p, "protocol"))
	sources := append(decode.Strs(decode.GetFold(p, "sourceAddressPrefix")), decode.Strs(decode.GetFold(p, "sourceAddressPrefixes"))...)
	for _, g := range decode.Each(decode.GetFold(p, "sourceApplicationSecurityGroups")) {
		if id := decode.StrFold(g, "id"); id != "" {
			sources = append(sources, event.AzureID(id))
		}
	}
	// A rule with no readable source (a truncated body) adds no entry
	// rather than a guessed one.
	ports := append(decode.Strs(decode.GetFold(p, "destinationPortRange")), decode.Strs(decode.GetFold(p, "destinationPortRanges"))...)
	if len(ports) == 0 {
		ports = []string{"*"}
	}
	for _, src := range sources {
		for _, pr := range ports {
			from, to, ok := portRange(pr)
			if !ok || len(e.Ingress) >= maxIngress {
				continue
			}
			e.AddIngress(event.Ingress{Protocol: proto, FromPort: from, ToPort: to, Source: strings.TrimSpace(src)})
		}
	}
	return true
}

// portRange parses "22", "20-30" or "*".
func portRange(s string) (from, to int, ok bool) {
	s = strings.TrimSpace(s)
	if s == "*" || s == "" {
		return 0, 65535, true
	}
	lo, hi, found := strings.Cut(s, "-")
	if !found {
		hi = lo
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(lo))
	to, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || from < 0 || to > 65535 || from > to {
		return 0, 0, false
	}
	return from, to, true
}

// nicWrite links a network interface to its security group and VM, the path
// from an instance to the rules that expose it. A public address on any IP
// configuration is reported as network.public_ip.
func nicWrite(o *op) {
	o.add(event.RoleTarget, event.NIC, o.id)
	o.add(event.RoleTarget, event.SecurityGroup, o.bodyStr("properties", "networkSecurityGroup", "id"))
	o.add(event.RoleTarget, event.Instance, o.bodyStr("properties", "virtualMachine", "id"))
	for _, c := range decode.Each(o.body("properties", "ipConfigurations")) {
		if decode.StrFold(c, "properties", "publicIPAddress", "id") != "" {
			o.e.Action = event.PublicIPAssign
		}
	}
}

// firewallRuleWrite handles a managed database server's firewall rule, an
// IPv4 range allowed to the server's port.
func firewallRuleWrite(port int) func(*op) {
	return func(o *op) {
		o.e.Action = event.IngressOpen
		o.add(event.RoleTarget, event.Database, parent(o.id, 1))
		o.add(event.RoleTarget, event.FirewallRule, o.id)
		start := o.bodyStr("properties", "startIpAddress")
		end := o.bodyStr("properties", "endIpAddress")
		if start == "" && end == "" {
			return
		}
		o.e.AddIngress(event.Ingress{Protocol: "tcp", FromPort: port, ToPort: port, Source: rangeSource(start, end)})
	}
}

// rangeSource writes an address range as a CIDR when it is one
// (0.0.0.0–255.255.255.255 is 0.0.0.0/0), else as "start-end". The range
// 0.0.0.0–0.0.0.0 is Azure's "allow Azure services" rule: every Azure
// address, any tenant's.
func rangeSource(start, end string) string {
	if end == "" {
		end = start
	}
	a, err1 := netip.ParseAddr(strings.TrimSpace(start))
	b, err2 := netip.ParseAddr(strings.TrimSpace(end))
	if err1 != nil || err2 != nil || !a.Is4() || !b.Is4() {
		return start + "-" + end
	}
	if a.IsUnspecified() && b.IsUnspecified() {
		return "AzureServices"
	}
	lo, hi := a.As4(), b.As4()
	x := uint32(lo[0])<<24 | uint32(lo[1])<<16 | uint32(lo[2])<<8 | uint32(lo[3])
	y := uint32(hi[0])<<24 | uint32(hi[1])<<16 | uint32(hi[2])<<8 | uint32(hi[3])
	for bits := 0; bits <= 32; bits++ {
		host := ^uint32(0) >> bits // 0 when bits is 32
		if x&host == 0 && x|host == y {
			return netip.PrefixFrom(a, bits).String()
		}
	}
	return a.String() + "-" + b.String()
}

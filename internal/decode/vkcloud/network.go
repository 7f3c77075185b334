package vkcloud

import (
	"strings"

	"github.com/snapwarden/snapwarden/internal/event"
)

const ruleKey = "security_group_rule"

// create-security-group-rule, from Neutron
// ({"security_group_rule":{"direction","protocol","port_range_min","port_range_max",
// "remote_ip_prefix"|"remote_group_id","ethertype","security_group_id"}}) or
// from Nova's legacy API ({"security_group_rule":{"parent_group_id",
// "ip_protocol","from_port","to_port","cidr"|"group_id"}}, always inbound).
// The response, when it parses, is the rule as created, so it is preferred.
func createRule(c *call, e *event.Event) {
	b := c.req
	if c.resp.get(ruleKey) != nil {
		b = c.resp
	}
	add(e, event.RoleTarget, event.SecurityGroup, first(
		b.str(ruleKey, "security_group_id"), b.str(ruleKey, "parent_group_id"),
		c.req.str(ruleKey, "security_group_id"), c.req.str(ruleKey, "parent_group_id")))
	add(e, event.RoleCreated, event.FirewallRule, c.resp.str(ruleKey, "id"))

	nova := first(b.str(ruleKey, "parent_group_id"), b.str(ruleKey, "ip_protocol")) != ""
	dir := first(b.str(ruleKey, "direction"), c.req.str(ruleKey, "direction"))
	if !strings.EqualFold(dir, "ingress") && !(nova && dir == "") {
		return
	}
	e.Action = event.IngressOpen
	if nova {
		e.AddIngress(ingress(b,
			b.str(ruleKey, "ip_protocol"), "from_port", "to_port",
			first(b.str(ruleKey, "cidr"), b.str(ruleKey, "ip_range", "cidr"), b.str(ruleKey, "group_id")),
			"0.0.0.0/0"))
		return
	}
	anywhere := "0.0.0.0/0"
	if strings.EqualFold(b.str(ruleKey, "ethertype"), "IPv6") {
		anywhere = "::/0"
	}
	e.AddIngress(ingress(b,
		b.str(ruleKey, "protocol"), "port_range_min", "port_range_max",
		first(b.str(ruleKey, "remote_ip_prefix"), b.str(ruleKey, "remote_group_id"), b.str(ruleKey, "remote_address_group_id")),
		anywhere))
}

// ingress builds the rule. What a parsed body leaves out means "any" (any
// protocol, every port, every address of the ethertype); what a truncated
// body lacks is unknown and stays empty, so a cut-off body never reads as
// open to the world.
func ingress(b body, proto, minKey, maxKey, source, anywhere string) event.Ingress {
	in := event.Ingress{Source: source}
	// No protocol ("" or null) is not event.Protocol's "all" unless the
	// body parsed.
	switch p := strings.ToLower(strings.TrimSpace(proto)); {
	case p != "" && p != "null":
		in.Protocol = event.Protocol(p)
	case b.parsed():
		in.Protocol = "all"
	}
	if in.Source == "" && b.parsed() {
		in.Source = anywhere
	}
	lo, okLo := b.num(ruleKey, minKey)
	hi, okHi := b.num(ruleKey, maxKey)
	switch {
	case in.Protocol == "all":
	case okLo && okHi:
		in.FromPort, in.ToPort = lo, hi
	case okLo:
		in.FromPort, in.ToPort = lo, lo
	case okHi:
		in.FromPort, in.ToPort = hi, hi
	case b.parsed() && (in.Protocol == "tcp" || in.Protocol == "udp"):
		in.FromPort, in.ToPort = 0, 65535
	}
	return in
}
